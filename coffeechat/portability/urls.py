from django.urls import path

from coffeechat.portability import views

app_name = "portability"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("export/", views.export_page, name="export"),
    path("export/<slug:kind>/", views.export_download, name="export_download"),
]

from django.urls import path

from coffeechat.portability import views

app_name = "portability"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:batch_pk>/tag/", views.import_tag, name="import_tag"),
    path("imports/<int:batch_pk>/undo/", views.import_undo, name="import_undo"),
    path("export/", views.export_page, name="export"),
    path("export/<slug:kind>/", views.export_download, name="export_download"),
]

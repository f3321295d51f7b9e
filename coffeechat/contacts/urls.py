from django.urls import path

from coffeechat.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_create, name="contact_create"),
    path("coworker-check/", views.coworker_check, name="coworker_check"),
    path("<int:contact_pk>/", views.contact_detail, name="contact_detail"),
    path("<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:contact_pk>/research/", views.contact_research, name="contact_research"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path(
        "organizations/<int:organization_pk>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<int:organization_pk>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<int:organization_pk>/delete/",
        views.organization_delete,
        name="organization_delete",
    ),
]

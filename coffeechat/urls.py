from django.urls import include, path

from coffeechat.agenda import views as agenda_views

urlpatterns = [
    path("", agenda_views.today, name="home"),
    path("today/", include("coffeechat.agenda.urls")),
    path("accounts/", include("coffeechat.accounts.urls")),
    path("contacts/", include("coffeechat.contacts.urls")),
    path("conversations/", include("coffeechat.conversations.urls")),
    path("outreach/", include("coffeechat.outreach.urls")),
    path("portability/", include("coffeechat.portability.urls")),
]

handler500 = "coffeechat.errors.server_error"

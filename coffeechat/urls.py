from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="contacts:contact_list"), name="home"),
    path("accounts/", include("coffeechat.accounts.urls")),
    path("contacts/", include("coffeechat.contacts.urls")),
    path("conversations/", include("coffeechat.conversations.urls")),
    path("outreach/", include("coffeechat.outreach.urls")),
    path("portability/", include("coffeechat.portability.urls")),
]

from django.urls import path

from coffeechat.agenda import views

app_name = "agenda"
urlpatterns = [
    path("", views.today, name="today"),
    path("upcoming/", views.upcoming_page, name="upcoming"),
    path("snooze/", views.snooze, name="snooze"),
    path("dismiss/", views.dismiss, name="dismiss"),
    path("restore/", views.restore, name="restore"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/new/", views.feed_create, name="feed_create"),
    path("feed/off/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("digest/", views.digest_toggle, name="digest_toggle"),
]

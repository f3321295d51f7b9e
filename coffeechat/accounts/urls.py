from django.urls import path

from coffeechat.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/<str:token>/", views.login_link, name="login_link"),
    path("logout/", views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/pitch-timing/", views.pitch_timing, name="pitch_timing"),
]

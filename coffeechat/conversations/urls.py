from django.urls import path

from coffeechat.conversations import views

app_name = "conversations"
urlpatterns = [
    path("<int:conversation_pk>/", views.conversation_detail, name="conversation_detail"),
]

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "coffeechat.agenda"
    label = "agenda"

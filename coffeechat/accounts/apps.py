from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coffeechat.accounts"
    label = "accounts"

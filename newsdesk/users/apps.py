from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "newsdesk.users"
    label = "users"
    verbose_name = "Users"

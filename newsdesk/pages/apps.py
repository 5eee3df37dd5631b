from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "newsdesk.pages"
    label = "pages"
    verbose_name = "Standard pages"

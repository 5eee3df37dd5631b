from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom roles and review"

    def ready(self):
        from . import notifications, signals  # noqa: F401

        notifications.connect()

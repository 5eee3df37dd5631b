from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "newsdesk.caching"
    label = "caching"
    verbose_name = "Page cache"

    def ready(self):
        from . import signals

        signals.connect()

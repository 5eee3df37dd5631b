from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "newsdesk.analytics"
    label = "analytics"
    verbose_name = "Readership"

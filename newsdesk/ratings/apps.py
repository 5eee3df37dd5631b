from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "newsdesk.ratings"
    label = "ratings"
    verbose_name = "Article ratings"

from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "newsdesk.images"
    label = "images"
    verbose_name = "Images"

    def ready(self):
        from . import tasks

        tasks.connect()

from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "newsdesk.corrections"
    label = "corrections"
    verbose_name = "Corrections and updates"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import signals  # noqa: F401
        from .models import ArticleNote
        from .permissions import NotePermissionPolicy

        # Registered here, before any admin code can create the fallback policy.
        register_permission_policy(ArticleNote, NotePermissionPolicy(ArticleNote))

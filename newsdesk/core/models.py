from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="warning")
class BreakingNews(BaseSiteSetting):
    """A short banner on every page until it expires or is switched off."""

    enabled = models.BooleanField("show the banner", default=False)
    label = models.CharField(max_length=30, default="Breaking", help_text='e.g. "Breaking", "Live"')
    text = models.CharField(
        max_length=160, blank=True, help_text="One line, at most 160 characters."
    )
    link = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the banner leads: a path like /world/… or a URL.",
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The banner disappears at this time. Leave empty to keep it.",
    )

    panels = [
        FieldRowPanel([FieldPanel("enabled"), FieldPanel("label")]),
        FieldPanel("text"),
        FieldPanel("link"),
        FieldPanel("expires_at"),
    ]

    class Meta:
        verbose_name = "breaking news banner"

    @property
    def is_active(self) -> bool:
        return bool(
            self.enabled
            and self.text
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def safe_link(self) -> str:
        link = self.link.strip()
        return link if link.startswith(("/", "http://", "https://")) else ""

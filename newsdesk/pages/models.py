from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from newsdesk.core.blocks import StandardBodyBlock


class StandardPage(Page):
    """About, Masthead, Contact, policies: plain pages with a short intro and a body."""

    intro = models.TextField(blank=True)
    body = StreamField(StandardBodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["articles.HomePage", "pages.StandardPage"]

    class Meta:
        verbose_name = "standard page"

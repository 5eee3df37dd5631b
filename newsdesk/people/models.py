from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class PeopleIndexPage(Page):
    """The staff list at /people/."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["articles.HomePage"]
    subpage_types = ["people.PersonPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["people"] = (
            PersonPage.objects.child_of(self).live().select_related("photo").order_by("title")
        )
        return context


class PersonPage(Page):
    """A writer, editor or photographer, with a public profile listing their work."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Writer"
        EDITOR = "editor", "Editor"
        PHOTOGRAPHER = "photographer", "Photographer"
        CONTRIBUTOR = "contributor", "Contributor"

    role = models.CharField(max_length=120, blank=True, help_text='e.g. "Foreign correspondent"')
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AUTHOR)
    location = models.CharField(max_length=120, blank=True)
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    photo = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Shown publicly as a contact address.")
    website = models.URLField(blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("role"), FieldPanel("kind"), FieldPanel("location")], heading="Role"
        ),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("website")], heading="Contact"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("role"), index.SearchField("bio")]
    parent_page_types = ["people.PeopleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"

    @property
    def name(self) -> str:
        return self.title

    def get_context(self, request, *args, **kwargs):
        from newsdesk.articles.models import ArticlePage
        from newsdesk.articles.pagination import paginate
        from newsdesk.caching.tags import person_tag

        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.published().filter(bylines__person=self).for_listing()
        context["page_obj"] = paginate(request, articles, tag=person_tag(self.pk))
        return context

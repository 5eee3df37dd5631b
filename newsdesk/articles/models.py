import functools
import math

from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from newsdesk.caching.tags import archive_tag, section_tag, tag_tag
from newsdesk.core.blocks import ArticleBodyBlock
from newsdesk.distribution.metadata.widgets import LengthHintInput, LengthHintTextarea

from .forms import ArticlePageForm, check_headline
from .pagination import paginate
from .queries import ArticlePageManager, CachedViewRestrictions, sections_by_path


def raw_text(value):
    """Every string inside a StreamField's raw data, without rendering it."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "id"):
                yield from raw_text(item)
    elif isinstance(value, list | tuple) or hasattr(value, "__iter__"):
        for item in value:
            yield from raw_text(item)


WORDS_PER_MINUTE = 230


class HomePage(CachedViewRestrictions, RoutablePageMixin, Page):
    """The front page. Editors pick the lead and top stories; the rest fills itself."""

    tagline = models.CharField(max_length=255, blank=True)
    lead_story = models.ForeignKey(
        "articles.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to lead with the newest article.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        MultiFieldPanel(
            [FieldPanel("lead_story"), InlinePanel("top_stories", label="Top story", max_num=7)],
            heading="Front page curation",
            help_text="Chosen stories come first; the newest articles fill the remaining places.",
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from .services import front_page

        context = super().get_context(request, *args, **kwargs)
        context.update(front_page(home=self))
        context["is_home"] = True
        return context

    def route(self, request, path_components):
        """Find a page below the home page in one query on its URL path, not one per level.

        The sub-pages of the home page (tags, archive) come first, as Wagtail has them; a path
        that matches no page's URL path exactly (a routable page's own sub-page) is walked the
        usual way.
        """
        if path_components and self.live:
            path = "/" + "/".join(path_components) + "/"
            try:
                self.resolve_subpage(path)
            except Http404:
                found = find_page(
                    f"{self.url_path}{path[1:]}",
                    slug=path_components[-1],
                    article=len(path_components) == 2,
                )
                if found is not None:
                    return found.route(request, [])
        return super().route(request, path_components)

    def listing(self, request, template: str, context: dict) -> TemplateResponse:
        # Rendered directly: the front page's own context is not needed here.
        return TemplateResponse(request, template, {"page": self, "self": self, **context})

    @path("archive/", name="archive")
    def archive_index(self, request):
        from .archive import months_with_articles

        return self.listing(
            request, "articles/archive_index.html", {"years": months_with_articles(self)}
        )

    @path("archive/<int:year>/<int:month>/", name="archive_month")
    def archive_month(self, request, year, month):
        from .archive import month_listing

        listing = month_listing(self, year=year, month=month)
        if listing is None:
            raise Http404("No such month.")
        articles, context = listing
        return self.listing(
            request,
            "articles/archive_month.html",
            {
                **context,
                "page_obj": paginate(request, articles, tag=archive_tag(year=year, month=month)),
            },
        )

    @path("tags/<slug:tag>/", name="tag")
    def tag_page(self, request, tag):
        tag = get_object_or_404(Tag, slug=tag)
        articles = ArticlePage.objects.published().filter(tags=tag).for_listing()
        return self.listing(
            request,
            "articles/tag_page.html",
            {"tag": tag, "page_obj": paginate(request, articles, tag=tag_tag(tag.pk))},
        )


def find_page(url_path: str, *, slug: str, article: bool) -> Page | None:
    """The page at `url_path` as its own type: one query for an article, two for the rest.

    `article`: look for an article first (the path has the depth of one).
    """
    # The slug's index narrows the search.
    page = None
    if article:
        page = next(iter(article_at(slug=slug, url_path=url_path)), None)
    if page is None:
        base = Page.objects.filter(slug=slug, url_path=url_path).first()
        page = base.specific if base is not None else None
    return page


def article_at(*, slug: str, url_path: str) -> models.query.RawQuerySet:
    """The article at `url_path`, without its body, read from the database the router
    chooses. Its SQL is compiled once per database: compiling the query cost more than
    running it, on every page-cache miss."""
    database = router.db_for_read(ArticlePage)
    sql, names = _article_sql(database)
    values = {"slug": slug, "url_path": url_path}
    return ArticlePage.objects.db_manager(database).raw(sql, [values[name] for name in names])


@functools.cache
def _article_sql(database: str) -> tuple[str, list[str]]:
    """(SQL, the parameters' names in their order), compiled with stand-ins."""
    stand_ins = {"slug": "\x00slug", "url_path": "\x00url_path"}
    query = ArticlePage.objects.defer("body").filter(**stand_ins)[:1].query
    sql, params = query.get_compiler(database).as_sql()
    names = {value: name for name, value in stand_ins.items()}
    return sql, [names[param] for param in params]


class HomePageTopStory(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class SectionPage(CachedViewRestrictions, Page):
    """A section of the magazine (World, Politics, ...), listing its articles newest first."""

    intro = models.TextField(blank=True, help_text="One or two sentences under the name.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["articles.HomePage"]
    subpage_types = ["articles.ArticlePage"]

    class Meta:
        verbose_name = "section"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.published().child_of(self).for_listing()
        context["page_obj"] = paginate(request, articles, tag=section_tag(self.pk))
        context["current_section"] = self
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(CachedViewRestrictions, Page):
    """A story: headline, dek, bylines, dateline, lead figure, body and credits."""

    class ArticleType(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        INTERVIEW = "interview", "Interview"
        EXPLAINER = "explainer", "Explainer"
        REVIEW = "review", "Review"
        SPONSORED = "sponsored", "Sponsored"

    dek = models.TextField(
        "standfirst", blank=True, help_text="One or two sentences under the headline."
    )
    kicker = models.CharField(
        max_length=80,
        blank=True,
        help_text="A short label above the headline; defaults to the section.",
    )
    article_type = models.CharField(
        "type", max_length=20, choices=ArticleType.choices, default=ArticleType.NEWS
    )
    byline_text = models.CharField(
        max_length=255,
        blank=True,
        help_text='For desks and agencies, e.g. "Staff reporters"; shown after any people.',
    )
    dateline_place = models.CharField(max_length=120, blank=True, help_text='e.g. "NAIROBI"')
    dateline_date = models.DateField(
        null=True, blank=True, help_text="Defaults to the publication date."
    )
    lead_image = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.TextField(
        blank=True, help_text="Leave empty to use the image's own caption."
    )
    lead_image_credit = models.CharField(
        max_length=255, blank=True, help_text="Leave empty to use the image's own credit."
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    comments_mode = models.CharField(
        "comments",
        max_length=10,
        choices=[
            ("open", "Open"),
            ("closed", "Closed: the thread stays visible, no new comments"),
            ("off", "Off: no comments shown"),
        ],
        default="open",
    )
    updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Set when the story changes materially after publication; shown to readers.",
    )
    social_image = models.ForeignKey(
        "images.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the article is shared on social networks and in chat previews, "
        "cropped to 1200x630. Leave empty to use the lead image.",
    )

    objects = ArticlePageManager()
    base_form_class = ArticlePageForm  # refuses to publish a placeholder headline

    content_panels = [
        TitleFieldPanel("title", heading="Headline"),
        FieldPanel("dek"),
        FieldRowPanel([FieldPanel("kicker"), FieldPanel("article_type")]),
        MultiFieldPanel(
            [InlinePanel("bylines", label="Byline"), FieldPanel("byline_text")], heading="Bylines"
        ),
        FieldRowPanel(
            [FieldPanel("dateline_place"), FieldPanel("dateline_date")], heading="Dateline"
        ),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Lead image",
        ),
        FieldPanel("body"),
        InlinePanel("credits", label="Credit", heading="Credits"),
        FieldPanel("tags"),
        InlinePanel(
            "related_pins",
            label="Related story",
            heading="Related stories",
            max_num=4,
            help_text="Pinned first, in this order; stories sharing tags and section fill the "
            "remaining places.",
        ),
        FieldRowPanel([FieldPanel("updated_at"), FieldPanel("comments_mode")]),
    ]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel(
                    "seo_title",
                    widget=LengthHintInput(recommended=60),
                    help_text="Replaces the headline in search results and link previews, "
                    "exactly as written. Leave empty to use the headline.",
                ),
                FieldPanel(
                    "search_description",
                    widget=LengthHintTextarea(recommended=160),
                    help_text="Shown under the headline in search results and link previews. "
                    "Leave empty to use the standfirst.",
                ),
            ],
            heading="For search engines",
        ),
        MultiFieldPanel([FieldPanel("social_image")], heading="For social networks"),
    ]
    # Reader search (newsdesk/search): headline > dek > names (section, authors, desk byline,
    # tags) > body. PostgreSQL turns the distinct boosts into tsvector weights A, B, C, D
    # (10, 4, 2, none); SQLite weighs the headline against the rest (newsdesk/search/backend.py);
    # Elasticsearch/OpenSearch use the boosts as they are. The title entry replaces Page's;
    # "headline" indexes it again, into the body vector, so that PostgreSQL can match every
    # word with the GIN index on body alone (newsdesk/search/backend.py).
    # PostgreSQL search ranks the newest matches, not all of them (search/backend.py).
    search_newest_first = "-first_published_at"
    search_fields = [
        *Page.search_fields,
        index.SearchField("title", boost=10),
        index.SearchField("headline", boost=10),
        index.SearchField("dek", boost=4),
        index.SearchField("body"),
        index.SearchField("byline_text", boost=2),
        index.SearchField("section_name", boost=2),
        index.RelatedFields(
            "bylines",
            [
                index.RelatedFields("person", [index.SearchField("title", boost=2)]),
                index.FilterField("person"),
            ],
        ),
        index.RelatedFields("tags", [index.SearchField("name", boost=2)]),
        index.FilterField("article_type"),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["articles.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "article"

    def publish(self, revision, *args, **kwargs):
        # However it is published (a service, a bulk action, a schedule), a placeholder
        # headline from copy intake never goes out; the editor's form says so first.
        check_headline(str(revision.content.get("title", "")), page_id=self.pk)
        return super().publish(revision, *args, **kwargs)

    @property
    def headline(self) -> str:
        return self.title

    @cached_property
    def section(self):
        section = sections_by_path().get(self.path[: -self.steplen])
        if section is None:
            parent = self.get_parent()
            section = parent.specific if parent else None
        return section

    def section_name(self) -> str:
        """The section's name, indexed for search."""
        return self.section.title if self.section else ""

    @property
    def label(self) -> str:
        """The line above the headline: the kicker, or the section's name."""
        return self.kicker or (self.section.title if self.section else "")

    @property
    def type_label(self) -> str:
        # News is the default and needs no label.
        return "" if self.article_type == self.ArticleType.NEWS else self.get_article_type_display()

    @property
    def is_opinion(self) -> bool:
        return self.article_type == self.ArticleType.OPINION

    @property
    def published_at(self):
        return self.first_published_at

    @property
    def dateline(self):
        if self.dateline_date:
            return self.dateline_date
        return self.first_published_at.date() if self.first_published_at else None

    @property
    def caption(self) -> str:
        return self.lead_image_caption or (self.lead_image.caption if self.lead_image else "")

    @property
    def credit(self) -> str:
        return self.lead_image_credit or (self.lead_image.credit if self.lead_image else "")

    @cached_property
    def reading_minutes(self) -> int:
        words = len(strip_tags(" ".join(raw_text(self.body.raw_data))).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def prefetch_story(self) -> str:
        """Load the bylines, credits and tags that the story and its metadata show, in three
        queries, where they are rendered: a page cache miss that finds both kept in the
        fragment cache needs none of them. Once loaded, a no-op. Returns "" for templates."""
        if self.pk:  # a preview of a story never saved has no rows yet
            prefetch_related_objects(
                [self],
                Prefetch("bylines", ArticleByline.objects.select_related("person")),
                Prefetch("credits", ArticleCredit.objects.select_related("person")),
                "tags",
            )
        return ""

    @cached_property
    def related_stories(self) -> list["ArticlePage"]:
        """The related rail's cards, read where the rail is rendered: a miss that finds the
        rail kept needs none. A preview of a story never saved has none yet."""
        from .services import related_articles

        return related_articles(self) if self.pk else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["current_section"] = self.section
        return context


class ArticleRelatedPin(Orderable):
    """A related story an editor chose by hand."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_pins")
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "article"], name="unique_related_pin"),
            models.CheckConstraint(
                condition=~models.Q(page=models.F("article")), name="related_pin_not_itself"
            ),
        ]


class ArticleByline(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    person = models.ForeignKey("people.PersonPage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "person"], name="unique_byline_per_article")
        ]


class ArticleCredit(Orderable):
    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        PHOTOGRAPHER = "photographer", "Photography"
        FACT_CHECKER = "fact-checker", "Fact-checking"
        TRANSLATOR = "translator", "Translation"
        ADDITIONAL_REPORTING = "additional reporting", "Additional reporting"
        ILLUSTRATION = "illustration", "Illustration"
        GRAPHICS = "graphics", "Graphics"

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.EDITOR)
    person = models.ForeignKey(
        "people.PersonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=255, blank=True, help_text="For someone without a profile.")

    panels = [FieldRowPanel([FieldPanel("role"), FieldPanel("person"), FieldPanel("name")])]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person__isnull=True, name=""), name="credit_names_someone"
            )
        ]

    def clean(self):
        if not self.person_id and not self.name:
            raise ValidationError({"name": "Choose a person or type a name for this credit."})

    @property
    def display_name(self) -> str:
        return self.person.title if self.person else self.name

"""The one definition of "published" and the one listing query every page reuses."""

from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce, Length, RowNumber, Substr
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageManager, PageQuerySet

# Every size of a <picture> in AVIF, WebP and a JPEG fallback, spelled as the templates'
# `{% picture ... format-{avif,webp,jpeg} %}` expands them (components/story.html, figure.html).
PICTURE_FORMATS = ("avif", "webp", "jpeg")


def picture_renditions(*sizes: str) -> tuple[str, ...]:
    return tuple(f"fill-{size}|format-{fmt}" for size in sizes for fmt in PICTURE_FORMATS)


# Renditions that story cards use (components/story.html: the front page's lead from 480 wide,
# the others up to 960); prefetched with every listing so cards cost no queries. A size missing
# here is not looked up but made again on every render (Wagtail trusts the prefetch).
CARD_RENDITIONS = picture_renditions("320x180", "480x270", "640x360", "960x540", "1200x675")
LEAD_RENDITIONS = picture_renditions("800x450", "1200x675", "1600x900")


class ArticlePageQuerySet(PageQuerySet):
    def private_q(self) -> Q:
        """Wagtail's, from the cached list of restricted pages instead of a query each time."""
        q = Q()
        for path, depth, _ in view_restrictions():
            q |= Q(path__startswith=path, depth__gte=depth)
        return q if q else Q(pk__in=[])

    def published(self) -> "ArticlePageQuerySet":
        """Live, public and already past its publication time: what readers may see."""
        return self.live().public().filter(first_published_at__lte=timezone.now())

    def for_listing(self, *, renditions=CARD_RENDITIONS) -> "ArticlePageQuerySet":
        """Newest first, with what a story card shows fetched in a fixed number of queries."""
        from newsdesk.comments.models import Comment

        approved = (
            Comment.objects.visible()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.defer_streamfields()
            .select_related("lead_image")
            .annotate(comment_count=Coalesce(Subquery(approved), 0))
            .prefetch_related(*card_prefetches(renditions))
            .order_by("-first_published_at", "-pk")
        )

    def newest_in_each(self, sections, count: int) -> "ArticlePageQuerySet":
        """The newest `count` articles in each of `sections`, in one query.

        On PostgreSQL, a UNION ALL of one LIMIT per section: each walks the date index and
        stops, where ranking every article per section (a window function) read all of them
        (9 s at a million articles). SQLite cannot order the parts of a UNION: there the
        window function ranks what is a small site's worth of articles.
        """
        if not sections:
            return self.none()
        if not connection.features.supports_slicing_ordering_in_compound:
            parent_path = Substr("path", 1, Length("path") - self.model.steplen)
            return self.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=parent_path,
                    order_by=[F("first_published_at").desc(), F("pk").desc()],
                )
            ).filter(rank__lte=count)
        newest = [
            self.child_of(section).order_by("-first_published_at", "-pk").values("pk")[:count]
            for section in sections
        ]
        return self.filter(pk__in=newest[0].union(*newest[1:], all=True))


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


def card_prefetches(renditions=CARD_RENDITIONS) -> list[Prefetch]:
    """What a story card shows beyond its article: the picture's renditions, the bylines."""
    from .models import ArticleByline

    renditions_of_cards = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=renditions)
    )
    bylines = ArticleByline.objects.select_related("person").order_by("sort_order")
    return [
        Prefetch("lead_image__renditions", queryset=renditions_of_cards),
        Prefetch("bylines", queryset=bylines),
    ]


def attach_sections(articles):
    """Give each article its section from the cached sections, instead of a parent lookup."""
    from .models import SectionPage

    articles = list(articles)
    sections = sections_by_path()
    missing = {a.path[: -a.steplen] for a in articles} - sections.keys()
    if missing:  # a section created since the cache was filled (creating one purges nothing)
        sections = sections | {s.path: s for s in SectionPage.objects.filter(path__in=missing)}
    for article in articles:
        article.section = sections.get(article.path[: -article.steplen])
    return articles


def sections_by_path() -> dict:
    """{path: section} for every section, cached until a section changes (it purges `all`)."""
    from newsdesk.caching.fragments import cached

    from .models import SectionPage

    return cached("sections", lambda: {s.path: s for s in SectionPage.objects.order_by("path")})


def public_sections() -> list:
    """Live sections readers may open, in tree order, from the cached sections."""
    restricted = [(path, depth) for path, depth, _ in view_restrictions()]
    return [
        section
        for path, section in sorted(sections_by_path().items())
        if section.live
        and not any(path.startswith(r) and section.depth >= d for r, d in restricted)
    ]


def view_restrictions() -> tuple[tuple[str, int, int], ...]:
    """(path, depth, page id) of every page with a view restriction, cached.

    A restriction added, changed or removed purges `all`; the entry also carries the
    restricted pages' own tags, which moving one of them purges.
    """
    from wagtail.models import PageViewRestriction

    from newsdesk.caching.fragments import cached
    from newsdesk.caching.tags import add_tags, page_tag

    def build():
        rows = PageViewRestriction.objects.values_list("page__path", "page__depth", "page_id")
        restrictions = tuple(sorted(set(rows)))
        add_tags(*(page_tag(pk) for _, _, pk in restrictions))
        return restrictions

    return cached("view-restrictions", build)


class CachedViewRestrictions:
    """Skip Wagtail's two restriction queries when no page on the site is restricted."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if not view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

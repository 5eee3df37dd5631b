"""The one definition of "published" and the one listing query every page reuses."""

from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import Coalesce, Length, RowNumber, Substr
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageManager, PageQuerySet

# Renditions that story cards use; prefetched with every listing so cards cost no queries.
CARD_RENDITIONS = ("fill-480x270|format-webp", "fill-960x540|format-webp")
LEAD_RENDITIONS = (
    "fill-800x450|format-webp",
    "fill-1200x675|format-webp",
    "fill-1600x900|format-webp",
)


class ArticlePageQuerySet(PageQuerySet):
    def published(self) -> "ArticlePageQuerySet":
        """Live, public and already past its publication time: what readers may see."""
        return self.live().public().filter(first_published_at__lte=timezone.now())

    def for_listing(self, *, renditions=CARD_RENDITIONS) -> "ArticlePageQuerySet":
        """Newest first, with what a story card shows fetched in a fixed number of queries."""
        from newsdesk.comments.models import Comment

        from .models import ArticleByline

        images = get_image_model().objects.prefetch_renditions(*renditions)
        approved = (
            Comment.objects.visible()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        bylines = ArticleByline.objects.select_related("person").order_by("sort_order")
        return (
            self.defer_streamfields()
            .annotate(comment_count=Coalesce(Subquery(approved), 0))
            .prefetch_related(
                Prefetch("lead_image", queryset=images),
                Prefetch("bylines", queryset=bylines),
            )
            .order_by("-first_published_at", "-pk")
        )

    def newest_per_parent(self, count: int) -> "ArticlePageQuerySet":
        """The newest `count` articles under each section, in one query."""
        parent_path = Substr("path", 1, Length("path") - self.model.steplen)
        return self.annotate(
            rank=Window(
                RowNumber(),
                partition_by=parent_path,
                order_by=[F("first_published_at").desc(), F("pk").desc()],
            )
        ).filter(rank__lte=count)


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


def attach_sections(articles):
    """Give each article its section in one query, instead of one parent lookup per card."""
    from .models import SectionPage

    articles = list(articles)
    parent_paths = {article.path[: -article.steplen] for article in articles}
    sections = {s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        article.section = sections.get(article.path[: -article.steplen])
    return articles

"""The head of every page: `{% page_meta as head_meta %}`, then `{{ head_meta.tags_html }}`
(description, robots, OpenGraph, Twitter, JSON-LD) and `{{ head_meta.links_html }}`
(canonical, prev, next), HTML made by distribution/'s templates. See
newsdesk/distribution/metadata/page_meta.py."""

from django import template

from newsdesk.caching.templatetags.fragments import cacheable, cached_for_page
from newsdesk.distribution.metadata.page_meta import Head, PageMeta, build

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context) -> PageMeta | Head:
    """An article's is kept, as its `Head`, with its story's fragment (the same tags: whatever
    purges the page purges it); other pages' depend on their listing and are built each time."""
    from newsdesk.articles.models import ArticlePage

    page = context.get("page")
    if isinstance(page, ArticlePage) and cacheable(context):
        request = context["request"]
        parts = [request.scheme, page.pk, page.live_revision_id, page.last_published_at]
        return cached_for_page(
            context, "meta", parts, lambda: page.prefetch_story() or build(context).head()
        )
    return build(context)

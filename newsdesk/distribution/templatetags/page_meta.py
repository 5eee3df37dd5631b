"""The head of every page: `{% page_meta as head_meta %}`, then `{% meta_tags head_meta %}`
(description, robots, OpenGraph, Twitter, JSON-LD) and `{% meta_links head_meta %}`
(canonical, prev, next). See newsdesk/distribution/metadata/page_meta.py."""

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


@register.simple_tag
def meta_tags(meta: PageMeta | Head) -> str:
    return meta.tags_html


@register.simple_tag
def meta_links(meta: PageMeta | Head) -> str:
    return meta.links_html

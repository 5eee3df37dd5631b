"""The head of every page: `{% page_meta as head_meta %}`, then `{% meta_tags head_meta %}`
(description, robots, OpenGraph, Twitter, JSON-LD) and `{% meta_links head_meta %}`
(canonical, prev, next). See newsdesk/distribution/metadata/page_meta.py."""

from django import template

from newsdesk.distribution.metadata.page_meta import PageMeta, build

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context) -> PageMeta:
    return build(context)


@register.inclusion_tag("distribution/meta.html")
def meta_tags(meta: PageMeta) -> dict:
    return {"meta": meta}


@register.inclusion_tag("distribution/meta_links.html")
def meta_links(meta: PageMeta) -> dict:
    return {"meta": meta}

"""`{% fragment "name" part ... %}...{% endfragment %}`: HTML rendered once and kept by
`caching.fragments.cached` until one of its tags is purged.

The parts name what the HTML depends on (an article's id and live revision); the hostname is
added, since links and the site's name differ by site. The HTML gets the tags of the page the
template shows and of everything loaded so far for the response (a byline's person may have
been loaded before the fragment's template reads it) or while it was rendered, so whatever
purges the page's response purges its fragments too: publishing, comments, notes, a renamed
author. A page cache miss then renders only what changes between requests. Previews are
never cached: a draft has the live page's id and revision.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe

from ..fragments import cached
from ..tags import collected, page_tag

register = template.Library()
SECONDS = 300  # no longer than a page in the page cache (s-maxage): counts in them age alike


def fragment_key(name: str, host: str, parts) -> str:
    """The `cached()` key of a fragment (parts may hold spaces and any length)."""
    joined = "\n".join([host, *(str(part) for part in parts)])
    return f"html:{name}:{hashlib.sha256(joined.encode()).hexdigest()[:32]}"


def cacheable(context) -> bool:
    """Whether what this template shows of its page may be kept: not in previews."""
    request, page = context.get("request"), context.get("page")
    return bool(
        request is not None
        and page is not None
        and page.pk
        and not getattr(request, "is_preview", False)
    )


def cached_for_page(context, name: str, parts, build, *, timeout: int = SECONDS):
    """`build()` kept under `name` and `parts` with the tags the module docstring describes."""
    page = context["page"]
    return cached(
        fragment_key(name, context["request"].get_host(), parts),
        build,
        tags=[page_tag(page.pk), *collected()],
        timeout=timeout,
    )


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, timeout):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.timeout = timeout

    def render(self, context) -> str:
        if not cacheable(context):
            return self.nodelist.render(context)
        parts = [part.resolve(context) for part in self.parts]
        name = self.name.resolve(context)
        html = cached_for_page(
            context, name, parts, lambda: self.nodelist.render(context), timeout=self.timeout
        )
        return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


@register.tag
def fragment(parser, token):
    """`{% fragment "name" part ... [seconds=N] %}`: seconds bounds how long it is kept."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name: {{% fragment 'name' %}}")
    timeout = SECONDS
    if bits[-1].startswith("seconds="):
        value = bits.pop().removeprefix("seconds=")
        if not value.isdigit():
            raise template.TemplateSyntaxError(f"fragment seconds= takes a number, not {value!r}")
        timeout = int(value)
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), parts, timeout)

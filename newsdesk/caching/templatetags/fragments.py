"""`{% fragment "name" part ... %}...{% endfragment %}`: HTML rendered once and kept by
`caching.fragments.cached` until one of its tags is purged.

The parts name what the HTML depends on (an article's id and live revision); the hostname is
added, since links and the site's name differ by site. The HTML gets the tags of the page the
template shows and of everything loaded so far for the response (a byline's person may have
been loaded before the fragment's template reads it) or while it was rendered, so whatever
purges the page's response purges its fragments too: publishing, comments, notes, a renamed
author. A page cache miss then renders only what changes between requests. A `shared`
fragment, the same on every page ("Most read"), has only the tags of what it loaded itself.
Previews are never cached: a draft has the live page's id and revision.
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
    """Whether what this template shows of its page may be kept: not in previews, nor of a
    page never saved."""
    request, page = context.get("request"), context.get("page")
    return bool(
        request is not None
        and getattr(page, "pk", None)
        and not getattr(request, "is_preview", False)
    )


def cached_for_page(context, name: str, parts, build, *, shared=False, timeout=SECONDS):
    """`build()` kept under `name` and `parts` with the tags the module docstring describes;
    a `shared` one (the same on every page) has only those recorded while it was built:
    another page's tags would make it, and every page it is shown on, purged with that page."""
    page = context["page"]
    return cached(
        fragment_key(name, context["request"].get_host(), parts),
        build,
        tags=[] if shared else [page_tag(page.pk), *collected()],
        timeout=timeout,
    )


def kept_html(context, name: str, parts, build, *, shared=False, timeout=SECONDS):
    """`build()`'s HTML, kept as `cached_for_page` keeps it when the page may be kept."""
    if not cacheable(context):
        return mark_safe(build())  # noqa: S308 - rendered by the template engine, escaped there
    html = cached_for_page(context, name, parts, build, shared=shared, timeout=timeout)
    return mark_safe(html)  # noqa: S308 - as above


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, *, shared=False, timeout=SECONDS):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.shared = shared
        self.timeout = timeout

    def render(self, context) -> str:
        return kept_html(
            context,
            self.name.resolve(context),
            [part.resolve(context) for part in self.parts],
            lambda: self.nodelist.render(context),
            shared=self.shared,
            timeout=self.timeout,
        )


@register.tag
def fragment(parser, token):
    """`{% fragment "name" part ... [shared] [seconds=N] %}`: `shared` for one shown alike on
    every page (its parts do not name the page); `seconds` bounds how long it is kept."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name: {{% fragment 'name' %}}")
    timeout, shared = SECONDS, False
    while bits[-1] == "shared" or bits[-1].startswith("seconds="):
        option = bits.pop()
        if option == "shared":
            shared = True
            continue
        value = option.removeprefix("seconds=")
        if not value.isdigit():
            raise template.TemplateSyntaxError(f"fragment seconds= takes a number, not {value!r}")
        timeout = int(value)
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), parts, shared=shared, timeout=timeout
    )

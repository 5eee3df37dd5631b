"""What feed items carry beyond plain fields: images with their real size, and article bodies
as self-contained HTML (absolute links, plain figures). Everything here works on the whole
list of items at once, so that a feed costs the same number of queries for 10 items or 200.
"""

import hashlib
import mimetypes
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from django.core.cache import cache
from django.template.loader import render_to_string
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.rich_text import expand_db_html

from newsdesk.articles.models import ArticlePage
from newsdesk.core.templatetags.newsdesk import with_dateline

from .generators import FeedImage

# JPEG, because feed readers and aggregators do not all take WebP; 16:9 like the page's lead.
LEAD_RENDITION = "fill-1200x675|format-jpeg"
BODY_RENDITION = "width-1200|format-jpeg"
LOGO_RENDITION = "max-144x400|format-png"  # RSS 2.0's limit for a channel image

# Blocks rendered with their own templates, as on the page. Pull quotes are left out: they
# repeat a line of the story, which reads as a duplicate once the page's layout is gone.
TEMPLATE_BLOCKS = {"subheading", "quote", "fact_box"}
ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')
SEPARATOR = "\x00"  # cannot occur in stored rich text (PostgreSQL text refuses NUL)


def absolute(url: str, root_url: str) -> str:
    return urljoin(root_url + "/", url)


def absolutize(html: str, root_url: str) -> str:
    """Make root-relative links and image sources absolute: feed readers show them elsewhere."""
    return ROOT_RELATIVE.sub(lambda m: f'{m[1]}{root_url}{m[2]}"', html)


def size_cache_key(rendition) -> str:
    # The id alone is not enough: ids come back after a rollback, and file names after a
    # rendition is deleted and made again.
    name = f"{rendition.pk}:{rendition.file.name}".encode()
    return f"feeds:rendition-size:{hashlib.blake2b(name, digest_size=16).hexdigest()}"


def feed_images(
    wanted: Iterable[tuple[object, object, str, str]], *, spec: str, root_url: str
) -> dict[object, FeedImage]:
    """FeedImages for (key, image, caption, credit) tuples, keyed by `key`.

    Renditions come from the images' prefetched renditions (made once if missing). Their
    byte sizes, which an RSS enclosure must state, are read from storage once and then
    cached: a rendition's file never changes, and a remote storage would otherwise cost a
    request per item per render.
    """
    renditions = {}
    for key, image, caption, credit in wanted:
        try:
            renditions[key] = (image.get_rendition(spec), caption, credit)
        except SourceImageIOError:
            continue  # a missing original loses its image, not the whole feed
    sizes = cache.get_many([size_cache_key(r) for r, _, _ in renditions.values()])
    images, new_sizes = {}, {}
    for key, (rendition, caption, credit) in renditions.items():
        cache_key = size_cache_key(rendition)
        if cache_key not in sizes:
            try:
                sizes[cache_key] = new_sizes[cache_key] = rendition.file.size
            except OSError:
                continue
        images[key] = FeedImage(
            url=absolute(rendition.url, root_url),
            mime_type=mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg",
            length=sizes[cache_key],
            width=rendition.width,
            height=rendition.height,
            caption=caption,
            credit=credit,
        )
    if new_sizes:
        cache.set_many(new_sizes, timeout=None)
    return images


def lead_images(articles: list[ArticlePage], *, root_url: str) -> dict[int, FeedImage]:
    """Each article's lead image (its renditions prefetched by the listing query)."""
    return feed_images(
        ((a.pk, a.lead_image, a.caption, a.credit) for a in articles if a.lead_image),
        spec=LEAD_RENDITION,
        root_url=root_url,
    )


def render_bodies(
    articles: list[ArticlePage], *, lead: dict[int, FeedImage], request, root_url: str
) -> dict[int, str]:
    """Each article's lead figure and body as HTML for feed readers, keyed by article id.

    Walks the StreamField's raw data rather than its bound blocks, so that the images, linked
    pages and related articles of every article are fetched together: one query each.
    """
    stream_block = ArticlePage._meta.get_field("body").stream_block
    streams = {article.pk: list(article.body.raw_data) for article in articles}
    raw_blocks = [block for stream in streams.values() for block in stream]

    image_ids = {b["value"].get("image") for b in raw_blocks if b["type"] == "image"}
    image_model = get_image_model()
    images = image_model.objects.prefetch_renditions(BODY_RENDITION).in_bulk(image_ids - {None})
    figures = feed_images(
        (
            (
                id(block),
                image,
                block["value"].get("caption") or image.caption,
                block["value"].get("credit") or image.credit,
            )
            for block in raw_blocks
            if block["type"] == "image" and (image := images.get(block["value"].get("image")))
        ),
        spec=BODY_RENDITION,
        root_url=root_url,
    )

    related_ids = {b["value"].get("page") for b in raw_blocks if b["type"] == "related_link"}
    related_ids.discard(None)
    # Only published articles: a related link to a draft would lead readers to a 404.
    related = {}
    if related_ids:
        related = ArticlePage.objects.published().defer_streamfields().in_bulk(related_ids)

    # All rich text in one pass, so linked pages and documents are looked up together.
    paragraphs = [block for block in raw_blocks if block["type"] == "paragraph"]
    expanded = expand_db_html(SEPARATOR.join(block["value"] or "" for block in paragraphs))
    html_of = dict(zip(map(id, paragraphs), expanded.split(SEPARATOR), strict=True))

    bodies = {}
    for article in articles:
        parts = []
        if article.pk in lead:
            parts.append({"figure": lead[article.pk], "alt": article.lead_image.default_alt_text})
        for number, block in enumerate(streams[article.pk]):
            kind, value = block["type"], block["value"]
            if kind == "paragraph":
                html = html_of[id(block)]
                parts.append({"html": with_dateline(html, article) if number == 0 else html})
            elif kind in TEMPLATE_BLOCKS:
                child = stream_block.child_blocks[kind]
                parts.append({"html": child.render(child.to_python(value))})
            elif kind == "image" and id(block) in figures:
                alt = images[value["image"]].default_alt_text
                parts.append({"figure": figures[id(block)], "alt": alt})
            elif kind == "embed" and value.get("embed"):
                # Feed readers drop iframes; a link to the video or post still works.
                url = value["embed"]
                parts.append({"link": url, "title": value.get("caption") or url})
            elif kind == "related_link":
                if value.get("page") in related:
                    page = related[value["page"]]
                    url, title = page.get_full_url(request), value.get("title") or page.title
                    parts.append({"link": url, "title": title, "label": "Related"})
                elif value.get("url"):
                    parts.append(
                        {"link": value["url"], "title": value.get("title"), "label": "Related"}
                    )
        html = render_to_string("distribution/feed_body.html", {"parts": parts}).strip()
        bodies[article.pk] = absolutize(html, root_url)
    return bodies

"""RSS 2.0 and Atom writers with what news feeds carry beyond Django's: full text, every
author, the lead image as Media RSS, and the publication's logo.

Items take three extra keyword arguments (from `Feed.item_extra_kwargs`):
- `content`: the full text as HTML, or None for summary feeds;
- `authors`: a list of (name, URL or None);
- `image`: a `FeedImage` (URL, type, size, dimensions, caption, credit) or None.
The feed takes `logo` (a `FeedImage`) and `updated`, the time its content last changed.
"""

from dataclasses import dataclass

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"


@dataclass(frozen=True)
class FeedImage:
    url: str
    mime_type: str
    length: int
    width: int
    height: int
    caption: str = ""
    credit: str = ""


def add_media_content(handler, image: FeedImage) -> None:
    handler.startElement(
        "media:content",
        {
            "url": image.url,
            "type": image.mime_type,
            "medium": "image",
            "fileSize": str(image.length),
            "width": str(image.width),
            "height": str(image.height),
        },
    )
    if image.caption:
        handler.addQuickElement("media:description", image.caption, {"type": "plain"})
    if image.credit:
        handler.addQuickElement("media:credit", image.credit)
    handler.endElement("media:content")


class NewsFeedMixin:
    def latest_post_date(self):
        # The time the feed's content last changed (also its Last-Modified), so that an
        # unchanged feed is the same document byte for byte, even when it has no items.
        return self.feed.get("updated") or super().latest_post_date()


class NewsRssFeed(NewsFeedMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        if logo:
            # RSS 2.0 allows at most 144 x 400 pixels; the title and link must be the channel's.
            handler.startElement("image", {})
            handler.addQuickElement("url", logo.url)
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.addQuickElement("width", str(logo.width))
            handler.addQuickElement("height", str(logo.height))
            handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])
        if item["image"]:
            add_media_content(handler, item["image"])


class NewsAtomFeed(NewsFeedMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        if logo:
            handler.addQuickElement("logo", logo.url)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is None:  # Atom requires it; Django leaves it out
            handler.addQuickElement("updated", rfc3339_date(item["pubdate"]))
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item["image"]:
            add_media_content(handler, item["image"])

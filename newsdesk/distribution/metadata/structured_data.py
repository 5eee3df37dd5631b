"""schema.org JSON-LD as plain dicts, and their safe serialisation into a <script>.

Each builder takes what it needs and returns a dict; `page_meta` picks the builders for the
page type and `to_script_json` turns the graph into text that cannot close the <script>.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags

from newsdesk.distribution.models import POLICY_FIELDS, Distribution

from .publisher import LOGO_RENDITION, absolute, iso, twitter_handle

CONTEXT = "https://schema.org"

# schema.org's NewsArticle subtypes by article type. Interviews have no subtype of their own.
# Sponsored pieces are paid for and produced outside the newsroom: AdvertiserContentArticle
# says so, where NewsArticle would claim them as journalism.
ARTICLE_TYPES = {
    "news": "NewsArticle",
    "analysis": "AnalysisNewsArticle",
    "opinion": "OpinionNewsArticle",
    "review": "ReviewNewsArticle",
    "explainer": "BackgroundNewsArticle",
    "interview": "NewsArticle",
    "sponsored": "AdvertiserContentArticle",
}
# Notes that say the article was wrong or unclear; updates add news and are not corrections.
CORRECTION_KINDS = ("correction", "clarification")

# Characters that could end the <script> element or open an HTML comment inside it, written
# as JSON escapes (what Django's json_script does); json.loads reads them back unchanged.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_script_json(data) -> str:
    """JSON for inside <script type="application/ld+json">: nothing in it can close the tag."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def compact(data: dict) -> dict:
    """Without empty values: schema.org consumers prefer a missing property to an empty one."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


@dataclass
class SiteFacts:
    """What every builder needs to know about the site."""

    site_name: str
    root_url: str  # "https://example.com", no trailing slash
    home_url: str  # the home page's canonical URL
    language: str
    setting: Distribution
    tagline: str = ""

    @property
    def publisher_id(self) -> str:
        return f"{self.home_url}#publisher"

    @property
    def website_id(self) -> str:
        return f"{self.home_url}#website"


def logo(facts: SiteFacts) -> dict | None:
    image = facts.setting.logo if facts.setting.logo_id else None
    if image is None:
        return None
    rendition = image.get_rendition(LOGO_RENDITION)
    return {
        "@type": "ImageObject",
        "url": absolute(facts.root_url, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
    }


def publisher(facts: SiteFacts) -> dict:
    """The publication as a NewsMediaOrganization: enough to name it, with its logo."""
    return compact(
        {
            "@type": "NewsMediaOrganization",
            "@id": facts.publisher_id,
            "name": facts.site_name,
            "url": facts.home_url,
            "logo": logo(facts),
        }
    )


def publisher_ref(facts: SiteFacts) -> dict:
    return {"@type": "NewsMediaOrganization", "@id": facts.publisher_id, "name": facts.site_name}


def organization(facts: SiteFacts, *, request=None) -> dict:
    """The publication in full, with the policy pages the Trust Project asks for."""
    setting = facts.setting
    data = publisher(facts)
    if setting.founding_year:
        data["foundingDate"] = str(setting.founding_year)
    handle = twitter_handle(setting)
    if handle:
        data["sameAs"] = [f"https://x.com/{handle.lstrip('@')}"]
    for prop, field in POLICY_FIELDS.items():
        page = getattr(setting, field) if getattr(setting, f"{field}_id") else None
        if page is not None and page.live:
            url = page.get_full_url(request)
            if url:
                data[prop] = url
    return data


def website(facts: SiteFacts) -> dict:
    """The site, with the search box search engines may show (target: /search/?q=...)."""
    return compact(
        {
            "@type": "WebSite",
            "@id": facts.website_id,
            "url": facts.home_url,
            "name": facts.site_name,
            "description": facts.tagline,
            "inLanguage": facts.language,
            "publisher": {"@id": facts.publisher_id},
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": f"{facts.home_url}search/?q={{search_term_string}}",
                },
                "query-input": "required name=search_term_string",
            },
        }
    )


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """A BreadcrumbList from (name, absolute URL) pairs, outermost first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def person(page, *, request=None, role: str = "") -> dict:
    """A journalist with a profile page."""
    return compact(
        {
            "@type": "Person",
            "name": page.title,
            "url": page.get_full_url(request),
            "jobTitle": role or getattr(page, "role", ""),
        }
    )


def _credit_person(credit, *, request=None) -> dict:
    if credit.person_id and credit.person is not None:
        return person(credit.person, request=request)
    return {"@type": "Person", "name": credit.name}


def authors(article, facts: SiteFacts, *, request=None) -> list[dict]:
    """Bylined people with their profile URLs, then the desk byline as an Organization; the
    publisher itself when the article has neither."""
    people = [person(b.person, request=request) for b in article.bylines.all() if b.person]
    if article.byline_text:
        people.append(
            {
                "@type": "Organization",
                "name": article.byline_text,
                "parentOrganization": {"@id": facts.publisher_id},
            }
        )
    return people or [publisher_ref(facts)]


def dateline(article) -> str:
    """The wire-style dateline: "NAIROBI, 3 March 2026"."""
    if not article.dateline_place:
        return ""
    date = article.dateline
    if date is None:
        return article.dateline_place
    return f"{article.dateline_place}, {date.day} {date:%B %Y}"


def corrections(article, notes, *, url: str) -> list[dict]:
    return [
        {
            "@type": "CorrectionComment",
            "text": note.text,
            "datePublished": iso(note.noted_at),
            "url": f"{url}#{note.anchor}",
        }
        for note in notes
        if note.kind in CORRECTION_KINDS
    ]


def article(
    page,
    facts: SiteFacts,
    *,
    url: str,
    description: str,
    images: list[str],
    notes=(),
    request=None,
) -> dict:
    section = page.section
    published = page.first_published_at
    modified = max(filter(None, (page.updated_at, published)), default=None)
    editors = [
        _credit_person(credit, request=request)
        for credit in page.credits.all()
        if credit.role == "editor"
    ]
    return compact(
        {
            "@type": ARTICLE_TYPES.get(page.article_type, "NewsArticle"),
            "@id": f"{url}#article",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "headline": page.title,
            "description": description,
            "image": images,
            "datePublished": iso(published),
            "dateModified": iso(modified),
            "author": authors(page, facts, request=request),
            "editor": editors,
            "publisher": publisher(facts),
            "dateline": dateline(page),
            "articleSection": section.title if section else "",
            "keywords": sorted(tag.name for tag in page.tags.all()),
            "correction": corrections(page, notes, url=url),
            "isAccessibleForFree": True,
            "inLanguage": facts.language,
        }
    )


def profile_page(page, facts: SiteFacts, *, url: str, image_url: str = "", request=None) -> dict:
    """A journalist's page: a ProfilePage whose main entity is the Person."""
    bio = " ".join(strip_tags(page.bio or "").split())
    subject = compact(
        {
            "@type": "Person",
            "@id": f"{url}#person",
            "name": page.title,
            "url": url,
            "jobTitle": page.role,
            "description": bio,
            "image": image_url,
            "email": page.email,
            "sameAs": [page.website] if page.website else [],
            "workLocation": {"@type": "Place", "name": page.location} if page.location else None,
            "worksFor": publisher_ref(facts),
        }
    )
    return {
        "@type": "ProfilePage",
        "@id": url,
        "url": url,
        "name": page.title,
        "mainEntity": subject,
    }


def web_page(
    facts: SiteFacts, *, url: str, name: str, description: str = "", kind: str = "WebPage"
) -> dict:
    """Any other page: WebPage, or CollectionPage for listings."""
    return compact(
        {
            "@type": kind,
            "@id": url,
            "url": url,
            "name": name,
            "description": description,
            "inLanguage": facts.language,
            "isPartOf": {
                "@type": "WebSite",
                "@id": facts.website_id,
                "name": facts.site_name,
                "url": facts.home_url,
            },
            "publisher": publisher_ref(facts),
        }
    )


def graph(nodes: list[dict]) -> dict:
    return {"@context": CONTEXT, "@graph": [node for node in nodes if node]}

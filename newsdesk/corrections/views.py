"""The public corrections page: every correction, newest first. Cacheable like any article
page (no session, no cookie); purged when a note changes (see signals)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from newsdesk.articles.pagination import listing_page
from newsdesk.articles.queries import attach_sections

from .services import PAGE_SIZE, corrections_listing


@require_safe
def index(request):
    page_obj = listing_page(request, corrections_listing(), PAGE_SIZE, keyset=False)
    page_obj.object_list = list(page_obj.object_list)
    attach_sections([note.article for note in page_obj.object_list])
    canonical = request.build_absolute_uri(request.path)
    if page_obj.query:
        canonical += f"?{page_obj.query}"
    return render(
        request,
        "corrections/index.html",
        {"page_obj": page_obj, "notes": page_obj.object_list, "canonical_url": canonical},
    )

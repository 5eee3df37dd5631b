"""Shareable previews: the public page an outsider opens, and the admin screen that makes links."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from newsdesk.core.views import page_not_found

from .models import DEFAULT_HOURS, PreviewLink
from .previews import (
    HOUR_CHOICES,
    preview_is_embargoed,
    preview_link_create,
    preview_link_resolve,
    preview_link_revoke,
)

ROBOTS = "noindex, nofollow"


def _private(response):
    """Never cached by anyone (browser, proxy, CDN) and never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = ROBOTS
    return response


@require_GET
def shared_preview(request, token):
    """The page's latest revision for whoever holds a working link; the site's 404 otherwise.

    Unknown, expired and revoked tokens get the same 404, so a visitor cannot tell them apart;
    so does a page under embargo (approved to go live at a time still to come) until its time.
    """
    link = preview_link_resolve(token)
    if link is None or preview_is_embargoed(link.page):
        return _private(page_not_found(request))
    page = link.page.specific.get_latest_revision_as_object()
    if not page.is_previewable():
        return _private(page_not_found(request))
    request.is_preview = True
    request.preview_mode = page.default_preview_mode
    request.shared_preview_link = link
    response = page.serve_preview(request, page.default_preview_mode)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return _private(response)


def _page_for_sharing(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _render_share(request, page, *, new_url=None, new_link=None, error=None, status=200):
    links = PreviewLink.objects.filter(page=page).valid().select_related("created_by")
    return TemplateResponse(
        request,
        "newsroom/admin/preview_links.html",
        {
            "page": page,
            "links": links,
            "hour_choices": HOUR_CHOICES,
            "default_hours": DEFAULT_HOURS,
            "new_url": new_url,
            "new_link": new_link,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def share_preview(request, page_id):
    """List the page's working links; POST makes a new one and shows its URL (once)."""
    page = _page_for_sharing(request, page_id)
    if request.method == "POST":
        try:
            hours = int(request.POST.get("hours", DEFAULT_HOURS))
            link, url = preview_link_create(page=page, user=request.user, hours=hours)
        except ValueError:
            return _render_share(request, page, error="Choose how long the link lasts.", status=400)
        return _private(_render_share(request, page, new_url=url, new_link=link))
    return _private(_render_share(request, page))


@require_POST
def revoke_preview(request, page_id, link_id):
    page = _page_for_sharing(request, page_id)
    link = get_object_or_404(PreviewLink, pk=link_id, page=page)
    preview_link_revoke(link=link, user=request.user)
    return redirect("newsroom_share_preview", page_id=page.pk)

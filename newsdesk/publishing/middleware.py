"""Every admin write is one transaction: all of it commits, or none of it does."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from newsdesk.articles.forms import PlaceholderHeadline

ADMIN_PREFIX = "/admin/"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_admin_write(request) -> bool:
    return request.method not in READS and request.path.startswith(ADMIN_PREFIX)


class AtomicAdminWritesMiddleware:
    # Wagtail's publish view writes revision, page, log entry and signal handlers' rows with
    # no enclosing transaction; reads stay outside (SQLite IMMEDIATE would serialise them).

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_admin_write(request):
            return self.get_response(request)
        # A view's exception reaches here as a 500 response; anything raised rolls back too.
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def process_exception(self, request, exception):
        # Publishing a placeholder headline from a path without the editor's form (a workflow
        # approval from the dashboard, a bulk publish) is refused by ArticlePage.publish: the
        # editor gets the reason on the article's edit page, and nothing of the request stays.
        if not isinstance(exception, PlaceholderHeadline) or not is_admin_write(request):
            return None
        transaction.set_rollback(True)
        messages.error(request, exception.messages[0])
        if exception.page_id is None:
            return redirect(reverse("wagtailadmin_home"))
        return redirect(reverse("wagtailadmin_pages:edit", args=[exception.page_id]))

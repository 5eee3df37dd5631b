"""Every admin write is one transaction: all of it commits, or none of it does."""

from django.db import transaction

ADMIN_PREFIX = "/admin/"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class AtomicAdminWritesMiddleware:
    # Wagtail's publish view writes revision, page, log entry and signal handlers' rows with
    # no enclosing transaction; reads stay outside (SQLite IMMEDIATE would serialise them).

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READS or not request.path.startswith(ADMIN_PREFIX):
            return self.get_response(request)
        # A view's exception reaches here as a 500 response; anything raised rolls back too.
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

"""A request id for every request, on every log line written while it runs.

The id comes from the `X-Request-ID` header when it looks like one (a proxy or load balancer
set it), else it is made here, and the response echoes it. It is set as early as possible:
by `with_request_ids`, the outermost WSGI layer (newsdesk/wsgi.py), so that page-cache hits
get one too; the middleware does the same for requests that do not come through it (the
test client, ASGI). The header is added outside the page cache, so a stored page never
carries an earlier request's id.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar

logger = logging.getLogger(__name__)
HEADER = "X-Request-ID"
ENVIRON_KEY = "newsdesk.request_id"
# Ids from outside are logged as given: letters, digits and a little punctuation only, so a
# header cannot forge or break a log line.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", re.ASCII)

current = ContextVar("request_id", default=None)


def accept(value: str | None) -> str:
    if value and SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from_wsgi = request.META.get(ENVIRON_KEY)
        request.request_id = from_wsgi or accept(request.headers.get(HEADER))
        token = current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        if not from_wsgi:
            response[HEADER] = request.request_id
        return response


def with_security(environ, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The security headers too, if they can still be made (settings are readable)."""
    try:
        from newsdesk.core.security import secured_headers

        return secured_headers(environ, headers)
    except Exception:
        logger.exception("Could not add the security headers to the last-resort answer.")
        return headers


def with_request_ids(app):
    """WSGI: an id for the request, bound while the app runs and sent with the response."""

    def application(environ, start_response):
        request_id = accept(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_KEY] = request_id

        def start(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        token = current.set(request_id)
        try:
            return app(environ, start)
        except Exception:
            # Django's own 500 handling failed too (its error page raised): still one line
            # with the id, and an answer that names it, instead of the server's bare page.
            logger.exception(
                "Unhandled error",
                extra={
                    "method": environ.get("REQUEST_METHOD"),
                    "path": environ.get("PATH_INFO"),
                    "status_code": 500,
                },
            )
            headers = [
                ("Content-Type", "text/plain"),
                ("Cache-Control", "no-store"),
                (HEADER, request_id),
            ]
            start_response(
                "500 Internal Server Error", with_security(environ, headers), sys.exc_info()
            )
            return [f"Internal server error (request {request_id})\n".encode()]
        finally:
            current.reset(token)

    return application

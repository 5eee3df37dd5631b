"""JSON log lines for production: one object per line, ready for a log shipper.

Every line has time, level, logger, message and request_id; a line about a request (Django's
`django.request` errors pass it, requestids.py passes method and path) adds method, path,
status and the signed-in user's id, and an exception adds its traceback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from .requestids import current


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current.get(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry.update(method=request.method, path=request.path, user_id=user_id(request))
        for name in ("method", "path"):  # given directly when there is no request object
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def user_id(request) -> int | str | None:
    # Only a user already loaded for this request: a log line must not query the database,
    # which may be why the request failed.
    user = request.__dict__.get("_cached_user")
    return user.pk if user is not None and user.is_authenticated else None

"""Two views for the logging tests: one that logs, one that fails."""

import logging

from django.http import HttpResponse
from django.urls import path

logger = logging.getLogger("newsdesk.tests")


def logs(request):
    logger.warning("Working on %s", request.path)
    return HttpResponse("done")


def fails(request):
    raise RuntimeError("the printer is on fire")


urlpatterns = [path("logs/", logs), path("fails/", fails)]

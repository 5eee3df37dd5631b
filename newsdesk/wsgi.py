import os

from django.core.wsgi import get_wsgi_application

from newsdesk.caching.wsgi import wrap
from newsdesk.operations.requestids import with_request_ids

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.production")

# Django's handler behind the page cache (settings.PAGE_CACHE), with a /healthz answer; a
# request id outside both, so that cached pages get one of their own (operations/requestids.py).
application = with_request_ids(wrap(get_wsgi_application()))

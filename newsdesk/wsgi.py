import os

from django.core.wsgi import get_wsgi_application

from newsdesk.caching.wsgi import wrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.production")

# Django's handler behind the page cache (settings.PAGE_CACHE), with a /healthz answer.
application = wrap(get_wsgi_application())

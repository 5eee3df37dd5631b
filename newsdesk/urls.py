from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from newsdesk.core.views import favicon

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Wagtail's sign-in with a second step for two-step sign-in; before Wagtail's own.
    path("admin/", include("newsdesk.users.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("favicon.ico", favicon),
    path("", include("newsdesk.distribution.sitemaps.urls")),
    path("comments/", include("newsdesk.comments.urls")),
    path("ratings/", include("newsdesk.ratings.urls")),
    path("corrections/", include("newsdesk.corrections.urls")),
    path("cards/", include("newsdesk.distribution.metadata.urls")),
    path("preview/", include("newsdesk.newsroom.urls")),
    path("search/", include("newsdesk.search.urls")),
    path("feeds/", include("newsdesk.distribution.feeds.urls")),
    path("views/", include("newsdesk.analytics.urls")),
]

if getattr(settings, "SERVE_MEDIA", False):
    # The embedded default serves uploads itself; production puts them behind the web
    # server or object storage.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "newsdesk.core.views.page_not_found"
handler500 = "newsdesk.core.views.server_error"

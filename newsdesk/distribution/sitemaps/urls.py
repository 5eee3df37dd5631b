from django.urls import path, re_path

from . import views

app_name = "sitemaps"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="index"),
    path("news-sitemap.xml", views.news_sitemap, name="news"),
    path("sitemaps/pages.xml", views.pages_sitemap, name="pages"),
    # articles-2026-11.xml, then articles-2026-11-p2.xml... for a month past 50,000 URLs.
    re_path(
        r"^sitemaps/articles-(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])"
        r"(?:-p(?P<page>[2-9]|[1-9][0-9]+))?\.xml$",
        views.articles_sitemap,
        name="articles",
    ),
]

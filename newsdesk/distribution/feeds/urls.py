"""/feeds/: RSS 2.0 and Atom for the whole site, each section, each author and each tag."""

from django.urls import path

from .feeds import AuthorFeed, SectionFeed, SiteFeed, TagFeed
from .generators import NewsAtomFeed, NewsRssFeed

app_name = "feeds"

urlpatterns = [
    path("rss/", SiteFeed(NewsRssFeed), name="site-rss"),
    path("atom/", SiteFeed(NewsAtomFeed), name="site-atom"),
    path("sections/<str:slug>/rss/", SectionFeed(NewsRssFeed), name="section-rss"),
    path("sections/<str:slug>/atom/", SectionFeed(NewsAtomFeed), name="section-atom"),
    path("authors/<str:slug>/rss/", AuthorFeed(NewsRssFeed), name="author-rss"),
    path("authors/<str:slug>/atom/", AuthorFeed(NewsAtomFeed), name="author-atom"),
    path("tags/<str:slug>/rss/", TagFeed(NewsRssFeed), name="tag-rss"),
    path("tags/<str:slug>/atom/", TagFeed(NewsAtomFeed), name="tag-atom"),
]

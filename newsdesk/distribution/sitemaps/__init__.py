"""Sitemaps, the Google News sitemap and robots.txt, streamed straight from the database.

- ``/sitemap.xml``: the index. One child for the pages that are not articles, one per month
  of articles (split into ``-p2``, ``-p3``... past 50,000 URLs) and the news sitemap.
- ``/sitemaps/pages.xml``, ``/sitemaps/articles-2026-11.xml``: the children, with ``lastmod``
  from the real last change and the lead image of each article.
- ``/news-sitemap.xml``: articles of the last 48 hours (at most 1,000) in Google's format.
- ``/robots.txt``: keeps crawlers out of the admin, search results, previews and POST
  endpoints, and points them at the index.

Every response is written while the rows arrive (``StreamingHttpResponse`` over
``values_list(...).iterator()``), so a child of 50,000 URLs starts at once and never holds more
than a chunk of rows in memory. Articles come from ``ArticlePage.objects.published()``, the one
definition of published; other pages must be live and public.
"""

"""What every page tells search engines, social networks and chat previews about itself.

- `page_meta`: the <title>, meta description, canonical URL, robots, pagination links,
  OpenGraph and Twitter tags of the page being rendered (`{% page_meta %}` in base.html).
- `structured_data`: the JSON-LD graph (NewsArticle and friends, BreadcrumbList, ProfilePage,
  NewsMediaOrganization, WebSite), as plain dicts, and its safe serialisation.
- `images`: the 1200x630 social image and the 16:9, 4:3 and 1:1 images of an article.
- `cards`: social cards drawn with Pillow for pages without a picture, stored once.
- `publisher`: the `Distribution` site setting, fetched once per request.
- `widgets`: the length hints on the Promote tab.
"""

"""The site's RSS 2.0 and Atom feeds: generators, item content, Feed classes and URLs."""

"""What the importers' property tests check of every block they produce: only known block
types, and nothing a browser would run. Only a paragraph holds HTML (a rich text block), and
it is parsed, not searched for strings: text that merely reads like markup (escaped, as a
post's own words may) is inert. Every other text field (headings, quotes, captions, facts)
is plain text the templates escape; URL fields must not hold a script URL."""

from html.parser import HTMLParser

BLOCKS = {"paragraph", "subheading", "quote", "pull_quote", "image", "embed", "fact_box",
          "related_link"}  # fmt: skip
RUNNABLE_TAGS = {"script", "iframe", "object", "embed", "style"}
URL_FIELDS = {"embed": "embed", "related_link": "url"}  # block type: its URL field


def is_script_url(value: str | None) -> bool:
    # Browsers drop whitespace and control characters inside a URL's scheme.
    squeezed = "".join(ch for ch in (value or "") if ch > " ").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


class Runnable(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in RUNNABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or is_script_url(value):
                self.found.append(f"<{tag} {name}={value!r}>")


def check_blocks(body: list[dict], blocks=BLOCKS) -> None:
    for block in body:
        kind, value = block["type"], block["value"]
        assert kind in blocks, kind
        if kind == "paragraph":
            parser = Runnable()
            parser.feed(value)
            parser.close()
            assert not parser.found, (parser.found, value)
        if kind in URL_FIELDS:
            url = value.get(URL_FIELDS[kind]) if isinstance(value, dict) else value
            assert not is_script_url(url), url

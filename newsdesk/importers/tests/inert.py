"""What the importers' property tests check of every block they produce: only known block
types, and nothing a browser would run. Text that merely reads like markup (escaped, as a
post's own words may) is inert and allowed: the HTML is parsed, not searched for strings."""

from html.parser import HTMLParser

BLOCKS = {"paragraph", "subheading", "quote", "pull_quote", "image", "embed", "fact_box",
          "related_link"}  # fmt: skip
RUNNABLE_TAGS = {"script", "iframe", "object", "embed", "style"}


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


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def check_blocks(body: list[dict], blocks=BLOCKS) -> None:
    for block in body:
        assert block["type"] in blocks, block["type"]
        for text in strings(block["value"]):
            parser = Runnable()
            parser.feed(text)
            parser.close()
            assert not parser.found, (parser.found, text)
            assert not is_script_url(text), text  # a URL field holds the URL alone

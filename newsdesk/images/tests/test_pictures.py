"""Pictures: AVIF and WebP with a JPEG fallback, sized, prioritised, lazy and focal-point crops."""

import re
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image, ImageStat
from wagtail.images import get_image_model

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.queries import CARD_RENDITIONS, LEAD_RENDITIONS
from newsdesk.distribution.sitemaps.queries import IMAGE_RENDITION
from newsdesk.images.templatetags.pictures import focal_classes

pytestmark = pytest.mark.django_db

# What each file really is, read from its first bytes rather than its name or Content-Type.
MAGIC = {
    "image/avif": lambda data: data[4:12] == b"ftypavif",
    "image/webp": lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP",
    "image/jpeg": lambda data: data[:3] == b"\xff\xd8\xff",
}
PILLOW_FORMATS = {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG"}


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


def with_lead_image():
    return ArticlePage.objects.published().filter(lead_image__isnull=False).order_by("pk")


def candidates(srcset: str) -> list[tuple[str, int]]:
    """(url, width) for each candidate of a srcset with width descriptors."""
    pairs = [item.strip().rsplit(" ", 1) for item in srcset.split(",")]
    return [(url, int(width.removesuffix("w"))) for url, width in pairs]


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return b"".join(response.streaming_content)


def test_article_lead_image_is_a_picture_with_avif_and_webp_before_a_sized_jpeg(client):
    soup = page(client, with_lead_image().first().url)
    picture = soup.select_one(".figure-lead picture")
    sources = picture.find_all("source")
    assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
    img = picture.find("img")
    assert img.find_previous_sibling("source") == sources[-1], "the img comes after the sources"
    assert img["src"].endswith(".jpg") and ".format-jpeg." in img["src"]
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert img["fetchpriority"] == "high"
    assert not img.has_attr("loading"), "the lead image must not wait for layout"
    for source in sources:
        assert source["sizes"] == img["sizes"]
        fmt = source["type"].removeprefix("image/")
        assert len(candidates(source["srcset"])) == 3
        assert all(f".format-{fmt}." in url for url, _ in candidates(source["srcset"]))
    assert len(candidates(img["srcset"])) == 3


def test_every_rendition_is_really_in_its_format_and_size(client):
    soup = page(client, with_lead_image().first().url)
    picture = soup.select_one(".figure-lead picture")
    offered = [(source["type"], source["srcset"]) for source in picture.find_all("source")]
    offered.append(("image/jpeg", picture.img["srcset"]))
    sizes = {}
    for mime, srcset in offered:
        for url, width in candidates(srcset):
            data = fetch(client, url)
            assert MAGIC[mime](data), f"{url} is not {mime}: starts {data[:12]!r}"
            with Image.open(BytesIO(data)) as decoded:
                decoded.load()
                assert decoded.format == PILLOW_FORMATS[mime]
                assert decoded.width == width, f"{url} is {decoded.width}px wide, not {width}"
            sizes.setdefault(mime, len(data))
    assert sizes["image/avif"] < sizes["image/jpeg"] and sizes["image/webp"] < sizes["image/jpeg"]


def test_one_image_per_page_is_fetched_first_and_the_rest_lazily(client):
    for url in ("/", with_lead_image().first().url):
        imgs = page(client, url).select("picture img")
        assert imgs, url
        first = [img for img in imgs if img.get("fetchpriority") == "high"]
        assert len(first) == 1, f"{url}: {len(first)} images with fetchpriority=high"
        assert first[0] == imgs[0], f"{url}: the prioritised image is the first on the page"
        for img in imgs:
            assert img.get("width") and img.get("height"), img
            if img is not first[0]:
                assert img.get("loading") == "lazy" and img.get("decoding") == "async", img


def test_section_cards_are_all_lazy(client):
    section = with_lead_image().first().get_parent()
    imgs = page(client, section.url).select(".story picture img")
    assert imgs
    assert all(img.get("loading") == "lazy" for img in imgs)


def test_story_cards_find_every_rendition_in_the_listing_prefetch():
    articles = list(with_lead_image().for_listing()[:4])
    for article in articles:  # the demo loader made them; make sure, outside the count
        article.lead_image.get_renditions(*CARD_RENDITIONS)
    articles = list(with_lead_image().for_listing()[:4])
    with CaptureQueriesContext(connection) as queries:
        html = "".join(
            render_to_string("components/story.html", {"article": article, "size": "standard"})
            for article in articles
        )
    assert html.count("<picture>") == len(articles)
    assert html.count("<source") == 2 * len(articles)
    rendition_table = get_image_model().get_rendition_model()._meta.db_table
    assert not [q["sql"] for q in queries if rendition_table in q["sql"]]


def test_the_sitemap_names_a_rendition_the_article_page_makes():
    assert IMAGE_RENDITION in LEAD_RENDITIONS


def striped_image(*, focal_y: int | None):
    """A tall image, red in its top third and blue below, with a focal point at focal_y."""
    art = Image.new("RGB", (600, 900), (0, 0, 255))
    art.paste((255, 0, 0), (0, 0, 600, 300))
    buffer = BytesIO()
    art.save(buffer, "JPEG", quality=90)
    image = get_image_model()(title="Striped", alt_text="Red above blue")
    image.file = ImageFile(buffer, name="striped.jpg")
    if focal_y is not None:
        image.focal_point_x, image.focal_point_y = 300, focal_y
        image.focal_point_width = image.focal_point_height = 100
    image.save()
    return image


def mean_colour(rendition) -> tuple[float, ...]:
    with rendition.file.open("rb") as f, Image.open(f) as decoded:
        return tuple(ImageStat.Stat(decoded.convert("RGB")).mean)


def test_card_crops_keep_the_focal_point():
    card = CARD_RENDITIONS[-1]  # 16:9 out of a 2:3 upload: most of the height goes
    # Wagtail keeps the focal point where it sits in the original (a sixth of the way down),
    # so the crop takes the top of the image: mostly red.
    red, _, blue = mean_colour(striped_image(focal_y=150).get_rendition(card))
    assert red > 1.5 * blue, f"not cropped around the red focal area: red {red}, blue {blue}"
    red, _, blue = mean_colour(striped_image(focal_y=None).get_rendition(card))
    assert blue > 200 and red < 40, "without a focal point the crop is the middle: blue"


def test_css_crops_of_cards_keep_the_focal_point_in_view():
    tall = striped_image(focal_y=150)
    classes = focal_classes(tall, "fill-480x270")
    x, y = (int(v) for v in re.fullmatch(r"fp-x(\d+) fp-y(\d+)", classes).groups())
    assert x == 50 and y in (10, 20), "the focal point sits near the top of the 16:9 rendition"
    assert focal_classes(striped_image(focal_y=None), "fill-480x270") is None

    article = with_lead_image().for_listing().first()
    html = render_to_string("components/story.html", {"article": article, "size": "standard"})
    img = BeautifulSoup(html, "html.parser").select_one("picture img")
    assert not img.get("class"), "no focal point, no class: CSS centres the crop"
    image = article.lead_image
    image.focal_point_x, image.focal_point_y = image.width // 4, image.height * 7 // 10
    image.focal_point_width = image.focal_point_height = 10
    image.save()
    html = render_to_string("components/story.html", {"article": article, "size": "standard"})
    img = BeautifulSoup(html, "html.parser").select_one("picture img")
    assert img["class"] == ["fp-x30", "fp-y70"]  # 25% rounds up to the next step
    assert not img.has_attr("style"), "the Content-Security-Policy refuses style attributes"


def test_the_stylesheet_defines_every_focal_class():
    """Each class focal_classes can return survives the CSS purge and moves the crop."""
    css = (settings.PROJECT_DIR / "static" / "css" / "newsdesk.css").read_text()
    assert "object-position:var(--fp-x, 50%) var(--fp-y, 50%)" in css
    for step in range(0, 101, 10):
        assert f".fp-x{step}{{--fp-x: {step}%}}" in css
        assert f".fp-y{step}{{--fp-y: {step}%}}" in css


def test_focal_classes_stay_within_the_picture():
    image = striped_image(focal_y=895)  # the bottom right corner: at most 100%
    image.focal_point_x = 595
    assert focal_classes(image, "fill-480x270") == "fp-x100 fp-y100"
    image.focal_point_x, image.focal_point_y = 0, 0
    assert focal_classes(image, "fill-480x270") == "fp-x0 fp-y0"


def test_pages_find_their_renditions_instead_of_making_them_again(client, monkeypatch):
    """Wagtail trusts a listing's prefetched renditions: a size the prefetch lacks is made
    again (and thrown away) on every render, which with AVIF costs seconds."""
    article = with_lead_image().first()
    urls = ("/", article.get_parent().url, article.url, "/search/?q=the")
    for url in urls:
        client.get(url)  # first views make whatever is missing
    made = []
    model = get_image_model()
    generate = model.generate_rendition_file

    def spy(self, filter, **kwargs):
        made.append(filter.spec)
        return generate(self, filter, **kwargs)

    monkeypatch.setattr(model, "generate_rendition_file", spy)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert made == []

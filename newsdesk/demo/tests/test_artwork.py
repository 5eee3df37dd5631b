import io
import re

import pytest
from PIL import Image

from newsdesk.demo.artwork import MOTIFS, PALETTES, render_artwork, render_portrait

SECTIONS = {
    "world",
    "politics",
    "business",
    "technology",
    "science",
    "culture",
    "opinion",
    "default",
}


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_artwork_is_deterministic():
    kwargs = {
        "seed": "story-42",
        "motif": "orbit",
        "palette": "science",
        "width": 320,
        "height": 180,
    }
    assert render_artwork(**kwargs) == render_artwork(**kwargs)


def test_portrait_is_deterministic():
    assert render_portrait(seed="Ada Lovelace", size=160) == render_portrait(
        seed="Ada Lovelace", size=160
    )


def test_different_seeds_differ():
    first = render_artwork(seed="a", motif="waves", width=320, height=180)
    assert first != render_artwork(seed="b", motif="waves", width=320, height=180)
    assert render_portrait(seed="a", size=160) != render_portrait(seed="b", size=160)


@pytest.mark.parametrize("motif", MOTIFS)
def test_every_motif_renders_a_jpeg_of_the_requested_size(motif):
    img = _open(render_artwork(seed="s", motif=motif, palette="culture", width=320, height=180))
    assert img.format == "JPEG"
    assert img.mode == "RGB"
    assert img.size == (320, 180)


def test_motifs_differ_from_each_other():
    renders = {render_artwork(seed="s", motif=motif, width=320, height=180) for motif in MOTIFS}
    assert len(renders) == len(MOTIFS)


def test_palettes_cover_every_section():
    assert set(PALETTES) == SECTIONS


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_every_palette_is_valid(palette):
    colours = PALETTES[palette]
    assert len(colours) == 4
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", colour) for colour in colours)
    assert len(set(colours)) == 4
    assert _open(
        render_artwork(seed="s", motif="grid", palette=palette, width=160, height=90)
    ).size == (160, 90)


def test_palettes_are_distinct():
    assert len(set(PALETTES.values())) == len(PALETTES)


def test_unknown_motif_raises_with_the_bad_value():
    with pytest.raises(ValueError, match="spirals") as excinfo:
        render_artwork(seed="s", motif="spirals")
    assert "waves" in str(excinfo.value)


@pytest.mark.parametrize(
    "render",
    [
        lambda: render_artwork(seed="s", motif="waves", palette="sport"),
        lambda: render_portrait(seed="s", palette="sport"),
    ],
)
def test_unknown_palette_raises_with_the_bad_value(render):
    with pytest.raises(ValueError, match="sport") as excinfo:
        render()
    assert "politics" in str(excinfo.value)


def test_too_small_size_raises():
    with pytest.raises(ValueError):
        render_artwork(seed="s", motif="waves", width=8, height=8)
    with pytest.raises(ValueError):
        render_portrait(seed="s", size=0)


def test_portrait_is_a_square_jpeg_of_the_requested_size():
    img = _open(render_portrait(seed="Grace Hopper", palette="technology", size=240))
    assert img.format == "JPEG"
    assert img.size == (240, 240)


def test_default_size_and_file_weight():
    data = render_artwork(seed="lead", motif="mountains", palette="world")
    assert _open(data).size == (1600, 900)
    assert 30_000 < len(data) < 250_000


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        render_artwork("s", "waves")  # type: ignore[misc]

"""Deterministic abstract editorial artwork for demo content, drawn locally with Pillow."""

from __future__ import annotations

import hashlib
import io
import math
import random
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageOps

MOTIFS = ("waves", "grid", "orbit", "bars", "mountains", "city", "circles", "lines")

# background, two mid tones, accent
PALETTES: dict[str, tuple[str, ...]] = {
    "world": ("#16273a", "#2f6f8f", "#8cc0cf", "#f2a541"),
    "politics": ("#efe6d8", "#24365c", "#c4473a", "#e9b03b"),
    "business": ("#0f3a34", "#2e7d67", "#a9cf9f", "#f3c969"),
    "technology": ("#16123a", "#4d3fb0", "#27b3c8", "#ff6b5e"),
    "science": ("#e6efec", "#1f5f86", "#78c2b4", "#ef6a4c"),
    "culture": ("#f5dcc8", "#b8435f", "#5e3a78", "#f0a23a"),
    "opinion": ("#26262b", "#7d8591", "#dcd3c3", "#e4572e"),
    "default": ("#1e2f3f", "#547a8c", "#d8c9a7", "#e07a5f"),
}

RGB = tuple[int, int, int]
SCALE = 2


@dataclass
class _Canvas:
    img: Image.Image
    draw: ImageDraw.ImageDraw
    rng: random.Random
    bg: RGB
    m1: RGB
    m2: RGB
    accent: RGB
    w: int
    h: int
    u: int


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _colours(palette: str) -> list[RGB]:
    if palette not in PALETTES:
        raise ValueError(f"Unknown palette {palette!r}; expected one of: {', '.join(PALETTES)}")
    return [(int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)) for c in PALETTES[palette]]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _box(x: float, y: float, r: float) -> tuple[float, float, float, float]:
    return (x - r, y - r, x + r, y + r)


def _disc(c: _Canvas, x: float, y: float, r: float, **style: Any) -> None:
    c.draw.ellipse(_box(x, y, r), **style)


def _canvas(w: int, h: int, rng: random.Random, colours: list[RGB]) -> _Canvas:
    bg, m1, m2, accent = colours
    bottom = _mix(bg, m1, 0.1 if _luma(bg) > 140 else 0.22)
    ramp = Image.linear_gradient("L").resize((1, h))
    img = ImageOps.colorize(ramp, bg, bottom).resize((w, h), Image.Resampling.NEAREST)
    return _Canvas(img, ImageDraw.Draw(img, "RGBA"), rng, bg, m1, m2, accent, w, h, min(w, h))


def _waves(c: _Canvas) -> None:
    n = c.rng.randint(6, 8)
    focal = c.rng.randint(2, n - 3)
    _disc(c, c.w * c.rng.uniform(0.6, 0.8), c.h * 0.24, c.u * 0.11, fill=_mix(c.m2, c.bg, 0.35))
    fills = [_mix(c.bg, c.m1, 0.3 + 0.7 * i / (n - 1)) for i in range(n)]
    fills[focal], fills[focal - 2] = c.accent, c.m2
    for i, fill in enumerate(fills):
        base, amp = c.h * (0.3 + 0.62 * i / n), c.h * c.rng.uniform(0.03, 0.07)
        freq, phase, k = c.rng.uniform(0.7, 1.8), c.rng.uniform(0, math.tau), math.tau / c.w
        xs = range(0, c.w + 16, 16)
        ys = [math.sin(freq * k * x + phase) + 0.35 * math.sin(3.1 * k * x + 2 * phase) for x in xs]
        pts = [(x, base + amp * y) for x, y in zip(xs, ys, strict=True)]
        floor = c.h if i == n - 1 else c.h * (0.4 + 0.62 * (i + 1) / n)
        c.draw.polygon(pts + [(c.w, floor), (0, floor)], fill=fill)
        c.draw.line(pts, fill=(*c.bg, 70), width=max(2, c.u // 300))


def _grid(c: _Canvas) -> None:
    cols = c.rng.choice((6, 7, 8))
    cell = c.w / cols
    rows = math.ceil(c.h / cell) + 1
    oy, gap = -c.rng.uniform(0, cell / 2), cell * 0.06
    for r in range(rows):
        for col in range(cols):
            x0, y0 = col * cell + gap, oy + r * cell + gap
            x1, y1, s = x0 + cell - 2 * gap, y0 + cell - 2 * gap, cell - 2 * gap
            colour = (*c.rng.choice((c.m1, c.m2)), c.rng.choice((150, 210, 255)))
            kind, turn = c.rng.random(), c.rng.randrange(4)
            if kind < 0.28:
                c.draw.rectangle((x0, y0, x1, y1), fill=colour)
            elif kind < 0.5:
                cx, cy = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))[turn]
                c.draw.pieslice(_box(cx, cy, s), 90 * turn, 90 * turn + 90, fill=colour)
            elif kind < 0.64:
                c.draw.ellipse((x0, y0, x1, y1), fill=colour)
            elif kind < 0.8:
                q = s / 2
                cx, cy = ((x0 + q, y0), (x1, y0 + q), (x0 + q, y1), (x0, y0 + q))[turn]
                c.draw.pieslice(_box(cx, cy, q), 90 * turn, 90 * turn + 180, fill=colour)
            else:
                c.draw.rectangle((x0, y0, x1, y1), outline=(*c.m2, 60), width=max(2, c.u // 400))
    fr, fc = c.rng.randint(0, max(0, rows - 3)), c.rng.randint(1, cols - 3)
    box = (fc * cell + gap, oy + fr * cell + gap, (fc + 2) * cell - gap, oy + (fr + 2) * cell - gap)
    c.draw.rectangle(box, fill=c.bg)
    c.draw.ellipse(box, fill=c.accent)


def _orbit(c: _Canvas) -> None:
    cx, cy = c.w * c.rng.uniform(0.35, 0.65), c.h * c.rng.uniform(0.42, 0.58)
    core = c.u * c.rng.uniform(0.13, 0.17)
    _disc(c, cx, cy, core * 3.4, fill=(*c.m1, 60))
    _disc(c, cx, cy, core * 2.1, fill=(*c.m1, 80))
    rings = [core * (1.45 + 0.42 * k) for k in range(7)]
    for k, r in enumerate(rings):
        _disc(c, cx, cy, r, outline=(*c.m2, 160 - 14 * k), width=max(2, c.u // 360))
    _disc(c, cx, cy, core, fill=c.m2)
    _disc(c, cx + core * 0.25, cy + core * 0.25, core * 0.8, fill=(*c.m1, 70))

    def on_ring(r: float) -> tuple[float, float]:
        a = c.rng.uniform(0, math.tau)
        return cx + r * math.cos(a), cy + r * math.sin(a)

    for k in c.rng.sample(range(len(rings)), 3):
        _disc(c, *on_ring(rings[k]), c.u * 0.012, fill=(*c.m2, 230))
    spots = [on_ring(rings[3]) for _ in range(24)]
    m = core * 0.6
    px, py = next((p for p in spots if m < p[0] < c.w - m and m < p[1] < c.h - m), spots[0])
    _disc(c, px, py, core * 0.42, fill=c.bg)
    _disc(c, px, py, core * 0.34, fill=c.accent)


def _bars(c: _Canvas) -> None:
    n, base, left = c.rng.randint(10, 14), c.h * 0.84, c.w * 0.08
    step = c.w * 0.84 / n
    for k in range(1, 5):
        y = base - k * c.h * 0.17
        c.draw.line((left, y, c.w - left, y), fill=(*c.m2, 55), width=max(2, c.u // 500))
    a, b, phase = c.rng.uniform(0.18, 0.32), c.rng.uniform(0.38, 0.52), c.rng.uniform(0, math.tau)
    heights = [
        a + (b - a) * i / (n - 1) + 0.07 * math.sin(phase + i * 1.3) + c.rng.uniform(-0.05, 0.05)
        for i in range(n)
    ]
    focal = max(range(n // 3, n), key=lambda i: heights[i])
    heights[focal] += 0.1
    for i, hgt in enumerate(heights):
        x0 = left + i * step + step * 0.14
        c.draw.rectangle(
            (x0 - step * 0.3, base - hgt * c.h * 0.6, x0 + step * 0.5, base), fill=(*c.m2, 50)
        )
        fill = c.accent if i == focal else (c.m1 if i % 2 else _mix(c.m1, c.bg, 0.3))
        c.draw.rectangle((x0, base - hgt * c.h, x0 + step * 0.72, base), fill=fill)
    top = base - heights[focal] * c.h
    _disc(c, left + (focal + 0.5) * step, top - c.u * 0.06, c.u * 0.025, fill=c.accent)
    c.draw.rectangle((0, base, c.w, c.h), fill=_mix(c.m1, c.bg, 0.45))
    c.draw.line((0, base, c.w, base), fill=(*c.m2, 200), width=max(2, c.u // 250))


def _ridge(rng: random.Random, depth: int, rough: float) -> list[float]:
    pts, amp = [rng.uniform(-1, 1), rng.uniform(-1, 1)], 1.0
    for _ in range(depth):
        nxt = []
        for a, b in zip(pts, pts[1:], strict=False):
            nxt += [a, (a + b) / 2 + rng.uniform(-amp, amp)]
        pts, amp = nxt + [pts[-1]], amp * rough
    return pts


def _mountains(c: _Canvas) -> None:
    sx, sy, sr = c.w * c.rng.uniform(0.3, 0.7), c.h * c.rng.uniform(0.28, 0.38), c.u * 0.13
    for k in (2.2, 1.6):
        _disc(c, sx, sy, sr * k, fill=(*c.accent, 28))
    _disc(c, sx, sy, sr, fill=c.accent)
    for i in range(4):
        prof = _ridge(c.rng, 7, 0.52)
        lo, hi = min(prof), max(prof)
        base, amp = c.h * (0.42 + 0.14 * i), c.h * (0.28 - 0.04 * i)
        pts = [
            (c.w * j / (len(prof) - 1), base + amp * (0.5 - (p - lo) / (hi - lo + 1e-9)))
            for j, p in enumerate(prof)
        ]
        fill = (*c.m2, 225) if i == 0 else _mix(c.m1, c.bg, 0.6 - 0.2 * i)
        c.draw.polygon(pts + [(c.w, c.h), (0, c.h)], fill=fill)


def _city(c: _Canvas) -> None:
    horizon, win, pad = c.h * 0.86, c.u * 0.016, c.u * 0.018
    sun = (c.w * c.rng.uniform(0.55, 0.8), c.h * c.rng.uniform(0.22, 0.3), c.u * 0.1)
    for front, tall in ((False, 0.72), (True, 0.55)):
        if front:
            _disc(c, *sun, fill=c.accent)
        x = -c.rng.uniform(0, c.w * 0.05)
        while x < c.w:
            bw, top = c.w * c.rng.uniform(0.05, 0.11), horizon - c.h * c.rng.uniform(0.18, tall)
            colour = _mix(c.m1, c.bg, c.rng.choice((0.0, 0.2)) if front else 0.55)
            c.draw.rectangle(
                (x, top, x + bw - c.u * 0.008, horizon), fill=(*colour, 255 if front else 210)
            )
            cols = max(1, int((bw - 2 * pad) // (win * 1.9))) if front else 0
            for wy in range(int(top + pad), int(horizon - pad - win), max(1, int(win * 2.2))):
                for k in range(cols):
                    wx, lit = x + pad + k * win * 1.9, c.rng.random()
                    fill = (*c.accent, 230) if lit < 0.07 else (*c.m2, 150 if lit < 0.5 else 45)
                    c.draw.rectangle((wx, wy, wx + win, wy + win * 1.3), fill=fill)
            x += bw
    c.draw.rectangle((0, horizon, c.w, c.h), fill=_mix(c.m1, c.bg, 0.5))


def _circles(c: _Canvas) -> None:
    fx, fy = c.w * c.rng.choice((0.38, 0.62)), c.h * 0.5
    pitch = max(1, int(c.u * 0.05))
    for y in range(pitch, c.h, pitch):
        for x in range(pitch, c.w, pitch):
            _disc(c, x, y, c.u * 0.004, fill=(*c.m2, 45))
    for _ in range(c.rng.randint(6, 8)):
        x, y = c.rng.gauss(fx, c.w * 0.15), c.rng.gauss(fy, c.h * 0.16)
        _disc(c, x, y, c.u * c.rng.uniform(0.1, 0.3), fill=(*c.m2, c.rng.randint(80, 140)))
    for _ in range(2):
        x, y = c.rng.gauss(fx, c.w * 0.2), c.rng.gauss(fy, c.h * 0.2)
        _disc(c, x, y, c.u * c.rng.uniform(0.05, 0.12), fill=c.m1)
    for k in (0.42, 0.3):
        _disc(c, fx, fy, c.u * k, outline=(*c.m1, 150), width=max(2, c.u // 300))
    _disc(c, fx + c.u * 0.05, fy - c.u * 0.04, c.u * 0.15, fill=(*c.accent, 235))


def _lines(c: _Canvas) -> None:
    spacing, dx = c.u * c.rng.uniform(0.1, 0.13), c.h * c.rng.choice((1, -1))
    for i, x in enumerate(range(-c.h, c.w + c.h, max(1, int(spacing)))):
        band = spacing * (0.5 if i % 3 else 0.85)
        fill = (*c.m1, 170) if i % 3 else (*c.m2, 140)
        c.draw.polygon([(x, 0), (x + band, 0), (x + band + dx, c.h), (x + dx, c.h)], fill=fill)
    fx, fy, r = c.w * c.rng.choice((0.3, 0.7)), c.h * 0.5, c.u * 0.27
    _disc(c, fx, fy, r * 1.12, fill=c.bg)
    _disc(c, fx, fy, r, fill=c.accent)
    for k in range(7):
        y0, y1 = (
            fy + r * (0.1 * k - 0.05 + 0.004 * k * k),
            fy + r * (0.11 * k - 0.03 + 0.006 * k * k),
        )
        half = math.sqrt(max(0.0, r * r - min((y0 - fy) ** 2, (y1 - fy) ** 2))) + 2
        c.draw.rectangle((fx - half, y0, fx + half, y1), fill=c.bg)


_DRAWERS = dict(
    zip(MOTIFS, (_waves, _grid, _orbit, _bars, _mountains, _city, _circles, _lines), strict=True)
)


def _finish(img: Image.Image, size: tuple[int, int], rng: random.Random, grain: int = 7) -> bytes:
    img = img.reduce(SCALE)
    gw, gh = (size[0] + 1) // 2, (size[1] + 1) // 2
    lut = [128 + round((v - 127.5) * grain / 127.5) for v in range(256)]
    noise = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh)).point(lut)
    noise = noise.resize(size, Image.Resampling.BILINEAR)
    img = ImageChops.overlay(img, Image.merge("RGB", (noise, noise, noise)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, optimize=True, progressive=True)
    return buf.getvalue()


def render_artwork(
    *, seed: str, motif: str, palette: str = "default", width: int = 1600, height: int = 900
) -> bytes:
    """JPEG bytes (quality ~82, optimized, progressive) of a deterministic abstract illustration."""
    if motif not in _DRAWERS:
        raise ValueError(f"Unknown motif {motif!r}; expected one of: {', '.join(MOTIFS)}")
    colours = _colours(palette)
    if min(width, height) < 16:
        raise ValueError(f"width and height must be at least 16, got {width}x{height}")
    rng = _rng(seed, motif, palette)
    c = _canvas(width * SCALE, height * SCALE, rng, colours)
    _DRAWERS[motif](c)
    return _finish(c.img, (width, height), rng)


def render_portrait(*, seed: str, palette: str = "default", size: int = 600) -> bytes:
    """JPEG bytes of an abstract portrait placeholder for a person.

    A stylised head-and-shoulders silhouette on a tinted background: deterministic, dignified.
    """
    bg, m1, m2, accent = _colours(palette)
    if size < 16:
        raise ValueError(f"size must be at least 16, got {size}")
    rng, s = _rng(seed, "portrait", palette), size * SCALE
    tint = _mix(bg, m2, 0.3)
    figure = max((m1, m2), key=lambda col: abs(_luma(col) - _luma(tint)))
    c = _canvas(s, s, rng, [tint, m1, m2, accent])
    cx = s * rng.uniform(0.47, 0.53)
    hx, hr = cx + s * rng.uniform(-0.12, 0.12), s * rng.uniform(0.27, 0.31)
    _disc(c, hx, s * 0.37, hr, fill=_mix(accent, tint, 0.15))
    _disc(c, hx, s * 0.37, hr * 1.18, outline=(*accent, 110), width=max(2, s // 300))
    rx, ry = s * rng.uniform(0.115, 0.13), s * rng.uniform(0.145, 0.16)
    hy, shoulder = s * rng.uniform(0.38, 0.41), s * rng.uniform(0.34, 0.4)
    body = (cx - shoulder, hy + ry * 1.6, cx + shoulder, s * 1.5)
    head = (cx - rx, hy - ry, cx + rx, hy + ry)
    c.draw.ellipse(body, fill=figure)
    c.draw.rounded_rectangle(
        (cx - rx * 0.58, hy, cx + rx * 0.58, hy + ry * 1.85), radius=rx * 0.25, fill=figure
    )
    c.draw.ellipse(head, fill=figure)
    for shape in (head, body):
        c.draw.chord(shape, 270, 90, fill=(*tint, 45))
    return _finish(c.img, (size, size), rng)


def render_logo(*, size: int = 512, ink: str = "#151515", accent: str = "#a61b1b") -> bytes:
    """PNG bytes of the demo publication's mark: a globe crossed by its meridian.

    Square, on white, for search engines' publisher logo (at least 112 px) and app icons.
    """
    if size < 16:
        raise ValueError(f"size must be at least 16, got {size}")
    s = size * SCALE
    ink_rgb, accent_rgb = _colours_from(ink), _colours_from(accent)
    img = Image.new("RGB", (s, s), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    c, r, stroke = s / 2, s * 0.4, max(2, round(s * 0.045))
    for k in (-0.5, 0.5):  # parallels
        y = c + k * r * 1.1
        half = math.sqrt(max(0.0, r * r - (y - c) ** 2))
        draw.line((c - half, y, c + half, y), fill=ink_rgb, width=max(1, stroke // 2))
    draw.line((c - r, c, c + r, c), fill=ink_rgb, width=stroke)  # equator
    draw.ellipse(_box(c, c, r), outline=ink_rgb, width=stroke)
    draw.ellipse((c - r * 0.42, c - r, c + r * 0.42, c + r), outline=accent_rgb, width=stroke)
    draw.line((c, c - r, c, c + r), fill=accent_rgb, width=stroke)  # the meridian
    img = img.reduce(SCALE)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _colours_from(hex_colour: str) -> RGB:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))

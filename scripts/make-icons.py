#!/usr/bin/env python3
"""Draws the web app's icons (a white speech bubble on the primary blue) into web/public/icons/.

Python's standard library only, so anyone can re-run it:  python3 scripts/make-icons.py
The output is deterministic: re-running without changes leaves the committed PNGs identical.

  icon-192.png, icon-512.png   manifest icons, purpose "any": a rounded blue square, transparent corners
  icon-maskable-512.png        purpose "maskable": full-bleed blue, the glyph inside the 80% safe zone
  apple-touch-icon.png (180)   iOS home screen: full-bleed (iOS rounds the corners itself, and
                               would paint transparent corners black)
  favicon-32.png               browser tab
"""

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "web" / "public" / "icons"

PRIMARY = (0x1F, 0x5F, 0xBF)  # --color-primary in web/style.css
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis: 16 samples a pixel smooth the edges


def rounded_rect(x, y, left, top, right, bottom, radius):
    """Whether (x, y) lies inside the rectangle with rounded corners."""
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def triangle(x, y, a, b, c):
    """Whether (x, y) lies inside triangle abc."""

    def side(p, q):
        return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

    s1, s2, s3 = side(a, b), side(b, c), side(c, a)
    return (s1 >= 0 and s2 >= 0 and s3 >= 0) or (s1 <= 0 and s2 <= 0 and s3 <= 0)


def glyph(x, y):
    """The speech bubble with three dots, in unit coordinates (0..1, centred on 0.5, 0.52).

    Returns the colour at (x, y), or None outside the glyph."""
    dots = any((x - dx) ** 2 + (y - 0.46) ** 2 <= 0.045**2 for dx in (0.37, 0.5, 0.63))
    if dots:
        return PRIMARY
    body = rounded_rect(x, y, 0.22, 0.26, 0.78, 0.66, 0.1)
    tail = triangle(x, y, (0.33, 0.6), (0.5, 0.6), (0.3, 0.78))
    return WHITE if body or tail else None


def render(size, full_bleed, glyph_scale):
    """RGBA rows of one icon.

    `full_bleed` paints the whole square blue; otherwise a rounded square with transparent
    corners. `glyph_scale` shrinks the glyph around the centre (maskable icons keep it in the
    safe zone: a centred circle of 80% of the width)."""
    rows = []
    step = 1.0 / SAMPLES
    for py in range(size):
        row = bytearray()
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) * step) / size
                    y = (py + (sy + 0.5) * step) / size
                    if not (full_bleed or rounded_rect(x, y, 0, 0, 1, 1, 0.22)):
                        continue
                    gx = 0.5 + (x - 0.5) / glyph_scale
                    gy = 0.52 + (y - 0.52) / glyph_scale
                    colour = glyph(gx, gy) or PRIMARY
                    if full_bleed and colour == WHITE:
                        # Maskable icons: every glyph sample must be in the safe zone.
                        assert (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.4**2, "glyph leaves the safe zone"
                    r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            n = SAMPLES * SAMPLES
            if a:
                # Colour averaged over covered samples only (no dark fringe); alpha = coverage.
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return rows


def png(size, rows):
    """A PNG file: 8-bit RGBA, no filtering, maximum compression, no timestamp."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


ICONS = [
    # name, size, full bleed, glyph scale
    ("icon-192.png", 192, False, 1.0),
    ("icon-512.png", 512, False, 1.0),
    ("icon-maskable-512.png", 512, True, 0.8),
    ("apple-touch-icon.png", 180, True, 0.85),
    ("favicon-32.png", 32, False, 1.0),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, full_bleed, scale in ICONS:
        data = png(size, render(size, full_bleed, scale))
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {size}x{size}, {len(data)} bytes")


if __name__ == "__main__":
    main()

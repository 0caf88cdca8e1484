#!/usr/bin/env python3
"""Draws Pelita's app icons into www/icons/: icon.svg, icon-192.png, icon-512.png and
icon-maskable-512.png, from one drawing (an oil lamp, a "pelita", with its flame).

The PNGs are rasterised here with the standard library only (zlib and struct, no PIL), so
the icons can be remade on any machine with python3: `python3 scripts/make-icons.py`.
The output is deterministic; rerunning it without changes leaves the files as they are.

Each shape is a closed path of straight lines and cubic Bezier curves in a 512 x 512
drawing. The SVG uses the paths as they are; the rasteriser flattens the curves into
short lines and fills each shape scanline by scanline, 4 rows per pixel and exact
coverage across each row, which gives smooth (anti-aliased) edges.
"""

import os
import struct
import zlib

# Colours from www/style.css: --accent, --bg, --focus, the warning background, --ink.
ACCENT = "#0b5cad"
CREAM = "#fbfaf7"
FLAME = "#f2b600"
FLAME_CORE = "#fff4dc"
INK = "#1b1f24"

# A shape is (colour, path); a path is a start point and then segments, each either
# ("L", (x, y)) or ("C", (x1, y1), (x2, y2), (x, y)). Every path is closed.
# Everything fits in a circle of radius 200 around the centre, inside the 205 px safe
# zone of a maskable icon, so the same drawing serves both kinds of icon.
SHAPES = [
    # The flame: a drop with its point up.
    (FLAME, ((256, 72), [
        ("C", (282, 128), (314, 170), (314, 218)),
        ("C", (314, 250), (288, 276), (256, 276)),
        ("C", (224, 276), (198, 250), (198, 218)),
        ("C", (198, 170), (230, 128), (256, 72)),
    ])),
    # Its bright core.
    (FLAME_CORE, ((256, 156), [
        ("C", (268, 186), (284, 206), (284, 236)),
        ("C", (284, 252), (271, 264), (256, 264)),
        ("C", (241, 264), (228, 252), (228, 236)),
        ("C", (228, 206), (244, 186), (256, 156)),
    ])),
    # The wick.
    (INK, ((250, 268), [("L", (262, 268)), ("L", (262, 306)), ("L", (250, 306))])),
    # The bowl of the lamp.
    (CREAM, ((128, 302), [
        ("L", (384, 302)),
        ("C", (384, 372), (328, 404), (256, 404)),
        ("C", (184, 404), (128, 372), (128, 302)),
    ])),
    # Its foot.
    (CREAM, ((212, 412), [
        ("L", (300, 412)),
        ("C", (306, 412), (310, 416), (310, 422)),
        ("L", (310, 428)),
        ("C", (310, 434), (306, 438), (300, 438)),
        ("L", (212, 438)),
        ("C", (206, 438), (202, 434), (202, 428)),
        ("L", (202, 422)),
        ("C", (202, 416), (206, 412), (212, 412)),
    ])),
]

SIZE = 512
RADIUS = 112  # corner radius of the "any" icons' background
K = 0.5523  # cubic Bezier handle length for a quarter circle, as a share of the radius


def background(rounded):
    """The background square, with rounded corners for the icons shown as they are."""
    if not rounded:
        return ((0, 0), [("L", (SIZE, 0)), ("L", (SIZE, SIZE)), ("L", (0, SIZE))])
    r, s, k = RADIUS, SIZE, RADIUS * K
    return ((r, 0), [
        ("L", (s - r, 0)), ("C", (s - r + k, 0), (s, r - k), (s, r)),
        ("L", (s, s - r)), ("C", (s, s - r + k), (s - r + k, s), (s - r, s)),
        ("L", (r, s)), ("C", (r - k, s), (0, s - r + k), (0, s - r)),
        ("L", (0, r)), ("C", (0, r - k), (r - k, 0), (r, 0)),
    ])


def svg_path(path):
    (x, y), segments = path
    parts = [f"M{x} {y}"]
    for seg in segments:
        if seg[0] == "L":
            parts.append("L{} {}".format(*seg[1]))
        else:
            parts.append("C{} {} {} {} {} {}".format(*seg[1], *seg[2], *seg[3]))
    return "".join(parts) + "Z"


def fmt(v):
    return f"{v:.2f}".rstrip("0").rstrip(".")


def svg():
    bg = background(True)
    (x, y), segments = bg
    bg = ((fmt(x), fmt(y)), [(s[0], *[(fmt(a), fmt(b)) for a, b in s[1:]]) for s in segments])
    lines = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">',
        f'<path fill="{ACCENT}" d="{svg_path(bg)}"/>',
    ]
    lines += [f'<path fill="{colour}" d="{svg_path(path)}"/>' for colour, path in SHAPES]
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def flatten(path, scale):
    """The path as a closed polygon of points in pixels."""
    (x, y), segments = path
    points = [(x * scale, y * scale)]
    for seg in segments:
        if seg[0] == "L":
            points.append((seg[1][0] * scale, seg[1][1] * scale))
            continue
        x0, y0 = points[-1]
        (x1, y1), (x2, y2), (x3, y3) = [(a * scale, b * scale) for a, b in seg[1:]]
        steps = 32
        for i in range(1, steps + 1):
            t = i / steps
            u = 1 - t
            points.append((
                u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
                u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3,
            ))
    return points


def coverage(points, size):
    """How much of each pixel the polygon covers, 0 to 1 (non-zero fill rule)."""
    rows = 4
    cover = [[0.0] * size for _ in range(size)]
    edges = list(zip(points, points[1:] + points[:1]))
    for py in range(size):
        row = cover[py]
        for sub in range(rows):
            y = py + (sub + 0.5) / rows
            crossings = []
            for (xa, ya), (xb, yb) in edges:
                if (ya <= y < yb) or (yb <= y < ya):
                    x = xa + (y - ya) * (xb - xa) / (yb - ya)
                    crossings.append((x, 1 if yb > ya else -1))
            crossings.sort()
            winding = 0
            for i, (x, d) in enumerate(crossings):
                before = winding
                winding += d
                if before == 0 and winding != 0:
                    start = x
                elif before != 0 and winding == 0:
                    add_span(row, start, x, 1 / rows, size)
    return cover


def add_span(row, x0, x1, weight, size):
    x0, x1 = max(0.0, x0), min(float(size), x1)
    if x1 <= x0:
        return
    first, last = int(x0), min(int(x1), size - 1)
    if first == last:
        row[first] += (x1 - x0) * weight
        return
    row[first] += (first + 1 - x0) * weight
    for px in range(first + 1, last):
        row[px] += weight
    row[last] += (x1 - last) * weight


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def render(size, rounded):
    """RGBA rows: the background and then each shape, painted over one another."""
    scale = size / SIZE
    pixels = [[(0.0, 0.0, 0.0, 0.0)] * size for _ in range(size)]
    for colour, path in [(ACCENT, background(rounded))] + SHAPES:
        r, g, b = rgb(colour)
        cover = coverage(flatten(path, scale), size)
        for y in range(size):
            prow, crow = pixels[y], cover[y]
            for x in range(size):
                a = min(1.0, crow[x])
                if a <= 0:
                    continue
                pr, pg, pb, pa = prow[x]
                # "Source over" with premultiplied colour.
                prow[x] = (r * a + pr * (1 - a), g * a + pg * (1 - a), b * a + pb * (1 - a), a + pa * (1 - a))
    out = []
    for prow in pixels:
        line = bytearray()
        for pr, pg, pb, pa in prow:
            if pa <= 0:
                line += b"\0\0\0\0"
            else:
                line += bytes((round(pr / pa), round(pg / pa), round(pb / pa), round(pa * 255)))
        out.append(bytes(line))
    return out


def png(rows, size):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www", "icons")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "icon.svg"), "w", encoding="utf-8") as f:
        f.write(svg())
    # The maskable icon is square and full-bleed: the launcher cuts its own shape out of it.
    for name, size, rounded in [
        ("icon-192.png", 192, True),
        ("icon-512.png", 512, True),
        ("icon-maskable-512.png", 512, False),
    ]:
        with open(os.path.join(root, name), "wb") as f:
            f.write(png(render(size, rounded), size))
        print(f"www/icons/{name}")
    print("www/icons/icon.svg")


if __name__ == "__main__":
    main()

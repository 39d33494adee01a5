"""Draw the app icon with Pillow and write it as PNGs, a Windows .ico (16–256 px) and a macOS .icns.

The icon is a white application form on a deep-blue rounded square, with red lines of text and a red
round seal in its lower right corner: a filled-in declaration, stamped — what the app helps produce.
Each size is drawn on its own grid (8× supersampled, shapes snapped to whole target pixels) so the page
and the seal stay sharp at 16 px instead of being a blur of a big drawing.

    python scripts/make_icons.py [--out DIR]      # default: resources/icons/

The window uses the PNGs committed in resources/icons/ (tests/ship/test_icons.py checks they are what
this script draws); build.spec and the installer render the .ico/.icns at build time from this script.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
BLUE = (23, 64, 139, 255)
WHITE = (255, 255, 255, 255)
RED = (200, 30, 40, 255)
LINE = (150, 165, 190, 255)
SUPERSAMPLE = 8
ROOT = Path(__file__).resolve().parent.parent


def draw_icon(size: int) -> Image.Image:
    """The icon at `size`×`size` pixels, RGBA."""
    s = SUPERSAMPLE
    big = size * s
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def px(fraction: float) -> int:
        """A length in target pixels (at least one), scaled to the supersampled canvas."""
        return max(1, round(fraction * size)) * s

    # Background: rounded square filling the icon.
    d.rounded_rectangle((0, 0, big - 1, big - 1), radius=px(0.19), fill=BLUE)
    # The form: a white page, a little taller than wide.
    left, top = px(0.22), px(0.12)
    right, bottom = big - px(0.22), big - px(0.12)
    d.rectangle((left, top, right - 1, bottom - 1), fill=WHITE)
    # Lines of text (only where there is room for them to read as lines).
    if size >= 20:
        gap = px(0.12)
        thickness = px(0.05)
        y = top + px(0.12)
        for i in range(4):
            end = right - px(0.10) - (px(0.16) if i == 3 else 0)
            if y + thickness > bottom - px(0.34):
                break
            d.rectangle((left + px(0.08), y, end, y + thickness - 1), fill=LINE if i else RED)
            y += gap
    else:
        # At 16 px: one red title line and one grey line.
        d.rectangle((left + s * 2, top + s * 2, right - s * 3, top + s * 3 - 1), fill=RED)
        d.rectangle((left + s * 2, top + s * 5, right - s * 2, top + s * 6 - 1), fill=LINE)
    # The seal: a red disc with a white ring, overlapping the page's lower right corner.
    radius = px(0.20)
    cx, cy = right - px(0.02), bottom - px(0.06)
    d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=RED)
    if size >= 32:
        ring = px(0.035)
        inner = radius - px(0.05)
        d.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=WHITE, width=ring)
        outer_r, inner_r = inner * 0.62, inner * 0.25
        points = [
            (cx + r * math.sin(math.pi * k / 5), cy - r * math.cos(math.pi * k / 5))
            for k, r in zip(range(10), [outer_r, inner_r] * 5, strict=True)
        ]
        d.polygon(points, fill=WHITE)
    # Box averaging keeps the snapped edges sharp (Lanczos would ring around them at 16 px).
    return img.resize((size, size), Image.Resampling.BOX)


def write_icons(out: Path, *, png: bool = True, ico: bool = True, icns: bool = True) -> list[Path]:
    """Write app-<size>.png, app.ico and app.icns into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    images = {size: draw_icon(size) for size in sorted(set(SIZES) | set(ICNS_SIZES))}
    if png:
        for size in SIZES:
            path = out / f"app-{size}.png"
            images[size].save(path, optimize=True)
            written.append(path)
    if ico:
        path = out / "app.ico"
        largest = images[256]
        largest.save(
            path, sizes=[(n, n) for n in SIZES], append_images=[images[n] for n in SIZES if n != 256]
        )
        written.append(path)
    if icns:
        path = out / "app.icns"
        images[1024].save(path, append_images=[images[n] for n in ICNS_SIZES if n != 1024])
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="绘制程序图标（PNG、ICO、ICNS）")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "icons", help="输出文件夹")
    parser.add_argument("--png-only", action="store_true", help="只写 PNG（窗口图标）")
    args = parser.parse_args(argv)
    for path in write_icons(args.out, ico=not args.png_only, icns=not args.png_only):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate the benchmark's 160 realistic inputs into bench/out/corpus (kept between runs).

100 phone photos of certificates (4032 × 3024 JPEG q92, a third stored sideways with an EXIF
orientation, as phones store portrait shots) and 60 flatbed scans at 300 dpi (2480 × 3508; half JPEG,
half PNG). Photos get sensor noise and uneven light so they compress like real photos (~3–4 MB).
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

PHOTOS = 100
SCANS_JPEG = 30
SCANS_PNG = 30


def _document(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A certificate-like page: border, title bar, lines of 'text', a red seal."""
    w, h = size
    page = Image.new("RGB", size, (246, 243, 236))
    draw = ImageDraw.Draw(page)
    m = w // 14
    draw.rectangle((m, m, w - m, h - m), outline=(150, 40, 40), width=max(4, w // 300))
    draw.rectangle((w // 3, m * 2, 2 * w // 3, m * 2 + h // 30), fill=(60, 60, 60))
    y = m * 3 + h // 20
    while y < h - m * 3:
        x = m * 2
        while x < w - m * 2:
            word = rng.randint(w // 60, w // 14)
            draw.rectangle((x, y, min(x + word, w - m * 2), y + h // 110), fill=(35, 35, 40))
            x += word + w // 80
        y += h // 38
    r = w // 9
    cx, cy = w - m * 3, h - m * 3
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 30), width=max(6, w // 200))
    return page


def _noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    grain = Image.effect_noise(size, sigma).convert("RGB")
    return grain


def make_photo(path: Path, seed: int) -> None:
    """A phone photo of a certificate lying on a desk."""
    rng = random.Random(seed)
    size = (4032, 3024)
    desk = Image.linear_gradient("L").resize(size).convert("RGB")
    desk = Image.blend(desk, Image.new("RGB", size, (120, 90, 60)), 0.7)
    doc = _document((2900, 2100), rng).rotate(rng.uniform(-4, 4), expand=True, fillcolor=(120, 90, 60))
    desk.paste(doc, (rng.randint(300, 700), rng.randint(200, 600)))
    texture = _noise((size[0] // 8, size[1] // 8), 40, rng).resize(size, Image.Resampling.BILINEAR)
    photo = Image.blend(desk, texture, 0.12)
    photo = Image.blend(photo, _noise(size, 60, rng), 0.12)
    exif = Image.Exif()
    if seed % 3 == 0:
        exif[0x0112] = rng.choice((6, 8, 3))
        photo = photo.transpose(Image.Transpose.ROTATE_90)
        photo = photo.resize(size)
    photo.save(path, "JPEG", quality=92, exif=exif)


def make_scan(path: Path, seed: int) -> None:
    """A 300-dpi flatbed scan of an A4 certificate."""
    rng = random.Random(seed)
    size = (2480, 3508)
    page = _document(size, rng)
    page = Image.blend(page, _noise(size, 30, rng), 0.02)
    if path.suffix == ".png":
        page.save(path, "PNG", dpi=(300, 300))
    else:
        page.save(path, "JPEG", quality=90, dpi=(300, 300))


def _make(args: tuple[str, str, int]) -> None:
    kind, name, seed = args
    (make_photo if kind == "photo" else make_scan)(Path(name), seed)


def ensure_corpus(folder: Path) -> list[Path]:
    """The 160 inputs, generated once (two processes) and reused by later runs."""
    folder.mkdir(parents=True, exist_ok=True)
    plan: list[tuple[str, str, int]] = []
    for i in range(PHOTOS):
        plan.append(("photo", str(folder / f"毕业证书_手机拍照_{i:03d}.jpg"), i))
    for i in range(SCANS_JPEG):
        plan.append(("scan", str(folder / f"聘任文件_扫描_{i:03d}.jpg"), 1000 + i))
    for i in range(SCANS_PNG):
        plan.append(("scan", str(folder / f"学位证书_扫描_{i:03d}.png"), 2000 + i))
    missing = [p for p in plan if not Path(p[1]).is_file()]
    if missing:
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_make, missing))
    return [Path(p[1]) for p in plan]

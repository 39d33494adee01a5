"""An outside-style corpus (issue 16), unlike the project's own: 120 phone photos of A4 document pages (portrait
pages, or landscape certificates) lying on a desk, photographed in perspective (4032 × 3024 JPEG q92, a third held upright so the pixels are stored sideways
with EXIF orientation 6), and 40 flatbed scans of A4 pages at 300 dpi (30 JPEG q90, 10 PNG).

Generated once into bench/out/outside (two processes) and reused; attached as four `attach` calls of 40 files
to four entries of the demo application, as the issue measured it.
"""

from __future__ import annotations

import io
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

PHOTOS = 120
SCANS_JPEG = 30
SCANS_PNG = 10
BATCH = 40

_WORDS = "兹证明该同志于二〇一八年七月毕业于本校土木工程专业学制四年成绩合格准予毕业特发此证书以资证明"


def _page(seed: int, size: tuple[int, int]) -> Image.Image:
    from desktop_app.scans.samples import render_certificate

    rng = random.Random(seed)
    lines = [
        "".join(rng.choice(_WORDS) for _ in range(rng.randint(14, 24))) for _ in range(rng.randint(8, 14))
    ]
    title = rng.choice(("毕业证书", "学位证书", "专业技术资格证书", "聘用合同", "获奖证书"))
    return render_certificate(
        title, lines, size=size, issuer="昆明市某某单位", number=f"{seed:012d}", seed=seed
    )


def make_photo(path: Path, seed: int) -> None:
    """A phone photo of an A4 page on a desk: perspective, shadow, sensor grain, sometimes stored sideways."""
    from desktop_app.scans.samples import photo_on_desk

    sideways = seed % 3 == 0
    # Held upright for a portrait page (stored sideways, EXIF 6), held across for a landscape certificate: the
    # whole page is in the picture, as a person frames it.
    frame = (3024, 4032) if sideways else (4032, 3024)
    photo = photo_on_desk(
        _page(seed, (1654, 2339) if sideways else (2339, 1654)),
        frame=frame,
        seed=seed,
        orientation=6 if sideways else None,
        tilt=12,
        cover=0.5,
        quality=92,
        grain=3.0,
    )
    path.write_bytes(photo.data)


def make_scan(path: Path, seed: int) -> None:
    """A 300-dpi flatbed scan of an A4 page (2480 × 3508), JPEG q90 or PNG."""
    page = _page(seed, (2480, 3508))
    page = Image.blend(page, Image.effect_noise(page.size, 40).convert("RGB"), 0.03)
    buffer = io.BytesIO()
    if path.suffix == ".png":
        page.save(buffer, "PNG", dpi=(300, 300))
    else:
        page.save(buffer, "JPEG", quality=90, dpi=(300, 300))
    path.write_bytes(buffer.getvalue())


def _make(args: tuple[str, str, int]) -> None:
    kind, name, seed = args
    (make_photo if kind == "photo" else make_scan)(Path(name), seed)


def ensure_outside_corpus(folder: Path) -> list[list[Path]]:
    """The 160 inputs in four batches of 40 (each batch: 30 photos, 10 scans), generated once."""
    folder.mkdir(parents=True, exist_ok=True)
    photos = [
        ("photo", str(folder / f"IMG_20260{i % 9 + 1}1{i % 3}_0930{i:03d}.jpg"), i) for i in range(PHOTOS)
    ]
    scans = [("scan", str(folder / f"扫描件_{i:03d}.jpg"), 500 + i) for i in range(SCANS_JPEG)]
    scans += [("scan", str(folder / f"扫描件_{i:03d}.png"), 600 + i) for i in range(SCANS_PNG)]
    plan = photos + scans
    missing = [p for p in plan if not Path(p[1]).is_file()]
    if missing:
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_make, missing))
    per_photo, per_scan = PHOTOS // 4, (SCANS_JPEG + SCANS_PNG) // 4
    return [
        [
            Path(p[1])
            for p in photos[b * per_photo : (b + 1) * per_photo] + scans[b * per_scan : (b + 1) * per_scan]
        ]
        for b in range(4)
    ]

"""Turn an upright page picture into a JPEG under a size limit (the online system takes images only)."""

from __future__ import annotations

import io

from PIL import Image

# A4 at 300 dpi: sharper than the online system needs, so larger pictures are scaled down first.
MAX_SIDE = 3508
_QUALITIES = (90, 82, 75, 68, 60)
_MIN_SIDE = 300


def _encode(im: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False, subsampling=2)
    return buffer.getvalue()


def fit_jpeg(im: Image.Image, max_bytes: int) -> bytes:
    """JPEG bytes of an RGB picture no larger than `max_bytes`: quality steps first, then downscaling.

    The result carries no EXIF, so no viewer can rotate it a second time.
    """
    if im.mode != "RGB":
        im = im.convert("RGB")  # convert() copies even when nothing changes: a whole page for nothing
    if max(im.size) > MAX_SIDE:
        im = im.copy()
        im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    while True:
        for quality in _QUALITIES:
            data = _encode(im, quality)
            if len(data) <= max_bytes:
                return data
        if max(im.size) <= _MIN_SIDE:
            return data if len(data) <= max_bytes else _encode(im, 30)
        width, height = im.size
        im = im.resize((max(1, int(width * 0.8)), max(1, int(height * 0.8))), Image.Resampling.LANCZOS)

"""Is a picture a phone photo, and what was found in it: the light half of the page flattening (issue 17).

Imports only Pillow, so the import's decode check, `attach --no-flatten` and the notices do not load OpenCV
(`flatten` does, when a page is looked for or straightened; it re-exports everything here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image

from desktop_app.scans import normalise

# Known page shapes (long side / short side): ISO A-series (A4, A5 …) and the ID card (85.6 × 54 mm).
ISO_ASPECT = math.sqrt(2)
ID_CARD_MM = (85.6, 54.0)
ID_CARD_ASPECT = ID_CARD_MM[0] / ID_CARD_MM[1]
KNOWN_ASPECTS = (ISO_ASPECT, ID_CARD_ASPECT)
CAMERA_FRAMES = (4 / 3, 3 / 2, 16 / 9, 1.0)

NOT_FOUND = "未能自动识别纸张边缘"
DONE = "已整理为扫描件"
# Why a file was not made a scan, as `attach` and the scans widget say it.
NOT_FOUND_NOTICE = "未能自动识别纸张边缘，保留原样：可点“调整四角…”手动标出纸张的四个角"
KEPT_ON_REQUEST = "按要求保留原样，未整理"
NOT_A_PHOTO = "不是手机照片，按扫描件保留原样"
NOT_AN_IMAGE = "PDF 文件保留原样"
SEVERAL_PAGES = "多页图片保留原样"


@dataclass(frozen=True)
class PageFinding:
    """A page found in a photo: its corners (fractions, TL TR BR BL), height/width ratio and how sure we are."""

    corners: tuple[tuple[float, float], ...]
    aspect: float
    confidence: float

    def as_card(self) -> PageFinding:
        """The same page known to be an ID card: its proportions are the card's, whatever was measured."""
        aspect = 1 / ID_CARD_ASPECT if self.aspect < 1 else ID_CARD_ASPECT
        return PageFinding(self.corners, aspect, self.confidence)

    def as_edit(self, auto: bool = True) -> dict[str, Any]:
        """The stored edit that flattens the picture to this page."""
        return {
            "corners": [[round(x, 5), round(y, 5)] for x, y in self.corners],
            "aspect": round(self.aspect, 5),
            "auto": auto,
        }


# Is it a photo? -----------------------------------------------------------------------------------

_CAMERA_TAGS = (0x829A, 0x829D, 0x920A, 0x8827)  # ExposureTime, FNumber, FocalLength, ISO


def photo_evidence(im: Image.Image) -> bool:
    """Whether a picture (header only is enough) looks like a camera photo rather than a flatbed scan."""
    try:
        exif = normalise.exif_in_header(im)
        camera = bool(exif.get(ExifTags.Base.Make) or exif.get(ExifTags.Base.Model))
        camera = camera or any(tag in exif.get_ifd(ExifTags.IFD.Exif) for tag in _CAMERA_TAGS)
    except Exception:  # a malformed EXIF block says nothing either way
        camera = False
    if camera:
        return True
    dpi = im.info.get("dpi")
    try:
        if dpi and float(dpi[0]) >= 150:
            return False  # scanners record their resolution; phones write 72 or nothing
    except (TypeError, ValueError, IndexError):
        pass
    width, height = im.size
    if width * height < 1_000_000:
        return False
    shape = max(width, height) / max(1, min(width, height))
    return any(abs(shape - frame) / frame < 0.02 for frame in CAMERA_FRAMES)

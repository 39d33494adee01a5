"""Optional offline content check: read a scan's text and warn when it contradicts the file name.

An extra (`pip install .[ocr]`): rapidocr 3.x, whose wheel ships its ONNX models, on onnxruntime; no
model is ever fetched at run time. rapidocr ignores EXIF orientation, so it is always fed the upright
picture from `open_normalised`. The app works fully without it: `is_available()` is then False.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from desktop_app.formspec.model import AttachmentKind
from desktop_app.scans import naming

_ENGINE: Any = None
_LOCK = threading.Lock()
# Recognition is accurate enough on pages up to this size; larger pictures only cost time.
MAX_SIDE = 1600


@dataclass(frozen=True)
class ContentCheck:
    """What the page says compared with its name: the kind its text names and a warning if they disagree."""

    text: str
    text_kind: str | None
    warning: str = ""


def is_available() -> bool:
    """Whether the OCR extra is installed (rapidocr 3 and onnxruntime)."""
    return (
        importlib.util.find_spec("rapidocr") is not None
        and importlib.util.find_spec("onnxruntime") is not None
    )


def _engine() -> Any:
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            import logging

            from rapidocr import RapidOCR

            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            _ENGINE = RapidOCR()
        return _ENGINE


def read_text(picture: Image.Image) -> str:
    """The text on an upright page picture, line by line (slow: ~2–5 s a page; run it off the GUI thread)."""
    import numpy as np

    picture = picture.convert("RGB")
    if max(picture.size) > MAX_SIDE:
        picture = picture.copy()
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    result = _engine()(np.asarray(picture))
    return "\n".join(str(t) for t in (getattr(result, "txts", None) or ()))


def kind_in_text(text: str, kinds: Iterable[AttachmentKind]) -> AttachmentKind | None:
    """The kind whose longest keyword is printed on the page (titles such as 学士学位证书), or None."""
    compact = "".join(text.split())
    best: tuple[int, AttachmentKind] | None = None
    for kind in kinds:
        for word in kind.keywords:
            if len(word) >= 3 and word in compact and (best is None or len(word) > best[0]):
                best = (len(word), kind)
    return best[1] if best else None


def compare(
    name: str,
    text: str,
    expected: Sequence[AttachmentKind],
    others: Iterable[tuple[str, AttachmentKind]] = (),
) -> ContentCheck:
    """Compare a page's text with its file name; warn when the text names another material."""
    everything = list(expected) + [k for _title, k in others]
    found = kind_in_text(text, expected) or kind_in_text(text, everything)
    named = naming.match_kind(naming.split_name(name)[0], expected)
    if found is None or named is None or found.key == named.key:
        return ContentCheck(text, found.key if found else None)
    if naming.kind_score("".join(text.split()), named) == 100:
        return ContentCheck(text, found.key)  # the page names both: no contradiction
    word = max((w for w in found.keywords if w in "".join(text.split())), key=len)
    return ContentCheck(
        text,
        found.key,
        f"文件名写的是“{named.label}”，但页面上写的是“{word}”：请核对是否放错了文件或写错了名称",
    )

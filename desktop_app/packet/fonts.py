"""The embedded CJK font (Noto Sans SC TrueType) and the check for characters it cannot print."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop_app.paths import resources_dir

REGULAR = "NotoSansSC"
BOLD = "NotoSansSC-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the bundled TrueType faces with reportlab once; returns (regular, bold) names."""
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "NotoSansSC-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "NotoSansSC-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD


def _glyphs(name: str) -> set[int]:
    register_fonts()
    font = pdfmetrics.getFont(name)
    return set(font.face.charToGlyph)  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    # A character must exist in both faces: headings use the bold one.
    return frozenset(_glyphs(REGULAR) & _glyphs(BOLD))


def missing_characters(texts: Iterable[str]) -> list[str]:
    """Characters of the texts that the embedded font cannot draw (would print as empty boxes)."""
    covered = _covered()
    missing: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ch in "\n\r\t" or ord(ch) in covered:
                continue
            if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
                continue
            missing.setdefault(ch, None)
    return list(missing)

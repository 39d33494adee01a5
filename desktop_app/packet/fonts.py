"""The embedded fonts: Noto Sans SC (TrueType) for all text, HanaMinB as a per-character fallback for the
CJK Extension B–F characters of legal names (𠮷 …), and the check for characters no bundled face has."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts

from desktop_app.packet.font_cache import load_font
from desktop_app.paths import data_home_path, resources_dir

REGULAR = "NotoSansSC"
BOLD = "NotoSansSC-Bold"
# 花園明朝B (GlyphWiki, OFL-1.1): CJK Extensions B–F. Registered only when a text needs it (30 MB to parse),
# embedded as a subset like every face reportlab writes.
FALLBACK = "HanaMinB"
FALLBACK_FILE = "HanaMinB.ttf"


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP written as UTF-16 surrogate pairs.

    reportlab writes U+20BB7 as the odd-length <20BB7>, so 𠮷 could not be copied or searched in the PDF.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def font_cache_folder() -> Path | None:
    """Where parsed faces are kept between runs (in the data folder's cache), or None before it exists."""
    home = data_home_path()
    return home / "cache" / "fonts" if home.is_dir() else None


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the bundled TrueType faces with reportlab once; returns (regular, bold) names."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    folder, cache = resources_dir() / "fonts", font_cache_folder()
    pdfmetrics.registerFont(load_font(REGULAR, folder / "NotoSansSC-Regular.ttf", cache))
    pdfmetrics.registerFont(load_font(BOLD, folder / "NotoSansSC-Bold.ttf", cache))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD


@lru_cache(maxsize=1)
def _fallback_glyphs() -> frozenset[int]:
    register_fonts()
    pdfmetrics.registerFont(
        load_font(FALLBACK, resources_dir() / "fonts" / FALLBACK_FILE, font_cache_folder())
    )
    return frozenset(pdfmetrics.getFont(FALLBACK).face.charToGlyph)


@lru_cache(maxsize=4)
def _glyphs(name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    # A character must exist in both faces: headings use the bold one.
    return _glyphs(REGULAR) & _glyphs(BOLD)


def _printable_anyway(ch: str) -> bool:
    return ch in "\n\r\t" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def runs(text: str, font: str = REGULAR) -> list[tuple[str, str]]:
    """(face, text) pieces: each character in `font` when it has it, else in the fallback face."""
    primary = _glyphs(font)
    if primary.issuperset(map(ord, text)):
        return [(font, text)] if text else []  # the usual case, decided in one C loop
    pieces: list[tuple[str, str]] = []
    for ch in text:
        face = font
        if ord(ch) not in primary and not _printable_anyway(ch) and ord(ch) in _fallback_glyphs():
            face = FALLBACK
        if pieces and pieces[-1][0] == face:
            pieces[-1] = (face, pieces[-1][1] + ch)
        else:
            pieces.append((face, ch))
    return pieces


def missing_characters(texts: Iterable[str]) -> list[str]:
    """Characters of the texts that no bundled face can draw (would print as empty boxes)."""
    covered = _covered()
    missing: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ord(ch) in covered or _printable_anyway(ch):
                continue
            if ord(ch) in _fallback_glyphs():
                continue
            missing.setdefault(ch, None)
    return list(missing)

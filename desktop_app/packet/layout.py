"""Page geometry, drawing operations and text wrapping: layout is computed before anything is drawn.

Pages are lists of simple operations so the page count of every part is known before the 目录 and the
"第 n 页 共 N 页" footers are drawn (one page map, numbers computed once).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop_app.packet.fonts import BOLD, REGULAR, runs

PAGE_WIDTH = 595.2756  # A4 in points
PAGE_HEIGHT = 841.8898
MARGIN_X = 56.0
TOP = PAGE_HEIGHT - 64.0  # first baseline area below the running header
BOTTOM = 64.0  # above the page-number footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

# Punctuation that must not start a line (Chinese typesetting rule); it is kept on the previous line.
_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)]}%")


@dataclass(frozen=True)
class Text:
    """A line of text; align is left, center or right (x is the anchor)."""

    x: float
    y: float
    text: str
    font: str = REGULAR
    size: float = 10.0
    align: str = "left"


@dataclass(frozen=True)
class Line:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Rect:
    """A rectangle (x, y is the lower-left corner); fill is a grey level or None."""

    x: float
    y: float
    w: float
    h: float
    width: float = 0.6
    dash: tuple[float, ...] = ()
    fill: float | None = None
    stroke: bool = True


@dataclass(frozen=True)
class Circle:
    """A circle, used to mark where a seal goes."""

    x: float
    y: float
    r: float
    width: float = 0.6
    dash: tuple[float, ...] = ()


Op = Text | Line | Rect | Circle


@dataclass
class Sheet:
    """The operations of one page being laid out."""

    ops: list[Op] = field(default_factory=list)


def clean(text: object) -> str:
    """Text safe to draw: control and format characters removed, tabs as spaces."""
    raw = "" if text is None else str(text)
    raw = raw.replace("\r\n", "\n").replace("\t", "    ")
    return "".join(ch for ch in raw if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"))


@lru_cache(maxsize=16384)
def width_of(text: str, font: str = REGULAR, size: float = 10.0) -> float:
    """Width of the text in points (characters the face lacks measured in the fallback face).

    Remembered: wrapping measures every Chinese character on its own, and the same ones again and again.
    """
    if text.isascii():
        return float(stringWidth(text, font, size))
    return float(sum(stringWidth(piece, face, size) for face, piece in runs(text, font)))


def wrap(text: str, width: float, font: str = REGULAR, size: float = 10.0) -> list[str]:
    """Break text into lines no wider than width; Chinese breaks anywhere, Latin words stay whole if they fit."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, font, size))
    return lines or [""]


# Runs that must not break across lines when they fit one: dates (2004年07月01日, 2004-07, 2019.09—2023.06),
# and Latin words, numbers and web addresses (https://credit.km.gov.cn).
_UNBREAKABLE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?|[!-~]+")


def _tokens(paragraph: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    for match in _UNBREAKABLE.finditer(paragraph):
        tokens.extend(paragraph[pos : match.start()])
        tokens.append(match.group())
        pos = match.end()
    tokens.extend(paragraph[pos:])
    return tokens


def _wrap_paragraph(paragraph: str, width: float, font: str, size: float) -> list[str]:
    if not paragraph:
        return [""]
    lines: list[str] = []
    current = ""
    current_width = 0.0
    for token in _tokens(paragraph):
        w = width_of(token, font, size)
        if current and current_width + w > width and token[0] not in _NO_LINE_START:
            if w <= width or len(token) == 1:
                lines.append(current.rstrip())
                current, current_width = "", 0.0
                if token == " ":
                    continue
        if current_width + w > width and len(token) > 1:
            # A run longer than a whole line: break it character by character.
            for ch in token:
                cw = width_of(ch, font, size)
                if current and current_width + cw > width and ch not in _NO_LINE_START:
                    lines.append(current)
                    current, current_width = "", 0.0
                current += ch
                current_width += cw
            continue
        current += token
        current_width += w
    lines.append(current)
    return lines


def fit_text(text: str, width: float, font: str = REGULAR, size: float = 10.0, minimum: float = 6.5) -> float:
    """The largest size up to `size` at which the single-line text fits the width."""
    while size > minimum and width_of(text, font, size) > width:
        size -= 0.5
    return size


MIN_VALUE_SIZE = 9.0  # values shrink to this size at most, then wrap (nothing typed is ever cut)


def fit_lines(
    text: str, width: float, font: str = REGULAR, size: float = 10.0, minimum: float = MIN_VALUE_SIZE
) -> tuple[float, list[str]]:
    """(size, lines): the text on one line if it fits at a size down to `minimum`, else wrapped at `minimum`."""
    fitted = fit_text(text, width, font, size, minimum)
    if "\n" not in text and width_of(clean(text), font, fitted) <= width:
        return fitted, [clean(text)]
    return minimum, wrap(text, width, font, minimum)


__all__ = [
    "BOLD",
    "BOTTOM",
    "CONTENT_WIDTH",
    "MARGIN_X",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "REGULAR",
    "TOP",
    "Circle",
    "Line",
    "Op",
    "Rect",
    "Sheet",
    "Text",
    "clean",
    "fit_lines",
    "fit_text",
    "width_of",
    "wrap",
]

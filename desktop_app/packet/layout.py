"""Page geometry, drawing operations and text wrapping: layout is computed before anything is drawn.

Pages are lists of simple operations so the page count of every part is known before the 目录 and the
"第 n 页 共 N 页" footers are drawn (one page map, numbers computed once).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop_app.packet.fonts import BOLD, REGULAR

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


def width_of(text: str, font: str = REGULAR, size: float = 10.0) -> float:
    """Width of the text in points."""
    return float(stringWidth(text, font, size))


def wrap(text: str, width: float, font: str = REGULAR, size: float = 10.0) -> list[str]:
    """Break text into lines no wider than width; Chinese breaks anywhere, Latin words stay whole if they fit."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, font, size))
    return lines or [""]


def _wrap_paragraph(paragraph: str, width: float, font: str, size: float) -> list[str]:
    if not paragraph:
        return [""]
    lines: list[str] = []
    current = ""
    current_width = 0.0
    for ch in paragraph:
        w = width_of(ch, font, size)
        if current and current_width + w > width and ch not in _NO_LINE_START:
            cut = _latin_break(current)
            if cut > 0 and (ch.isascii() and ch.isalnum()):
                lines.append(current[:cut].rstrip())
                current = current[cut:].lstrip()
            else:
                lines.append(current)
                current = ""
            current_width = width_of(current, font, size)
            if ch == " " and not current:
                continue
        current += ch
        current_width += w
    lines.append(current)
    return lines


def _latin_break(text: str) -> int:
    """Index after the last space when the line ends inside a Latin word (0 when it does not)."""
    if not text or not (text[-1].isascii() and text[-1].isalnum()):
        return 0
    pos = text.rfind(" ")
    if pos <= 0 or len(text) - pos > 24:
        return 0
    return pos + 1


def fit_text(text: str, width: float, font: str = REGULAR, size: float = 10.0, minimum: float = 6.5) -> float:
    """The largest size up to `size` at which the single-line text fits the width."""
    while size > minimum and width_of(text, font, size) > width:
        size -= 0.5
    return size


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
    "fit_text",
    "width_of",
    "wrap",
]

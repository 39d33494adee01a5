"""The page map: every page of the packet in order, and the marks that drive 目录, bookmarks and numbers.

Parts are laid out first (their page counts known), then numbered once here; the 目录, the PDF outline
and the "第 n 页 共 N 页" footers all read this one map, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.packet.layout import Op


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points (x, y lower-left)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class ImageSlot:
    """A prepared JPEG (upright) fitted into a box."""

    path: Path
    pixel_width: int
    pixel_height: int
    gray: bool
    box: Box


@dataclass(frozen=True)
class PdfSlot:
    """A page of an imported PDF placed (not rasterised) into a box."""

    attachment_id: int
    page: Any  # a pypdf PageObject, already opened and decrypted
    box: Box
    label: str


Slot = ImageSlot | PdfSlot


@dataclass
class PlannedPage:
    """One page: drawn operations, evidence placed into slots, optional evidence header and strip."""

    ops: list[Op] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    header: str = ""
    blank: bool = False


@dataclass(frozen=True)
class Mark:
    """A bookmark and 目录 line: its path of titles from the part down, and its page (0-based)."""

    path: tuple[str, ...]
    page: int

    @property
    def level(self) -> int:
        """0 for a part, 1 for a section or tier, 2 for an entry, 3 for a material."""
        return len(self.path) - 1

    @property
    def title(self) -> str:
        """The text shown in the 目录 and the outline."""
        return self.path[-1]


@dataclass
class Part:
    """A part of the packet (封面, 申报表 …) with its pages and marks relative to its first page."""

    key: str
    title: str
    pages: list[PlannedPage]
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class PageMap:
    """The numbered packet: pages in print order and absolute marks."""

    pages: tuple[PlannedPage, ...]
    marks: tuple[Mark, ...]
    part_starts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """Number of pages, blank pages included (they are printed too)."""
        return len(self.pages)

    def number(self, index: int) -> int:
        """The printed number of a page (1-based)."""
        return index + 1

    def start_of(self, key: str) -> int:
        """First page index of a part."""
        return dict(self.part_starts)[key]


def build_page_map(parts: list[Part], duplex: bool) -> PageMap:
    """Concatenate the parts, inserting a blank page before a part that would start on an even page."""
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    starts: list[tuple[str, int]] = []
    for part in parts:
        if not part.pages:
            continue
        if duplex and len(pages) % 2 == 1:
            pages.append(PlannedPage(blank=True))
        start = len(pages)
        starts.append((part.key, start))
        marks.append(Mark((part.title,), start))
        marks.extend(Mark((part.title, *m.path), start + m.page) for m in part.marks)
        pages.extend(part.pages)
    return PageMap(tuple(pages), tuple(marks), tuple(starts))

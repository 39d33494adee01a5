"""Evidence copies: which scans go where, in menu order, and how they sit on their A4 pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain import ApplicationData, Attachment
from desktop_app.formspec.model import FormSet, SectionSpec
from desktop_app.packet.form_pages import entry_label, section_heading
from desktop_app.packet.layout import PAGE_HEIGHT, PAGE_WIDTH
from desktop_app.packet.plan import Box, ImageSlot, Mark, Part, PdfSlot, PlannedPage
from desktop_app.packet.scan_pages import PreparedImage

EVIDENCE_MARGIN_X = 36.0
HEADER_BASELINE = PAGE_HEIGHT - 34.0
CONTENT_TOP = PAGE_HEIGHT - 50.0
STRIP_BOTTOM = 52.0
STRIP_HEIGHT = 40.0
CONTENT_BOTTOM_WITH_STRIP = STRIP_BOTTOM + STRIP_HEIGHT + 10.0
CONTENT_BOTTOM = 52.0
COMMITMENT = "commitment"
ID_FRONT, ID_BACK = "id_card_front", "id_card_back"
OTHER_TITLE = "其他材料"


def content_box(strip: bool) -> Box:
    """The area a scan is fitted into, below the header and above the verification strip."""
    bottom = CONTENT_BOTTOM_WITH_STRIP if strip else CONTENT_BOTTOM
    return Box(EVIDENCE_MARGIN_X, bottom, PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X, CONTENT_TOP - bottom)


def fit(width: float, height: float, box: Box) -> Box:
    """The largest rectangle of this aspect ratio centred in the box (never enlarged beyond 2×)."""
    scale = min(box.w / width, box.h / height)
    w, h = width * scale, height * scale
    return Box(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


@dataclass
class Material:
    """One attachment to print: where it belongs and its pages (prepared images or PDF pages)."""

    attachment: Attachment
    section: SectionSpec | None
    entry: str | None
    title: str
    images: list[PreparedImage] = field(default_factory=list)
    pdf_pages: list[Any] = field(default_factory=list)  # pypdf pages, or PreparedImage where rasterised


def material_title(section: SectionSpec | None, attachment: Attachment) -> str:
    """The kind's label from forms/ (毕业证书 …), else the file's display name without extension."""
    if section is not None:
        for kind in section.attachments:
            if kind.key == attachment.kind:
                return kind.label
    name = attachment.display_name or attachment.original_name
    return Path(name).stem or "证明材料"


def order_attachments(app: ApplicationData, forms: FormSet) -> list[tuple[SectionSpec | None, str | None, Attachment]]:
    """(section, entry label, attachment) in menu order: section-level scans first, then entry by entry."""
    ordered: list[tuple[SectionSpec | None, str | None, Attachment]] = []
    used: set[int] = set()
    by_position = sorted(app.attachments, key=lambda a: (a.position, a.id))
    for section in forms:
        entries = app.section(section.key).entries
        entry_ids = {e.id for e in entries}
        for att in by_position:
            if att.section == section.key and (att.entry_id is None or att.entry_id not in entry_ids):
                ordered.append((section, None, att))
                used.add(att.id)
        for index, entry in enumerate(entries, start=1):
            label = entry_label(section, entry, index) if section.repeatable else None
            for att in by_position:
                if att.entry_id == entry.id and att.id not in used:
                    ordered.append((section, label, att))
                    used.add(att.id)
    for att in by_position:
        if att.id not in used:
            ordered.append((None, None, att))
    return ordered


def _header(section: SectionSpec | None, entry: str | None, title: str) -> str:
    parts = [section_heading(section) if section else OTHER_TITLE, entry or "", title]
    return " · ".join(p for p in parts if p)


def _pages_of(material: Material, strip: bool, header: str) -> list[PlannedPage]:
    box = content_box(strip)
    pages: list[PlannedPage] = []
    for image in material.images:
        slot = ImageSlot(image.path, image.width, image.height, image.gray, fit(image.width, image.height, box))
        pages.append(PlannedPage(slots=[slot], header=header, strip=strip))
    for page in material.pdf_pages:
        if isinstance(page, PreparedImage):  # a PDF page that had to be rasterised (fonts not embedded)
            slot: ImageSlot | PdfSlot = ImageSlot(page.path, page.width, page.height, page.gray,
                                                  fit(page.width, page.height, box))
        else:
            slot = PdfSlot(material.attachment.id, page, box, material.title)
        pages.append(PlannedPage(slots=[slot], header=header, strip=strip))
    return pages


def _id_card_page(front: Material, back: Material, strip: bool, header: str) -> PlannedPage:
    """Front above back on one page, each in half the content area."""
    box = content_box(strip)
    gap = 16.0
    half = (box.h - gap) / 2
    top = Box(box.x, box.y + half + gap, box.w, half)
    bottom = Box(box.x, box.y, box.w, half)
    slots = []
    for material, area in ((front, top), (back, bottom)):
        image = material.images[0]
        slots.append(ImageSlot(image.path, image.width, image.height, image.gray, fit(image.width, image.height, area)))
    return PlannedPage(slots=list(slots), header=header, strip=strip)


def evidence_part(materials: Sequence[Material], strip: bool) -> Part:
    """证明材料: every material's pages with bookmarks section → entry → material."""
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    seen_sections: set[str] = set()
    seen_entries: set[tuple[str, str]] = set()
    titles: dict[tuple[str, str | None, str], int] = {}
    id_front = next((m for m in materials if m.attachment.kind == ID_FRONT and len(m.images) == 1), None)
    id_back = next((m for m in materials if m.attachment.kind == ID_BACK and len(m.images) == 1), None)
    combine_id = id_front is not None and id_back is not None
    for material in materials:
        if combine_id and material is id_back:
            continue
        heading = section_heading(material.section) if material.section else OTHER_TITLE
        title = material.title
        if combine_id and material is id_front:
            title = "身份证（人像面、国徽面）"
        key = (heading, material.entry, title)
        titles[key] = titles.get(key, 0) + 1
        if titles[key] > 1:
            title = f"{title}（{titles[key]}）"
        header = _header(material.section, material.entry, title)
        if combine_id and material is id_front:
            assert id_back is not None
            new_pages = [_id_card_page(material, id_back, strip, header)]
        else:
            new_pages = _pages_of(material, strip, header)
        if not new_pages:
            continue
        if heading not in seen_sections:
            seen_sections.add(heading)
            marks.append(Mark((heading,), len(pages)))
        path: tuple[str, ...] = (heading,)
        if material.entry:
            path = (heading, material.entry)
            if (heading, material.entry) not in seen_entries:
                seen_entries.add((heading, material.entry))
                marks.append(Mark(path, len(pages)))
        marks.append(Mark((*path, title), len(pages)))
        pages.extend(new_pages)
    return Part("evidence", "证明材料", pages, marks)


def commitment_part(materials: Sequence[Material], placeholder: Callable[[], PlannedPage]) -> Part:
    """职称申报承诺书: the imported commitment (no verification strip), else the page saying where to get it."""
    pages: list[PlannedPage] = []
    for material in materials:
        pages.extend(_pages_of(material, strip=False, header="职称申报承诺书"))
    if not pages:
        pages = [placeholder()]
    return Part("commitment", "职称申报承诺书", pages)


def blob_paths(attachments: Sequence[Attachment], locate: Callable[[str], Path]) -> Mapping[int, Path]:
    """Attachment id → the stored file of its bytes."""
    return {a.id: locate(a.sha256) for a in attachments}

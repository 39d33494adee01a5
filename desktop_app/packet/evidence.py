"""Evidence copies: which scans go where, in menu order, and how they sit on their A4 pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain import ApplicationData, Attachment
from desktop_app.formspec.model import FormSet, SectionSpec
from desktop_app.packet.form_pages import entry_label, section_heading
from desktop_app.packet.layout import (
    BOLD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    Line,
    Op,
    Rect,
    Text,
    fit_lines,
    width_of,
    wrap,
)
from desktop_app.packet.plan import Box, ImageSlot, Mark, Part, PdfSlot, PlannedPage
from desktop_app.packet.scan_pages import PreparedImage
from desktop_app.packet.seals import SEAL_RADIUS, seal_height, seal_place

EVIDENCE_MARGIN_X = 36.0
HEADER_BASELINE = PAGE_HEIGHT - 34.0
HEADER_SIZE = 10.5
HEADER_LEADING = 13.0
CONTENT_TOP = PAGE_HEIGHT - 50.0
STRIP_BOTTOM = 46.0  # above the page number (drawn at 26 pt)
STRIP_PAD = 8.0
CONTENT_BOTTOM = 52.0
STRIP_OPINION = "经核对，与原件一致"
COMMITMENT = "commitment"
ID_FRONT, ID_BACK = "id_card_front", "id_card_back"
OTHER_TITLE = "其他材料"
STRIP_WIDTH = PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X
SEAL_SLOT = 2 * SEAL_RADIUS + 14


def strip_height(seals: Sequence[str]) -> float:
    """The verification strip holds a whole seal place (label above a 46 mm circle)."""
    return max(seal_height(f"（{s}盖章）", SEAL_SLOT) for s in seals) + 2 * STRIP_PAD if seals else 0.0


def header_lines(text: str) -> tuple[float, list[str]]:
    """The evidence header: shrunk to 9 pt at most, then wrapped (an entry's full name is never cut)."""
    return fit_lines(text, PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X, BOLD, HEADER_SIZE)


def content_box(strip: bool | Sequence[str], header: str = "") -> Box:
    """The area a scan is fitted into, below the header and above the verification strip."""
    seals: Sequence[str] = ("单位",) if strip is True else (strip or ())
    bottom = STRIP_BOTTOM + strip_height(seals) + 10.0 if seals else CONTENT_BOTTOM
    extra = (len(header_lines(header)[1]) - 1) * HEADER_LEADING if header else 0.0
    top = CONTENT_TOP - extra
    return Box(EVIDENCE_MARGIN_X, bottom, PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X, top - bottom)


def header_ops(text: str) -> list[Op]:
    """The header line(s) naming section, entry and material, with a rule under them."""
    size, lines = header_lines(text)
    ops: list[Op] = []
    y = HEADER_BASELINE
    for line in lines:
        ops.append(Text(EVIDENCE_MARGIN_X, y, line, BOLD, size))
        y -= HEADER_LEADING
    rule = y + HEADER_LEADING - 6
    ops.append(Line(EVIDENCE_MARGIN_X, rule, PAGE_WIDTH - EVIDENCE_MARGIN_X, rule, 0.6))
    return ops


def strip_ops(seals: Sequence[str]) -> list[Op]:
    """The reviewer's strip (guide 二、17(2)): 审核意见 “经核对，与原件一致”, 审核人（签名）, 日期 and a seal
    place per sealing unit (two for a dispatched applicant: 劳务派遣公司 and 用人单位)."""
    if not seals:
        return []
    h = strip_height(seals)
    x, y, w = EVIDENCE_MARGIN_X, STRIP_BOTTOM, STRIP_WIDTH
    ops: list[Op] = [Rect(x, y, w, h, 0.8)]
    top = y + h - STRIP_PAD
    for n, seal in enumerate(seals):
        cx = x + w - STRIP_PAD - SEAL_SLOT / 2 - (len(seals) - 1 - n) * SEAL_SLOT  # signing order
        ops.extend(
            seal_place(cx, top, f"（{seal}盖章）", SEAL_SLOT, date=False)
        )  # the strip has its 日期 line
    text_x = x + 10
    lines = [("审核意见：", STRIP_OPINION), ("审核人（签名）：", ""), ("日期：", "　　　　年　　月　　日")]
    limit = x + w - STRIP_PAD - len(seals) * SEAL_SLOT - 6
    base = top - 22
    for label, value in lines:
        ops.append(Text(text_x, base, label, BOLD, 10.5))
        after = text_x + width_of(label, BOLD, 10.5) + 2
        if value:
            ops.append(Text(after, base, value, BOLD if label == "审核意见：" else REGULAR, 10.5))
        else:
            ops.append(Line(after, base - 3, limit, base - 3))
        base -= (h - 2 * STRIP_PAD - 22) / 2.2
    return ops


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
    missing: bool = False  # a required scan not uploaded yet: a draft prints a placeholder page in its place


def material_title(section: SectionSpec | None, attachment: Attachment) -> str:
    """The kind's label from forms/ (毕业证书 …), else the file's display name without extension."""
    if section is not None:
        for kind in section.attachments:
            if kind.key == attachment.kind:
                return kind.label
    name = attachment.display_name or attachment.original_name
    return Path(name).stem or "证明材料"


def order_attachments(
    app: ApplicationData, forms: FormSet
) -> list[tuple[SectionSpec | None, str | None, Attachment]]:
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


MISSING_TEXT = "此处应附：{title}（尚未上传）"


def placeholder_attachment(
    number: int, section: str, entry_id: int | None, kind: str, label: str
) -> Attachment:
    """A stand-in for a required scan that is not uploaded (negative id: no file behind it)."""
    return Attachment(
        id=-number,
        sha256="",
        original_name=label,
        display_name=label,
        kind=kind,
        section=section,
        entry_id=entry_id,
        position=1_000_000 + number,
        media_type="",
        size=0,
    )


def _missing_page(material: Material, header: str) -> PlannedPage:
    """A draft's page where a required scan belongs: a dashed frame saying what goes here."""
    box = content_box((), header)
    text = MISSING_TEXT.format(title=material.title)
    lines = wrap(text, box.w - 60, BOLD, 16)
    mid_y = box.y + box.h / 2 + len(lines) * 12
    ops: list[Op] = [*header_ops(header), Rect(box.x + 10, box.y + 10, box.w - 20, box.h - 20, 1.0, (6, 4))]
    for i, line in enumerate(lines):
        ops.append(Text(box.x + box.w / 2, mid_y - i * 24, line, BOLD, 16, "center"))
    return PlannedPage(ops=ops, header=header)


def _page(slots: list[ImageSlot | PdfSlot], seals: Sequence[str], header: str) -> PlannedPage:
    return PlannedPage(ops=[*header_ops(header), *strip_ops(seals)], slots=slots, header=header)


def _pages_of(material: Material, seals: Sequence[str], header: str) -> list[PlannedPage]:
    if material.missing:
        return [_missing_page(material, header)]
    box = content_box(seals, header)
    pages: list[PlannedPage] = []
    slot: ImageSlot | PdfSlot
    for image in material.images:
        slot = ImageSlot(
            image.path, image.width, image.height, image.gray, fit(image.width, image.height, box)
        )
        pages.append(_page([slot], seals, header))
    for page in material.pdf_pages:
        if isinstance(page, PreparedImage):  # a PDF page that had to be rasterised (fonts not embedded)
            slot = ImageSlot(page.path, page.width, page.height, page.gray, fit(page.width, page.height, box))
        else:
            slot = PdfSlot(material.attachment.id, page, box, material.title)
        pages.append(_page([slot], seals, header))
    return pages


# An ID card's true size (GB/T 14916, ISO/IEC 7810 ID-1) in points.
ID_CARD_W = 85.6 / 25.4 * 72
ID_CARD_H = 54.0 / 25.4 * 72


def _true_size(area: Box, image: PreparedImage) -> Box:
    """The card at 85.6 × 54 mm (turned the way the picture is), centred in its half of the page."""
    w, h = (ID_CARD_W, ID_CARD_H) if image.width >= image.height else (ID_CARD_H, ID_CARD_W)
    return Box(area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h)


def _id_card_page(front: Material, back: Material, seals: Sequence[str], header: str) -> PlannedPage:
    """Front above back on one page, each in half the content area; at true size when both were flattened
    to the card's edges (issue 17), since only then is the picture the card and nothing around it."""
    box = content_box(seals, header)
    gap = 16.0
    half = (box.h - gap) / 2
    top = Box(box.x, box.y + half + gap, box.w, half)
    bottom = Box(box.x, box.y, box.w, half)
    true_size = all(_is_card(m) for m in (front, back))
    slots: list[ImageSlot | PdfSlot] = []
    for material, area in ((front, top), (back, bottom)):
        image = material.images[0]
        place = _true_size(area, image) if true_size else fit(image.width, image.height, area)
        slots.append(ImageSlot(image.path, image.width, image.height, image.gray, place))
    return _page(slots, seals, header)


def _is_card(material: Material) -> bool:
    """Whether the picture is the card alone, straightened to a card's proportions."""
    edit = material.attachment.edits.get("flatten")
    if not isinstance(edit, Mapping) or material.attachment.edits.get("crop"):
        return False
    image = material.images[0]
    shape = max(image.width, image.height) / max(1, min(image.width, image.height))
    return abs(shape - ID_CARD_W / ID_CARD_H) / (ID_CARD_W / ID_CARD_H) < 0.03


def evidence_part(materials: Sequence[Material], seals: Sequence[str]) -> Part:
    """证明材料: every material's pages with bookmarks section → entry → material; `seals` are the units
    whose seal places the verification strip carries (none: no strip)."""
    strip = tuple(seals)
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
        if material.missing:
            return Part("commitment", "职称申报承诺书", [placeholder()])
        pages.extend(_pages_of(material, (), header="职称申报承诺书"))
    if not pages:
        pages = [placeholder()]
    return Part("commitment", "职称申报承诺书", pages)


def blob_paths(attachments: Sequence[Attachment], locate: Callable[[str], Path]) -> Mapping[int, Path]:
    """Attachment id → the stored file of its bytes."""
    return {a.id: locate(a.sha256) for a in attachments}

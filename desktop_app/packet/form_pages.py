"""The generated pages: 封面, 材料目录, the 承诺书 placeholder, the 申报表 and the 专业技术工作总结."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

from desktop_app.domain import ApplicationData, Entry
from desktop_app.formspec.model import FieldSpec, FormSet, SectionSpec
from desktop_app.formspec.types import format_value
from desktop_app.packet.flow import Cell, Flow, Table
from desktop_app.packet.layout import (
    BOLD,
    BOTTOM,
    CONTENT_WIDTH,
    MARGIN_X,
    PAGE_WIDTH,
    REGULAR,
    TOP,
    Line,
    Sheet,
    Text,
    fit_text,
    width_of,
    wrap,
)
from desktop_app.packet.plan import Mark, PageMap, Part, PlannedPage

NUMERALS = "一二三四五六七八九十"
LABEL_SHADE = 0.93
NONE_TEXT = "无"
# A table wider than this sum of print widths would squeeze columns below four characters:
# such sections print each entry as its own label/value grid instead.
MAX_TABLE_WIDTH_UNITS = 10.5
TOC_LEADING = 17.0
TOC_FIRST_PAGE_LINES = int((TOP - BOTTOM - 60) // TOC_LEADING)
TOC_PAGE_LINES = int((TOP - BOTTOM) // TOC_LEADING)

def chinese_number(n: int) -> str:
    """1 → 一, 13 → 十三 (section numbers as the online system writes them)."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def section_heading(section: SectionSpec) -> str:
    """“一、现有职称情况”; 基本信息 and the cover keep their plain titles."""
    if section.is_numbered_section:
        return f"{chinese_number(section.number)}、{section.title}"
    return section.title


def _value(section: SectionSpec, key: str, answers: Mapping[str, object]) -> str:
    if not section.has_field(key):
        return ""
    return format_value(section.field(key), answers.get(key))


def entry_label(section: SectionSpec, entry: Entry, index: int) -> str:
    """“第1条 昆明理工大学”: the entry's number and its first summary value (bookmarks, headers)."""
    label = f"第{index}条"
    for key in section.summary_fields or tuple(f.key for f in section.fields[:1]):
        text = _value(section, key, entry.answers).strip()
        if text and section.field(key).type not in ("date", "year_month", "date_range", "month_range"):
            short = text if len(text) <= 18 else text[:17] + "…"
            return f"{label} {short}"
    return label


# 封面 --------------------------------------------------------------------------------------------


def cover_part(app: ApplicationData, forms: FormSet) -> Part:
    """The cover: who applies for what, with which committee, in which year."""
    basic, cover = app.single("basic"), app.single("cover")
    cover_spec = forms.section("cover")
    year = _value(cover_spec, "year", cover) or f"{app.year}年"
    sheet = Sheet()
    ops = sheet.ops
    mid = PAGE_WIDTH / 2
    ops.append(Text(mid, 640, "职称申报材料", BOLD, 30, "center"))
    ops.append(Text(mid, 600, f"（{year}度）", REGULAR, 14, "center"))
    series = str(cover.get("series") or "")
    track = str(cover.get("track") or "")
    series_text = series if not track or track == series else f"{series}（{track}）"
    title = str(cover.get("title_name") or "")
    tier = str(cover.get("tier") or "")
    rows = [
        ("申报人姓名", str(basic.get("name") or app.person_name)),
        ("工作单位", str(basic.get("unit") or "")),
        ("申报系列", series_text),
        ("申报专业", str(cover.get("specialty") or "")),
        ("申报职称", f"{title}（{tier}）" if title and tier else title),
        ("评审委员会", str(cover.get("committee") or "")),
        ("申报年度", year),
    ]
    label_x, value_x, right = 130.0, 215.0, PAGE_WIDTH - 110
    y = 470.0
    for label, value in rows:
        ops.append(Text(label_x, y, label, BOLD, 13))
        size = fit_text(value, right - value_x - 4, REGULAR, 13, 8)
        ops.append(Text(value_x + 4, y, value, REGULAR, size))
        ops.append(Line(value_x, y - 6, right, y - 6, 0.8))
        y -= 42
    return Part("cover", "封面", [PlannedPage(ops=ops)])


# 材料目录 -----------------------------------------------------------------------------------------


def toc_page_count(lines: int) -> int:
    """Pages the 目录 needs for this many lines (known before any page number is)."""
    if lines <= TOC_FIRST_PAGE_LINES:
        return 1
    return 1 + math.ceil((lines - TOC_FIRST_PAGE_LINES) / TOC_PAGE_LINES)


def toc_placeholder(lines: int) -> Part:
    """Empty 目录 pages, filled once the page map is numbered."""
    return Part("toc", "材料目录", [PlannedPage() for _ in range(toc_page_count(lines))])


def fill_toc(page_map: PageMap) -> None:
    """Draw the 目录 from the page map's marks (the same marks become the PDF outline)."""
    start = page_map.start_of("toc")
    marks = list(page_map.marks)
    count = toc_page_count(len(marks))
    index = 0
    for n in range(count):
        page = page_map.pages[start + n]
        page.ops.clear()
        y = TOP
        if n == 0:
            page.ops.append(Text(PAGE_WIDTH / 2, y - 20, "材料目录", BOLD, 20, "center"))
            y -= 60
        capacity = TOC_FIRST_PAGE_LINES if n == 0 else TOC_PAGE_LINES
        for mark in marks[index : index + capacity]:
            page.ops.extend(_toc_line(mark, page_map.number(mark.page), y))
            y -= TOC_LEADING
        index += capacity


def _toc_line(mark: Mark, number: int, y: float) -> list:
    indent = (0, 18, 36, 54)[min(mark.level, 3)]
    font = BOLD if mark.level == 0 else REGULAR
    size = 11.5 if mark.level == 0 else 10.0
    x = MARGIN_X + indent
    right = MARGIN_X + CONTENT_WIDTH
    num = str(number)
    num_w = width_of(num, REGULAR, size)
    room = right - x - num_w - 24
    title = mark.title
    while width_of(title, font, size) > room and len(title) > 2:
        title = title[:-2] + "…"
    title_w = width_of(title, font, size)
    ops: list = [Text(x, y - size, title, font, size), Text(right, y - size, num, REGULAR, size, "right")]
    dots_from, dots_to = x + title_w + 6, right - num_w - 6
    if dots_to > dots_from:
        ops.append(Line(dots_from, y - size, dots_to, y - size, 0.5, (0.5, 2.5)))
    return ops


# 承诺书 -------------------------------------------------------------------------------------------


def commitment_placeholder(note: str = "") -> PlannedPage:
    """The page that says where the signed 承诺书 comes from (the guide data's note), when none was imported."""
    if not note:
        from desktop_app.reference import load_reference

        note = load_reference().procedure.commitment_note
    flow = Flow()
    flow.title("职称申报承诺书")
    flow.skip(20)
    flow.paragraph(note, size=11.5, leading=22, first_indent=True)
    return PlannedPage(ops=flow.sheets[0].ops)


# 申报表 -------------------------------------------------------------------------------------------


def _printed(section: SectionSpec) -> tuple[list[FieldSpec], list[FieldSpec]]:
    cols = [f for f in section.fields if f.print == "yes"]
    blocks = [f for f in section.fields if f.print == "block"]
    return cols, blocks


def declaration_part(app: ApplicationData, forms: FormSet) -> Part:
    """基本信息, the cover and the 13 sections as ruled tables; empty sections print 无."""
    flow = Flow()
    flow.title("专业技术人员职称申报表")
    name = app.single("basic").get("name") or app.person_name
    flow.sheet.ops.append(Text(MARGIN_X + CONTENT_WIDTH / 2, flow.y - 6, f"申报人：{name}", REGULAR, 11, "center"))
    flow.y -= 26
    marks: list[Mark] = []
    for section in forms:
        heading = section_heading(section)
        flow.continued_title = ""  # a break before the heading is no continuation of anything
        flow.heading(heading)
        flow.continued_title = heading
        marks.append(Mark((heading,), len(flow.sheets) - 1))
        data = app.section(section.key)
        if section.print_layout == "text":
            _text_section(flow, section, data.entries)
        elif section.print_layout == "form":
            answers = data.entries[0].answers if data.entries else {}
            _form_grid(flow, section, answers)
        elif data.not_applicable or not data.entries:
            _none_row(flow)
        else:
            _entries(flow, section, data.entries)
        flow.continued_title = ""
        flow.skip(8)
    return Part("declaration", "申报表", [PlannedPage(ops=s.ops) for s in flow.sheets], marks)


def _none_row(flow: Flow) -> None:
    flow.table(Table((CONTENT_WIDTH,)), [(Cell(NONE_TEXT, align="center"),)])


def _text_section(flow: Flow, section: SectionSpec, entries: tuple[Entry, ...]) -> None:
    has_text = any(str(e.answers.get(f.key) or "").strip() for e in entries for f in section.fields)
    if not has_text:
        _none_row(flow)
        return
    note = f"全文见本材料“{section.title}”部分。"
    flow.table(Table((CONTENT_WIDTH,)), [(Cell(note),)])


def _form_grid(flow: Flow, section: SectionSpec, answers: Mapping[str, object]) -> None:
    """Label/value pairs, two per row; long values take a whole row."""
    label_w = 96.0
    value_w = (CONTENT_WIDTH - 2 * label_w) / 2
    table = Table((label_w, value_w, label_w, value_w), size=9.5, leading=13)
    rows: list[tuple[Cell, ...]] = []
    pending: tuple[Cell, Cell] | None = None
    cols, blocks = _printed(section)
    for spec in cols + blocks:
        text = format_value(spec, answers.get(spec.key))
        label = Cell(spec.printed_label, bold=True, shade=LABEL_SHADE)
        wide = spec.print == "block" or width_of(text, REGULAR, 9.5) > value_w - 8 or len(spec.printed_label) > 7
        if wide:
            if pending:
                rows.append((*pending, Cell(""), Cell("")))
                pending = None
            rows.append((label, Cell(text, span=3)))
        elif pending:
            rows.append((*pending, label, Cell(text)))
            pending = None
        else:
            pending = (label, Cell(text))
    if pending:
        rows.append((*pending, Cell(""), Cell("")))
    flow.table(table, rows)


def _entries(flow: Flow, section: SectionSpec, entries: tuple[Entry, ...]) -> None:
    cols, blocks = _printed(section)
    units = sum(f.print_width for f in cols) + 0.6
    if units > MAX_TABLE_WIDTH_UNITS:
        for index, entry in enumerate(entries, start=1):
            flow.ensure(60)
            flow.table(Table((CONTENT_WIDTH,), size=9.5, leading=13),
                       [(Cell(f"第{index}条", bold=True, shade=0.85),)])
            flow.y += 6  # the grid continues the same ruled block
            _form_grid(flow, section, entry.answers)
        return
    unit = CONTENT_WIDTH / units
    widths = (0.6 * unit, *(f.print_width * unit for f in cols))
    header = (Cell("序号", bold=True, shade=LABEL_SHADE, align="center"),
              *(Cell(f.printed_label, bold=True, shade=LABEL_SHADE, align="center") for f in cols))
    table = Table(widths, header=header, size=8.5, leading=11.5)
    rows: list[tuple[Cell, ...]] = []
    for index, entry in enumerate(entries, start=1):
        rows.append((Cell(str(index), align="center"), *(Cell(format_value(f, entry.answers.get(f.key))) for f in cols)))
        for spec in blocks:
            text = format_value(spec, entry.answers.get(spec.key))
            if text.strip():
                rows.append((Cell(""), Cell(f"{spec.printed_label}：{text}", span=len(cols))))
    flow.table(table, rows)


# 专业技术工作总结 -------------------------------------------------------------------------------------


def summary_part(app: ApplicationData, forms: FormSet) -> Part:
    """The work summary as flowing paragraphs, continued across pages, with the applicant's signature line."""
    section = forms.section("work_summary")
    basic, cover = app.single("basic"), app.single("cover")
    flow = Flow(continued_title=section.title)
    flow.title(section.title)
    who = f"申报人：{basic.get('name') or app.person_name}　　工作单位：{basic.get('unit') or ''}"
    flow.paragraph(who, size=10.5, leading=18)
    if cover.get("title_name"):
        flow.paragraph(f"申报职称：{cover.get('title_name')}", size=10.5, leading=18)
    flow.skip(10)
    answers = app.single("work_summary")
    texts = [format_value(f, answers.get(f.key)) for f in section.fields if f.print != "no"]
    body = "\n".join(t for t in texts if t.strip()) or NONE_TEXT
    flow.paragraph(body, size=11, leading=20, first_indent=True)
    flow.skip(24)
    flow.ensure(30)
    flow.sheet.ops.append(Text(PAGE_WIDTH - MARGIN_X - 250, flow.y - 11, "申报人（签名）：", REGULAR, 11))
    flow.sheet.ops.append(Line(PAGE_WIDTH - MARGIN_X - 160, flow.y - 14, PAGE_WIDTH - MARGIN_X, flow.y - 14))
    flow.y -= 30
    flow.ensure(20)
    flow.sheet.ops.append(Text(PAGE_WIDTH - MARGIN_X - 250, flow.y - 11, "日期：　　　　年　　月　　日", REGULAR, 11))
    return Part("summary", section.title, [PlannedPage(ops=s.ops) for s in flow.sheets])


def generated_texts(app: ApplicationData, forms: FormSet, today: date | None = None) -> list[str]:
    """Every answer that will be printed (for the missing-character check before export)."""
    texts = [app.person_name]
    for section in forms:
        for entry in app.section(section.key).entries:
            for spec in section.fields:
                if spec.print != "no":
                    texts.append(format_value(spec, entry.answers.get(spec.key)))
    return texts


__all__ = [
    "chinese_number",
    "commitment_placeholder",
    "cover_part",
    "declaration_part",
    "entry_label",
    "fill_toc",
    "generated_texts",
    "section_heading",
    "summary_part",
    "toc_placeholder",
    "wrap",
]

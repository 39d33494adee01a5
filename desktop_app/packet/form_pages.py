"""The generated pages: 封面, 材料目录, the 承诺书 placeholder, the 申报表 and the 专业技术工作总结."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from desktop_app.domain import ApplicationData, Entry
from desktop_app.formspec.completeness import condition_holds, is_required
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
    Op,
    Rect,
    Sheet,
    Text,
    fit_lines,
    width_of,
    wrap,
)
from desktop_app.packet.plan import Box, Mark, PageMap, Part, PlannedPage
from desktop_app.packet.seals import SEAL_RADIUS, seal_height, seal_place
from desktop_app.packet.tier_pages import workplace_row

NUMERALS = "一二三四五六七八九十"
LABEL_SHADE = 0.93
NONE_TEXT = "本人无此项"  # only where the applicant chose 无此项
UNFILLED_TEXT = "（尚未填写）"  # a draft's section or required field with nothing yet
MM = 72 / 25.4
PHOTO_W, PHOTO_H = 35 * MM, 49 * MM  # 二寸证件照
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
            return f"{label} {text}"
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
    unit_row = workplace_row(app)
    rows = [
        ("申报人姓名", str(basic.get("name") or app.person_name)),
        unit_row,
        ("申报系列", series_text),
        ("申报专业", str(cover.get("specialty") or "")),
        ("申报职称", f"{title}（{tier}）" if title and tier else title),
        ("评审委员会", str(cover.get("committee") or "")),
        ("联系电话", str(basic.get("mobile") or "")),
        ("申报年度", year),
    ]
    label_x, value_x, right = 110.0, 195.0, PAGE_WIDTH - 90
    y = 480.0
    for label, value in rows:
        size, lines = fit_lines(value, right - value_x - 4, REGULAR, 13)
        ops.append(Text(label_x, y, label, BOLD, 13))
        # Each wrapped line has its own rule 6 pt under it, clear of the next line's characters.
        lead = size + 12
        for n, line in enumerate(lines):
            ops.append(Text(value_x + 4, y - n * lead, line, REGULAR, size))
            ops.append(Line(value_x, y - n * lead - 6, right, y - n * lead - 6, 0.8))
        y -= 36 + (len(lines) - 1) * lead
    return Part("cover", "封面", [PlannedPage(ops=ops)])


# 材料目录 -----------------------------------------------------------------------------------------


def _toc_style(level: int) -> tuple[float, str, float, float]:
    """(x, font, size, room for the title) of a 目录 line at this level (room leaves space for 4 digits)."""
    indent = (0, 18, 36, 54)[min(level, 3)]
    font = BOLD if level == 0 else REGULAR
    size = 11.5 if level == 0 else 10.0
    x = MARGIN_X + indent
    room = MARGIN_X + CONTENT_WIDTH - x - width_of("9999", REGULAR, size) - 24
    return x, font, size, room


def _toc_title_lines(level: int, title: str) -> list[str]:
    _x, font, size, room = _toc_style(level)
    return wrap(title, room, font, size)


def _toc_pages(heights: list[int]) -> list[list[int]]:
    """Which marks go on which 目录 page: a wrapped title stays together on one page."""
    pages: list[list[int]] = [[]]
    used = 0
    for index, lines in enumerate(heights):
        capacity = TOC_FIRST_PAGE_LINES if len(pages) == 1 else TOC_PAGE_LINES
        if used + lines > capacity and pages[-1]:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += lines
    return pages


def toc_entries(parts: list[Part]) -> list[tuple[int, str]]:
    """(level, title) of every 目录 line the parts will give, before any page is numbered."""
    out: list[tuple[int, str]] = []
    for part in parts:
        if part.pages:
            out.append((0, part.title))
            out.extend((m.level + 1, m.title) for m in part.marks)
    return out


def toc_placeholder(entries: list[tuple[int, str]]) -> Part:
    """Empty 目录 pages, filled once the page map is numbered (titles wrap, never cut)."""
    count = len(_toc_pages([len(_toc_title_lines(level, title)) for level, title in entries]))
    return Part("toc", "材料目录", [PlannedPage() for _ in range(count)])


def fill_toc(page_map: PageMap) -> None:
    """Draw the 目录 from the page map's marks (the same marks become the PDF outline)."""
    start = page_map.start_of("toc")
    marks = list(page_map.marks)
    laid = [_toc_title_lines(m.level, m.title) for m in marks]
    for n, indexes in enumerate(_toc_pages([len(lines) for lines in laid])):
        page = page_map.pages[start + n]
        page.ops.clear()
        y = TOP
        if n == 0:
            page.ops.append(Text(PAGE_WIDTH / 2, y - 20, "材料目录", BOLD, 20, "center"))
            y -= 60
        for index in indexes:
            page.ops.extend(_toc_line(marks[index], laid[index], page_map.number(marks[index].page), y))
            y -= TOC_LEADING * len(laid[index])


def _toc_line(mark: Mark, lines: list[str], number: int, y: float) -> list[Op]:
    x, font, size, _room = _toc_style(mark.level)
    right = MARGIN_X + CONTENT_WIDTH
    num = str(number)
    num_w = width_of(num, REGULAR, size)
    ops: list[Op] = []
    for n, line in enumerate(lines):
        ops.append(Text(x, y - size - n * TOC_LEADING, line, font, size))
    last_y = y - size - (len(lines) - 1) * TOC_LEADING
    ops.append(Text(right, last_y, num, REGULAR, size, "right"))
    dots_from, dots_to = x + width_of(lines[-1], font, size) + 6, right - num_w - 6
    if dots_to > dots_from:
        ops.append(Line(dots_from, last_y, dots_to, last_y, 0.5, (0.5, 2.5)))
    return ops


# 承诺书 -------------------------------------------------------------------------------------------


def commitment_placeholder(note: str) -> PlannedPage:
    """The page that says where the signed 承诺书 comes from (the guide data's note), when none was imported."""
    flow = Flow()
    flow.title("职称申报承诺书")
    flow.skip(10)
    flow.paragraph("此处应附：职称申报承诺书（尚未上传）", size=14, leading=24, font=BOLD)
    flow.skip(10)
    flow.paragraph(note, size=11.5, leading=22, first_indent=True)
    return PlannedPage(ops=flow.sheets[0].ops)


# 申报表 -------------------------------------------------------------------------------------------


def _printed(section: SectionSpec) -> tuple[list[FieldSpec], list[FieldSpec]]:
    cols = [f for f in section.fields if f.print == "yes"]
    blocks = [f for f in section.fields if f.print == "block"]
    return cols, blocks


def _applies(spec: FieldSpec, answers: Mapping[str, object], app: ApplicationData) -> bool:
    """A row applies unless the field is conditional, its condition does not hold and it is empty
    (no 自由职业 rows for an employee, no 劳务派遣公司 for a directly employed applicant)."""
    if spec.required_if is None or answers.get(spec.key) not in (None, ""):
        return True
    return condition_holds(spec.required_if, answers, app)


def _shown(spec: FieldSpec, answers: Mapping[str, object], app: ApplicationData) -> str:
    text = format_value(spec, answers.get(spec.key))
    if not text.strip() and is_required(spec, answers, app):
        return UNFILLED_TEXT  # only in a draft: a final packet has every required field
    return text


def _photo_block(flow: Flow, app: ApplicationData, has_photo: bool) -> None:
    """申报人 lines on the left, the photo box (贴照片处, 35×49 mm) or the attached 证件照 on the right."""
    basic, cover = app.single("basic"), app.single("cover")
    top = flow.y
    box = photo_box(top)
    ops = flow.sheet.ops
    ops.append(Rect(box.x, box.y, box.w, box.h, 0.8))
    if not has_photo:
        ops.append(Text(box.x + box.w / 2, box.y + box.h / 2 + 6, "贴照片处", REGULAR, 10, "center"))
        ops.append(
            Text(box.x + box.w / 2, box.y + box.h / 2 - 10, "（二寸免冠照片）", REGULAR, 8.5, "center")
        )
    width = box.x - MARGIN_X - 16
    y = top - 8
    for label, value in (
        ("申报人", basic.get("name") or app.person_name),
        ("申报职称", cover.get("title_name") or ""),
        ("申报年度", f"{app.year}年"),
    ):
        for line in wrap(f"{label}：{value}", width, REGULAR, 11):
            ops.append(Text(MARGIN_X, y - 11, line, REGULAR, 11))
            y -= 20
    flow.y = min(y, box.y) - 12


def photo_box(top: float = TOP - 18 * 2.2) -> Box:
    """Where the applicant's photo goes on the 申报表's first page."""
    return Box(MARGIN_X + CONTENT_WIDTH - PHOTO_W, top - PHOTO_H, PHOTO_W, PHOTO_H)


def declaration_part(app: ApplicationData, forms: FormSet, has_photo: bool = False) -> Part:
    """基本信息, the cover and the 13 sections as ruled tables, the applicant's signature at the end.

    “本人无此项” only where the applicant chose 无此项; a section with nothing yet prints “（尚未填写）”.
    """
    flow = Flow()
    flow.title("专业技术人员职称申报表")
    _photo_block(flow, app, has_photo)
    marks: list[Mark] = []
    for section in forms:
        heading = section_heading(section)
        flow.continued_title = ""  # a break before the heading is no continuation of anything
        data = app.section(section.key)
        keep = 60.0
        if _is_cards(section) and data.entries and not data.not_applicable:
            # The heading goes with the first card (when the card fits a page at all).
            keep = min(_card_height(section, 1, data.entries[0].answers, app), 360.0)
        flow.heading(heading, keep=keep)
        flow.continued_title = heading
        marks.append(Mark((heading,), len(flow.sheets) - 1))
        if section.print_layout == "text":
            _text_section(flow, section, data.entries)
        elif section.print_layout == "form":
            answers = data.entries[0].answers if data.entries else {}
            _form_grid(flow, section, answers, app)
        elif data.not_applicable:
            _none_row(flow, NONE_TEXT)
        elif not data.entries:
            _none_row(flow, UNFILLED_TEXT)
        else:
            _entries(flow, section, data.entries, app)
        flow.continued_title = ""
        flow.skip(8)
    _applicant_signature(flow)
    return Part("declaration", "申报表", [PlannedPage(ops=s.ops) for s in flow.sheets], marks)


DECLARATION_PROMISE = "本人承诺：以上所填内容及所附材料真实、准确，如有不实，本人承担相应责任。"


def _applicant_signature(flow: Flow) -> None:
    flow.skip(10)
    flow.ensure(90)
    flow.paragraph(DECLARATION_PROMISE, size=10.5, leading=18, first_indent=True)
    flow.skip(16)
    ops = flow.sheet.ops
    x = PAGE_WIDTH - MARGIN_X - 250
    ops.append(Text(x, flow.y - 11, "申报人（签名）：", REGULAR, 11))
    ops.append(Line(x + 90, flow.y - 14, PAGE_WIDTH - MARGIN_X, flow.y - 14))
    flow.y -= 30
    ops.append(Text(x, flow.y - 11, "日期：　　　　年　　月　　日", REGULAR, 11))
    flow.y -= 20


def _none_row(flow: Flow, text: str) -> None:
    flow.table(Table((CONTENT_WIDTH,)), [(Cell(text, align="center"),)])


def _text_section(flow: Flow, section: SectionSpec, entries: tuple[Entry, ...]) -> None:
    has_text = any(str(e.answers.get(f.key) or "").strip() for e in entries for f in section.fields)
    if not has_text:
        _none_row(flow, UNFILLED_TEXT)
        return
    note = f"全文见本材料“{section.title}”部分。"
    flow.table(Table((CONTENT_WIDTH,)), [(Cell(note),)])


def _form_grid(flow: Flow, section: SectionSpec, answers: Mapping[str, object], app: ApplicationData) -> None:
    """Label/value pairs, two per row; long values take a whole row; rows that do not apply are left out."""
    label_w = 96.0
    value_w = (CONTENT_WIDTH - 2 * label_w) / 2
    table = Table((label_w, value_w, label_w, value_w), size=9.5, leading=13)
    rows: list[tuple[Cell, ...]] = []
    pending: tuple[Cell, Cell] | None = None
    waiting: list[tuple[Cell, ...]] = []  # whole-row values that come while a half row waits for its pair
    cols, blocks = _printed(section)
    for spec in cols + blocks:
        if not _applies(spec, answers, app):
            continue
        text = _shown(spec, answers, app)
        label = Cell(spec.printed_label, bold=True, shade=LABEL_SHADE)
        wide = (
            spec.print == "block" or width_of(text, REGULAR, 9.5) > value_w - 8 or len(spec.printed_label) > 7
        )
        if wide:
            (waiting if pending else rows).append((label, Cell(text, span=3)))
        elif pending:
            rows.append((*pending, label, Cell(text)))
            rows.extend(waiting)
            pending, waiting = None, []
        else:
            pending = (label, Cell(text))
    if pending:
        rows.append((*pending, Cell(""), Cell("")))
    rows.extend(waiting)
    flow.table(table, rows)


def _card(
    flow: Flow, section: SectionSpec, index: int, answers: Mapping[str, object], app: ApplicationData
) -> None:
    flow.table(
        Table((CONTENT_WIDTH,), size=9.5, leading=13), [(Cell(f"第{index}条", bold=True, shade=0.85),)]
    )
    flow.y += 6  # the grid continues the same ruled block
    _form_grid(flow, section, answers, app)


def _card_height(
    section: SectionSpec, index: int, answers: Mapping[str, object], app: ApplicationData
) -> float:
    """Height of an entry's card, laid out on a scratch page; infinite when it needs more than a page."""
    scratch = Flow()
    start = scratch.y
    _card(scratch, section, index, answers, app)
    return float("inf") if len(scratch.sheets) > 1 else start - scratch.y


def _is_cards(section: SectionSpec) -> bool:
    """Sections too wide for a table print each entry as its own card."""
    cols, _blocks = _printed(section)
    return section.print_layout == "table" and sum(f.print_width for f in cols) + 0.6 > MAX_TABLE_WIDTH_UNITS


def _entries(flow: Flow, section: SectionSpec, entries: tuple[Entry, ...], app: ApplicationData) -> None:
    cols, blocks = _printed(section)
    units = sum(f.print_width for f in cols) + 0.6
    if _is_cards(section):
        heading = flow.continued_title
        for index, entry in enumerate(entries, start=1):
            # A card stays whole on one page when it fits one; a longer card says whose it is on every page.
            height = _card_height(section, index, entry.answers, app)
            if height <= TOP - BOTTOM - 40:
                flow.ensure(height)
            else:
                flow.ensure(120)
            flow.continued_title = f"{heading} 第{index}条"
            _card(flow, section, index, entry.answers, app)
            flow.continued_title = heading
        return
    unit = CONTENT_WIDTH / units
    widths = (0.6 * unit, *(f.print_width * unit for f in cols))
    header = (
        Cell("序号", bold=True, shade=LABEL_SHADE, align="center"),
        *(Cell(f.printed_label, bold=True, shade=LABEL_SHADE, align="center") for f in cols),
    )
    table = Table(widths, header=header, size=8.5, leading=11.5)
    rows: list[tuple[Cell, ...]] = []
    groups: dict[int, int] = {}
    for index, entry in enumerate(entries, start=1):
        first = len(rows)
        rows.append((Cell(str(index), align="center"), *(Cell(_shown(f, entry.answers, app)) for f in cols)))
        for spec in blocks:
            text = format_value(spec, entry.answers.get(spec.key))
            if text.strip():
                rows.append((Cell(""), Cell(f"{spec.printed_label}：{text}", span=len(cols))))
        groups[first] = len(rows) - first  # an entry's rows stay together when they fit a page
    flow.table(table, rows, groups)


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
    body = "\n".join(t for t in texts if t.strip()) or UNFILLED_TEXT
    flow.paragraph(body, size=11, leading=20, first_indent=True)
    flow.skip(24)
    flow.ensure(50)
    flow.sheet.ops.append(Text(PAGE_WIDTH - MARGIN_X - 250, flow.y - 11, "申报人（签名）：", REGULAR, 11))
    flow.sheet.ops.append(Line(PAGE_WIDTH - MARGIN_X - 160, flow.y - 14, PAGE_WIDTH - MARGIN_X, flow.y - 14))
    flow.y -= 30
    flow.sheet.ops.append(
        Text(PAGE_WIDTH - MARGIN_X - 250, flow.y - 11, "日期：　　　　年　　月　　日", REGULAR, 11)
    )
    flow.y -= 24
    _unit_verification(flow)
    return Part("summary", section.title, [PlannedPage(ops=s.ops) for s in flow.sheets])


UNIT_VERIFICATION = "经审核，情况属实。"


def _unit_verification(flow: Flow) -> None:
    """The unit's verification under the summary: opinion, reviewer's signature, seal place over the date."""
    label = "（单位盖章）"
    seal_w = 2 * SEAL_RADIUS + 16
    height = seal_height(label, seal_w) + 50
    flow.ensure(height + 10)
    top = flow.y
    ops = flow.sheet.ops
    ops.append(Rect(MARGIN_X, top - height, CONTENT_WIDTH, height, 0.8))
    ops.append(Text(MARGIN_X + 10, top - 22, "单位审核意见：", BOLD, 11))
    ops.append(
        Text(MARGIN_X + 10 + width_of("单位审核意见：", BOLD, 11), top - 22, UNIT_VERIFICATION, REGULAR, 11)
    )
    ops.append(Text(MARGIN_X + 10, top - 60, "审核人（签名）：", REGULAR, 11))
    ops.append(Line(MARGIN_X + 100, top - 63, MARGIN_X + CONTENT_WIDTH - seal_w - 20, top - 63))
    ops.extend(seal_place(MARGIN_X + CONTENT_WIDTH - 8 - seal_w / 2, top - 40, label, seal_w))
    flow.y = top - height - 6


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

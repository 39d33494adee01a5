"""审核推荐意见: one signature/seal page per tier of the approval chain, and the 公示情况 pages."""

from __future__ import annotations

from datetime import date

from desktop_app.domain import ApplicationData
from desktop_app.errors import UserError
from desktop_app.packet.layout import (
    BOLD,
    BOTTOM,
    CONTENT_WIDTH,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    TOP,
    Line,
    Op,
    Rect,
    Text,
    fit_lines,
    width_of,
    wrap,
)
from desktop_app.packet.plan import Mark, Part, PlannedPage
from desktop_app.packet.seals import SEAL_RADIUS, seal_height, seal_place
from desktop_app.reference import Reference, Tier, approval_chain, publicity_period
from desktop_app.reference.procedure import CITY_HR, DISTRICT_OFFICE

LABEL_W = 118.0
SHADE = 0.93


class ChainUnknownError(UserError):
    """The cover lacks what decides the approval chain."""


def chain_for(app: ApplicationData, reference: Reference | None = None) -> tuple[Tier, ...]:
    """The applicant's approval chain from the cover (unit type, committee level, dispatch, employer's nature)."""
    cover = app.single("cover")
    unit_type = str(cover.get("unit_type") or "")
    level = str(cover.get("committee_level") or "")
    if not unit_type or not level:
        raise ChainUnknownError(
            "无法确定逐级审核的顺序：职称申报封面中的“单位类型”或“评委会级别”没有填写",
            "请先在“职称申报封面”中填写这两项，再生成打印材料",
        )
    try:
        return approval_chain(
            unit_type,
            level,
            str(cover.get("dispatched") or "") == "是",
            str(cover.get("employer_nature") or ""),
            procedure=reference.procedure if reference is not None else None,
        )
    except ValueError as exc:
        raise ChainUnknownError(str(exc), "请核对“职称申报封面”中的单位类型和劳务派遣情况") from exc


def organisation(tier: Tier, app: ApplicationData, reference: Reference) -> str:
    """The name of the body that signs for this tier, when the application tells it (procedure.toml)."""
    if tier.organisation == CITY_HR:
        return reference.procedure.city_hr
    if tier.organisation == DISTRICT_OFFICE:
        district = str(app.single("cover").get("district") or "")
        for office in reference.offices:
            if district and office.area == district:
                return office.name
        return ""
    section, _, key = tier.organisation.partition(".")
    value = app.single(section).get(key) if key else None
    if not value and tier.key == "employer":
        value = app.single("basic").get("unit")  # answered before 用人单位名称 was asked
    return str(value or "")


def _plain(name: str) -> str:
    """A tier name without its inner brackets, for use inside brackets (no “（单位（或…））”)."""
    return name.replace("（", "").replace("）", "")


def tier_title(tier: Tier) -> str:
    """The bookmark and heading of a tier's page."""
    if tier.is_unit_tier:
        return f"基层单位意见（{_plain(tier.name)}）"
    return f"{tier.name}审核意见"


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


BLANK_PERIOD = "　　　年　　月　　日至　　　年　　月　　日（共　　个工作日）"


def publicity_text(app: ApplicationData) -> str:
    """The period as the unit's publicity page prints it: dates when known, blanks to fill in by hand otherwise.

    Nothing is addressed to the applicant here: the unit signs this page, so no “暂定” either (that is for
    the applicant: wizard, review page, check).
    """
    raw = str(app.single("cover").get("publicity_start") or "")
    try:
        start = date.fromisoformat(raw)
    except ValueError:
        return BLANK_PERIOD
    period = publicity_period(start)
    return f"{_date(start)}至{_date(period.end)}（共 {period.workdays} 个工作日）"


def workplace_row(app: ApplicationData) -> tuple[str, str]:
    """(label, value) of the applicant's unit: a freelancer has no 工作单位, the recommending agency or
    association stands in its place (二、2)."""
    basic = app.single("basic")
    if str(basic.get("is_freelancer") or "") == "是":
        return "推荐机构", str(basic.get("recommending_agency") or "")
    return "工作单位", str(basic.get("unit") or "")


def _centred_lines(text: str, y: float, size: float = 11.0) -> tuple[list[Op], float]:
    """A centred subtitle: shrunk to 9 pt at most, then wrapped over as many lines as it needs."""
    fitted, lines = fit_lines(text, CONTENT_WIDTH, REGULAR, size)
    ops: list[Op] = []
    for line in lines:
        ops.append(Text(PAGE_WIDTH / 2, y - fitted, line, REGULAR, fitted, "center"))
        y -= fitted + 4
    return ops, y


def _cell(
    x: float, y: float, w: float, h: float, lines: list[str], font: str, size: float, shade: float | None
) -> list[Op]:
    ops: list[Op] = [Rect(x, y - h, w, h, fill=shade)]
    lead = size + 3
    top = y - (h - len(lines) * lead) / 2 - size + 1
    for i, line in enumerate(lines):
        ops.append(Text(x + 4, top - i * lead, line, font, size))
    return ops


def _info_rows(app: ApplicationData, y: float) -> tuple[list[Op], float]:
    """申报人, 申报职称, 工作单位 (a freelancer: 推荐机构) and 评审委员会; cells grow with long names."""
    basic, cover = app.single("basic"), app.single("cover")
    label_w = 70.0
    value_w = (CONTENT_WIDTH - 2 * label_w) / 2
    unit_row = workplace_row(app)
    rows = [
        [
            ("申报人", label_w, True),
            (str(basic.get("name") or app.person_name), value_w, False),
            ("申报职称", label_w, True),
            (str(cover.get("title_name") or ""), value_w, False),
        ],
        [(unit_row[0], label_w, True), (unit_row[1], CONTENT_WIDTH - label_w, False)],
        [("评审委员会", label_w, True), (str(cover.get("committee") or ""), CONTENT_WIDTH - label_w, False)],
    ]
    ops: list[Op] = []
    for row in rows:
        laid = []
        for text, w, is_label in row:
            font = BOLD if is_label else REGULAR
            size, lines = fit_lines(text, w - 8, font, 10)
            laid.append((w, lines, font, size, is_label))
        h = max(22.0, max(len(lines) * (size + 3) + 8 for _w, lines, _f, size, _l in laid))
        x = MARGIN_X
        for w, lines, font, size, is_label in laid:
            ops.extend(_cell(x, y, w, h, lines, font, size, SHADE if is_label else None))
            x += w
        y -= h
    return ops, y


def _label_cell(label: str, height: float, y: float) -> list[Op]:
    ops: list[Op] = [Rect(MARGIN_X, y - height, LABEL_W, height, fill=SHADE)]
    lines = wrap(label, LABEL_W - 10, BOLD, 10)
    top = y - (height - len(lines) * 13) / 2 - 10
    for i, line in enumerate(lines):
        ops.append(Text(MARGIN_X + LABEL_W / 2, top - i * 13, line, BOLD, 10, "center"))
    return ops


def _text_row(label: str, text: str, y: float, minimum: float) -> tuple[list[Op], float]:
    """A labelled row whose printed value (if any) wraps; the row grows to hold it."""
    width = CONTENT_WIDTH - LABEL_W - 14
    lines = [ln for part in text.split("\n") for ln in wrap(part, width, REGULAR, 10)] if text else []
    height = max(minimum, len(lines) * 14 + 12)
    ops = _label_cell(label, height, y)
    ops.append(Rect(MARGIN_X + LABEL_W, y - height, CONTENT_WIDTH - LABEL_W, height))
    for i, line in enumerate(lines):
        ops.append(Text(MARGIN_X + LABEL_W + 7, y - 16 - i * 14, line, REGULAR, 10))
    return ops, y - height


def _signed_box(
    label: str, y: float, height: float, signers: tuple[str, ...], seals: tuple[str, ...]
) -> tuple[list[Op], float]:
    """A labelled opinion box; at its foot the signature lines (left) and the seal places (right)."""
    seal_w = 2 * SEAL_RADIUS + 16
    value_x = MARGIN_X + LABEL_W
    right = MARGIN_X + CONTENT_WIDTH
    seal_h = max(seal_height(f"（{s}盖章）", seal_w) for s in seals)
    sign_right = right - 8 - len(seals) * (seal_w + 4)
    widest = max(width_of(f"{who}：", REGULAR, 10.5) for who in signers) + 60
    # Signatures beside the seal places when there is room, else above them (two seals: 双盖章).
    stacked = sign_right - value_x - 8 < widest
    foot = seal_h + 14 + len(signers) * 30 + 6 if stacked else max(seal_h + 14, len(signers) * 30 + 20)
    if stacked:
        sign_right = right - 8
    height = max(height, foot + 80)
    ops = _label_cell(label, height, y)
    ops.append(Rect(value_x, y - height, CONTENT_WIDTH - LABEL_W, height))
    bottom = y - height
    # Seal places side by side from the right edge; signatures take the width left of them.
    for n, seal in enumerate(seals):
        cx = right - 8 - seal_w / 2 - (len(seals) - 1 - n) * (seal_w + 4)  # in signing order, left to right
        ops.extend(seal_place(cx, bottom + 8 + seal_h, f"（{seal}盖章）", seal_w))
    for i, who in enumerate(signers):
        base = bottom + foot - 24 - i * 30
        text = f"{who}："
        ops.append(Text(value_x + 8, base, text, REGULAR, 10.5))
        line_from = value_x + 8 + width_of(text, REGULAR, 10.5) + 2
        ops.append(Line(line_from, base - 3, max(line_from + 40, sign_right), base - 3))
    return ops, bottom


def _page_head(title: str, subtitle: str, app: ApplicationData) -> tuple[list[Op], float]:
    ops: list[Op] = [Text(PAGE_WIDTH / 2, TOP - 18, title, BOLD, 18, "center")]
    y = TOP - 30.0
    if subtitle:
        sub, y = _centred_lines(subtitle, y)
        ops.extend(sub)
    y -= 8
    info, y = _info_rows(app, y)
    ops.extend(info)
    return ops, y - 8


def unit_seals(app: ApplicationData, unit_name: str = "单位") -> tuple[str, ...]:
    """Whose seals a unit's page carries: both units for a dispatched applicant (双盖章, 二、18)."""
    if str(app.single("cover").get("dispatched") or "") == "是":
        return ("劳务派遣公司", "用人单位")
    return (unit_name,)


def _seal_owners(tier: Tier, app: ApplicationData) -> tuple[str, ...]:
    """Who seals a tier's page: the unit tier as `unit_seals`, every other tier its own seal."""
    return unit_seals(app, _plain(tier.name)) if tier.is_unit_tier else (_plain(tier.name),)


def _subtitle(tier: Tier, org: str) -> str:
    if tier.is_unit_tier:
        return f"（{_plain(tier.name)}：{org}）" if org else f"（{_plain(tier.name)}）"
    return f"（{org}）" if org else ""


# The unit's own rows (guide 五、（三）5: 推荐方式、参与推荐的人员范围及人数、意见形成情况及公示情况).
UNIT_ROWS: tuple[str, ...] = ("推荐方式", "参与推荐的人员范围及人数", "意见形成情况")
THIRD_OF_PAGE = PAGE_HEIGHT / 3


def tier_page(tier: Tier, app: ApplicationData, reference: Reference) -> PlannedPage:
    """One tier's page: the opinion box with 审核人（签名）, the date and the seal place (unit tier:
    基层单位意见 with the unit's rows, 单位负责人 and an opinion box of at least a third of a page)."""
    org = organisation(tier, app, reference)
    title = "基层单位意见" if tier.is_unit_tier else f"{tier.name}审核意见"
    ops, y = _page_head(title, _subtitle(tier, org), app)
    seals = _seal_owners(tier, app)
    if tier.is_unit_tier:
        for label in UNIT_ROWS:
            row, y = _text_row(label, "", y, 34.0)
            ops.extend(row)
        place = str(app.single("cover").get("publicity_place") or "")
        facts = f"公示期：{publicity_text(app)}" + (f"\n公示地点：{place}" if place else "")
        row, y = _text_row("公示情况", facts, y, 40.0)
        ops.extend(row)
        room = y - BOTTOM
        box, y = _signed_box(
            "推荐意见（对申报人专业技术工作的评价）",
            y,
            max(THIRD_OF_PAGE + 4, room),
            ("审核人（签名）", "单位负责人（签名）"),
            seals,
        )
    else:
        box, y = _signed_box("审核意见", y, max(THIRD_OF_PAGE + 4, y - BOTTOM), ("审核人（签名）",), seals)
    ops.extend(box)
    return PlannedPage(ops=ops)


def tiers_part(app: ApplicationData, reference: Reference) -> Part:
    """审核推荐意见: the chain's pages in order."""
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    for tier in chain_for(app, reference):
        marks.append(Mark((tier_title(tier),), len(pages)))
        pages.append(tier_page(tier, app, reference))
    return Part("tiers", "审核推荐意见", pages, marks)


PUBLICITY_CONTENT = "申报人员的学历、资历条件及学术、业绩成果等"
PUBLICITY_RESULT_BLANK = "□ 公示期满，无异议　　　□ 有异议（处理情况另附）"


def publicity_part(app: ApplicationData, reference: Reference) -> Part:
    """公示情况: one page per publishing unit (劳务派遣: the dispatch company and the employer both)."""
    units = [t for t in chain_for(app, reference) if t.is_unit_tier]
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    cover = app.single("cover")
    for tier in units:
        org = organisation(tier, app, reference)
        ops, y = _page_head("公示情况", _subtitle(tier, org), app)
        rows = (
            ("公示内容", PUBLICITY_CONTENT, 34.0),
            ("公示方式", str(cover.get("publicity_method") or ""), 34.0),
            ("公示地点", str(cover.get("publicity_place") or ""), 34.0),
            ("公示期", publicity_text(app), 34.0),
            ("异议受理部门及电话", str(cover.get("publicity_objection_contact") or ""), 40.0),
            ("公示结果", str(cover.get("publicity_result") or "") or PUBLICITY_RESULT_BLANK, 34.0),
        )
        for label, text, height in rows:
            row, y = _text_row(label, text, y, height)
            ops.extend(row)
        box, y = _signed_box(
            "公示单位意见", y, max(200.0, y - BOTTOM), ("公示负责人（签名）",), (_plain(tier.name),)
        )
        ops.extend(box)
        if len(units) > 1:
            marks.append(Mark((f"公示情况（{_plain(tier.name)}）",), len(pages)))
        pages.append(PlannedPage(ops=ops))
    return Part("publicity", "公示情况", pages, marks)

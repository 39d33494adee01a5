"""审核推荐意见: one signature/seal page per tier of the approval chain, and the 公示情况 pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop_app.domain import ApplicationData
from desktop_app.errors import UserError
from desktop_app.packet.layout import (
    BOLD,
    CONTENT_WIDTH,
    MARGIN_X,
    PAGE_WIDTH,
    REGULAR,
    TOP,
    Circle,
    Line,
    Op,
    Rect,
    Text,
    fit_text,
    width_of,
    wrap,
)
from desktop_app.packet.plan import Mark, Part, PlannedPage
from desktop_app.reference import Reference, Tier, approval_chain, publicity_period
from desktop_app.reference.procedure import CITY_HR, DISTRICT_OFFICE

LABEL_W = 118.0
SHADE = 0.93
# What the guide asks the unit to state in its 基层单位意见 (五、（三）5), in its order.
UNIT_ROWS: tuple[tuple[str, float], ...] = (
    ("对申报人专业技术工作的评价", 112.0),
    ("推荐方式", 44.0),
    ("参与推荐的人员范围及人数", 44.0),
    ("推荐意见", 56.0),
    ("意见形成情况", 44.0),
    ("公示情况", 50.0),
    ("审核意见", 62.0),
)


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
        return approval_chain(unit_type, level, str(cover.get("dispatched") or "") == "是",
                              str(cover.get("employer_nature") or ""),
                              procedure=reference.procedure if reference is not None else None)
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


def tier_title(tier: Tier) -> str:
    """The bookmark and heading of a tier's page."""
    if tier.is_unit_tier:
        return f"基层单位意见（{tier.name}）"
    return f"{tier.name}审核意见"


def publicity_text(app: ApplicationData) -> tuple[str, str]:
    """(period line, note) for the unit's publicity of at least 5 working days (二、18)."""
    raw = str(app.single("cover").get("publicity_start") or "")
    try:
        start = date.fromisoformat(raw)
    except ValueError:
        return "公示开始日期未填写，请按实际公示时间填写：　　　年　　月　　日至　　　年　　月　　日", ""
    period = publicity_period(start)
    line = (f"{start.year}年{start.month}月{start.day}日至{period.end.year}年{period.end.month}月{period.end.day}日"
            f"（共 {period.workdays} 个工作日）")
    # “暂定” (make-up working days not yet published) is for the applicant (wizard, review page), never
    # on a page the committee reads; the end date never falls on a statutory holiday.
    return line, "" if period.provisional else period.note


def _workplace_row(basic: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    # A freelancer has no 工作单位: the recommending agency or association stands in its place (二、2).
    if basic.get("is_freelancer") == "是" and not basic.get("unit"):
        return [("推荐机构", 70.0, True), (str(basic.get("recommending_agency") or ""), CONTENT_WIDTH - 70, False)]
    return [("工作单位", 70.0, True), (str(basic.get("unit") or ""), CONTENT_WIDTH - 70, False)]


def _info_rows(app: ApplicationData, y: float) -> tuple[list[Op], float]:
    basic, cover = app.single("basic"), app.single("cover")
    value_w = (CONTENT_WIDTH - 2 * 70) / 2
    rows = [
        [("申报人", 70.0, True), (str(basic.get("name") or app.person_name), value_w, False),
         ("申报职称", 70.0, True), (str(cover.get("title_name") or ""), value_w, False)],
        _workplace_row(basic),
        [("评审委员会", 70.0, True), (str(cover.get("committee") or ""), CONTENT_WIDTH - 70, False)],
    ]
    ops: list[Op] = []
    h = 22.0
    for row in rows:
        x = MARGIN_X
        for text, w, is_label in row:
            ops.append(Rect(x, y - h, w, h, fill=SHADE if is_label else None))
            font = BOLD if is_label else REGULAR
            size = fit_text(text, w - 8, font, 10, 6.5)
            ops.append(Text(x + 4, y - h / 2 - size * 0.35, text, font, size))
            x += w
        y -= h
    return ops, y


def _labelled_box(label: str, height: float, y: float, hint: str = "") -> list[Op]:
    ops: list[Op] = [
        Rect(MARGIN_X, y - height, LABEL_W, height, fill=SHADE),
        Rect(MARGIN_X + LABEL_W, y - height, CONTENT_WIDTH - LABEL_W, height),
    ]
    lines = wrap(label, LABEL_W - 10, BOLD, 10)
    top = y - (height - len(lines) * 13) / 2 - 10
    for i, line in enumerate(lines):
        ops.append(Text(MARGIN_X + LABEL_W / 2, top - i * 13, line, BOLD, 10, "center"))
    if hint:
        for i, line in enumerate(wrap(hint, CONTENT_WIDTH - LABEL_W - 12, REGULAR, 8.5)[:3]):
            ops.append(Text(MARGIN_X + LABEL_W + 6, y - 12 - i * 11, line, REGULAR, 8.5))
    return ops


def _signature(y: float, who: str, seal_label: str) -> list[Op]:
    """Signature and date lines on the left, a dashed circle marking where the seal goes on the right."""
    left = MARGIN_X + 10
    label = f"{who}："
    line_from = left + width_of(label, REGULAR, 11) + 4
    ops: list[Op] = [
        Text(left, y - 26, label, REGULAR, 11),
        Line(line_from, y - 29, line_from + 150, y - 29),
        Text(left, y - 62, "日期：　　　　年　　月　　日", REGULAR, 11),
    ]
    cx, cy, r = MARGIN_X + CONTENT_WIDTH - 70, y - 50, 44.0
    ops.append(Circle(cx, cy, r, 0.8, (3, 3)))
    ops.append(Text(cx, cy + 2, "（盖章）", REGULAR, 10, "center"))
    ops.append(Text(cx, cy - 12, seal_label, REGULAR, fit_text(seal_label, 2 * r - 8, REGULAR, 7.5, 4.5), "center"))
    return ops


def tier_page(tier: Tier, app: ApplicationData, reference: Reference) -> PlannedPage:
    """One tier's page: 审核意见 box, 审核人（签名）, 日期 and the seal area (unit tier: 基层单位意见)."""
    ops: list[Op] = []
    mid = PAGE_WIDTH / 2
    y = TOP
    if tier.is_unit_tier:
        ops.append(Text(mid, y - 18, "基层单位意见", BOLD, 18, "center"))
        subtitle = f"（{tier.name}）"
    else:
        ops.append(Text(mid, y - 18, f"{tier.name}审核意见", BOLD, 18, "center"))
        subtitle = ""
    org = organisation(tier, app, reference)
    if subtitle:
        sub = f"{subtitle[:-1]}：{org}）" if org else subtitle
    else:
        sub = f"（{org}）" if org else ""
    ops.append(Text(mid, y - 40, sub, REGULAR, fit_text(sub, CONTENT_WIDTH, REGULAR, 11, 7), "center"))
    y -= 58
    info, y = _info_rows(app, y)
    ops.extend(info)
    y -= 8
    if tier.is_unit_tier:
        period, _note = publicity_text(app)
        place = str(app.single("cover").get("publicity_place") or "")
        hint = f"公示期：{period}" + (f"；公示地点：{place}" if place else "")
        for label, height in UNIT_ROWS:
            ops.extend(_labelled_box(label, height, y, hint if label == "公示情况" else ""))
            y -= height
    else:
        ops.extend(_labelled_box("审核意见", 330.0, y))
        y -= 330.0
    ops.extend(_signature(y - 6, "审核人（签名）", f"{org or tier.name}盖章处"))
    return PlannedPage(ops=ops)


def tiers_part(app: ApplicationData, reference: Reference) -> Part:
    """审核推荐意见: the chain's pages in order."""
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    for tier in chain_for(app, reference):
        marks.append(Mark((tier_title(tier),), len(pages)))
        pages.append(tier_page(tier, app, reference))
    return Part("tiers", "审核推荐意见", pages, marks)


def publicity_part(app: ApplicationData, reference: Reference) -> Part:
    """公示情况: one page per publishing unit (劳务派遣: the dispatch company and the employer both)."""
    units = [t for t in chain_for(app, reference) if t.is_unit_tier]
    pages: list[PlannedPage] = []
    marks: list[Mark] = []
    period, _note = publicity_text(app)
    place = str(app.single("cover").get("publicity_place") or "")
    for tier in units:
        ops: list[Op] = []
        mid = PAGE_WIDTH / 2
        y = TOP
        ops.append(Text(mid, y - 18, "公示情况", BOLD, 18, "center"))
        org = organisation(tier, app, reference)
        sub = f"（{tier.name}：{org}）" if org else f"（{tier.name}）"
        ops.append(Text(mid, y - 40, sub, REGULAR, fit_text(sub, CONTENT_WIDTH, REGULAR, 11, 7), "center"))
        y -= 58
        info, y = _info_rows(app, y)
        ops.extend(info)
        y -= 8
        rows = (
            ("公示内容", 50.0, "申报人的学历、资历条件及学术、业绩成果等（公示期不少于5个工作日，"
                             f"{reference.procedure.guide_title}二、18）"),
            ("公示地点", 40.0, place or ""),
            ("公示期", 70.0, period),
            ("公示结果", 150.0, "□ 公示期满，无异议　　　□ 有异议（处理情况另附）"),
        )
        for label, height, text in rows:
            ops.extend(_labelled_box(label, height, y))
            lines = [ln for part in text.split("\n") for ln in wrap(part, CONTENT_WIDTH - LABEL_W - 14, REGULAR, 10)]
            for i, line in enumerate(lines[: int(height // 14)]):
                ops.append(Text(MARGIN_X + LABEL_W + 7, y - 16 - i * 14, line, REGULAR, 10))
            y -= height
        ops.extend(_signature(y - 6, "公示负责人（签名）", f"{org or tier.name}盖章处"))
        if len(units) > 1:
            marks.append(Mark((f"公示情况（{tier.name}）",), len(pages)))
        pages.append(PlannedPage(ops=ops))
    return Part("publicity", "公示情况", pages, marks)

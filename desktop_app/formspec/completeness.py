"""The one completeness check: every missing or invalid item, by section, entry and field.

The wizard's Next button, the review page, the CLI `check` and export all call `find_problems`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from desktop_app.domain import ApplicationData, Entry
from desktop_app.formspec.crossfield import cross_field_problems
from desktop_app.formspec.dynamic import dynamic_choices, suggested_committees
from desktop_app.formspec.findings import ERROR, WARNING, FieldRef, Finding
from desktop_app.formspec.model import AttachmentKind, Condition, FieldSpec, FormSet, SectionSpec
from desktop_app.formspec.types import check_value
from desktop_app.reference import Reference, annual_review_years, eligibility_findings, publicity_period
from desktop_app.reference.procedure import DISTRICT_OFFICE, Procedure

# Finding lives in its own module so the cross-field rules can build them; re-exported here for callers.
__all__ = ["ERROR", "WARNING", "FieldRef", "Finding", "errors_only", "find_problems", "percent_complete"]

_ABBREVIATED_ENDINGS = re.compile(r"(?<!大)大$|师大$|理工$|工大$|医大$|农大$|财大$|科大$")


def abbreviation_hint(text: str, known: Mapping[str, str] | None = None) -> str:
    """A Chinese hint when a school, unit or journal name looks abbreviated, else "".

    `known` are the guide data's short forms (procedure.toml [abbreviations]); the active edition's by default.
    """
    name = text.strip()
    if not name:
        return ""
    if known is None:
        from desktop_app.reference.data import load_reference

        known = load_reference().procedure.abbreviations
    for short, full in known.items():
        if name == short or (short in name and full not in name and len(short) >= 3):
            return f"“{name}”像是简称（{short} → {full}）：请填写全称，申报系统要求不得使用简称"
    if len(name) <= 3 or _ABBREVIATED_ENDINGS.search(name):
        return f"“{name}”像是简称：请填写全称，申报系统要求不得使用简称"
    return ""


def condition_holds(cond: Condition, entry: Mapping[str, Any], app: ApplicationData) -> bool:
    """Whether a required_if condition is met for this entry."""
    if "." in cond.field:
        section, _, key = cond.field.partition(".")
        value = app.value(section, key)
    else:
        value = entry.get(cond.field)
    return value is not None and str(value) in cond.values


def is_required(spec: FieldSpec, entry: Mapping[str, Any], app: ApplicationData) -> bool:
    """Whether a field must be filled in this entry."""
    if spec.derived:
        return False
    if spec.required:
        return True
    return spec.required_if is not None and condition_holds(spec.required_if, entry, app)


def find_problems(
    app: ApplicationData,
    forms: FormSet,
    reference: Reference,
    *,
    today: date | None = None,
    scan_sizes: Mapping[str, tuple[int, int]] | None = None,
) -> list[Finding]:
    """Every missing or invalid item, in menu order; errors and warnings.

    `scan_sizes` (pixel width and height of image scans by SHA-256, when the caller can read them) adds
    the 清晰度不足 warnings.
    """
    findings: list[Finding] = []
    cover = app.single("cover")
    for section in forms:
        data = app.section(section.key)
        findings.extend(
            _section_problems(section, data.entries, data.not_applicable, app, cover, reference, today)
        )
    findings.extend(_eligibility(app, forms, today or date.today()))
    findings.extend(_cover_consistency(app, forms, reference))
    findings.extend(_chain_needs(app, forms, reference))
    findings.extend(_provisional_publicity(app, forms))
    findings.extend(cross_field_problems(app, forms, reference, today))
    findings.extend(_annual_reviews(app, forms))
    findings.extend(_required_attachments(app, forms))
    if scan_sizes:
        findings.extend(_low_resolution(app, forms, scan_sizes))
    return findings


def errors_only(findings: list[Finding]) -> list[Finding]:
    """The findings that block submission."""
    return [f for f in findings if f.is_error]


def _finding(
    section: SectionSpec,
    entry: int | None,
    entry_id: int | None,
    spec: FieldSpec | None,
    message: str,
    severity: str = ERROR,
    missing: bool = False,
) -> Finding:
    return Finding(
        section=section.key,
        section_title=section.title,
        entry=entry,
        entry_id=entry_id,
        field=spec.key if spec else None,
        field_label=spec.label if spec else "",
        message=message,
        severity=severity,
        missing=missing,
    )


def _section_problems(
    section: SectionSpec,
    entries: tuple[Entry, ...],
    not_applicable: bool,
    app: ApplicationData,
    cover: Mapping[str, Any],
    reference: Reference,
    today: date | None,
) -> list[Finding]:
    out: list[Finding] = []
    if section.repeatable:
        if not_applicable and not section.allow_not_applicable:
            out.append(_finding(section, None, None, None, "本项必须填写，不能标记为“无此项”"))
        if not_applicable and entries:
            out.append(
                _finding(
                    section,
                    None,
                    None,
                    None,
                    "已标记为“无此项”，但仍有已填写的条目：请删除这些条目或取消“无此项”",
                    WARNING,
                )
            )
        if not not_applicable:
            if not entries and section.allow_not_applicable:
                out.append(
                    _finding(
                        section,
                        None,
                        None,
                        None,
                        "尚未填写：如有相应材料请点击“新增”，如没有请标记为“无此项”",
                        missing=True,
                    )
                )
            elif len(entries) < section.min_entries:
                out.append(
                    _finding(
                        section,
                        None,
                        None,
                        None,
                        f"至少需要填写 {section.min_entries} 条，目前只有 {len(entries)} 条",
                        missing=True,
                    )
                )
    if not_applicable and section.allow_not_applicable:
        return out
    rows = entries if section.repeatable else (entries[:1] or (Entry(id=0, position=0, answers={}),))
    for entry in rows:
        number = entry.position + 1 if section.repeatable else None
        entry_id = entry.id or None
        if entry.review_note:
            out.append(_finding(section, number, entry_id, None, entry.review_note, WARNING))
        for spec in section.fields:
            out.extend(_field_problems(section, spec, entry, number, entry_id, app, cover, reference, today))
    return out


def _field_problems(
    section: SectionSpec,
    spec: FieldSpec,
    entry: Entry,
    number: int | None,
    entry_id: int | None,
    app: ApplicationData,
    cover: Mapping[str, Any],
    reference: Reference,
    today: date | None,
) -> list[Finding]:
    value = entry.answers.get(spec.key)
    if value is None or value == "":
        if is_required(spec, entry.answers, app):
            return [_finding(section, number, entry_id, spec, "必填项，尚未填写", missing=True)]
        return []
    if spec.derived:
        return []
    checked = check_value(spec, value, today)
    if not checked.ok:
        return [_finding(section, number, entry_id, spec, checked.error)]
    out = [_finding(section, number, entry_id, spec, w, WARNING) for w in checked.warnings]
    if spec.choices_from:
        allowed = dynamic_choices(
            spec, entry.answers, cover if section.key != "cover" else entry.answers, reference
        )
        if allowed is not None and str(value) not in allowed and not spec.choices_editable:
            out.append(
                _finding(
                    section,
                    number,
                    entry_id,
                    spec,
                    f"“{value}”不在{reference.procedure.guide_title}的可选范围内：请重新选择",
                )
            )
    if spec.full_name:
        hint = abbreviation_hint(str(value), reference.procedure.abbreviations)
        if hint:
            out.append(_finding(section, number, entry_id, spec, hint, WARNING))
    return out


def _eligibility(app: ApplicationData, forms: FormSet, today: date) -> list[Finding]:
    basic = app.single("basic")
    section = forms.section("basic")
    freelance_years: float | None = None
    started = basic.get("freelance_started_on")
    if basic.get("is_freelancer") == "是" and isinstance(started, str) and len(started) >= 7:
        year, month = int(started[:4]), int(started[5:7])
        cutoff = today
        freelance_years = (cutoff.year - year) + (cutoff.month - month) / 12
    messages = eligibility_findings(
        is_civil_servant=basic.get("is_civil_servant") == "是",
        is_retired=basic.get("is_retired") == "是",
        is_freelancer=basic.get("is_freelancer") == "是",
        freelance_years=freelance_years,
        has_recommending_agency=bool(basic.get("recommending_agency")),
    )
    return [_finding(section, None, None, None, m) for m in messages]


def _cover_consistency(app: ApplicationData, forms: FormSet, reference: Reference) -> list[Finding]:
    cover = app.single("cover")
    section = forms.section("cover")
    out: list[Finding] = []
    series, title = cover.get("series"), cover.get("title_name")
    if series and title:
        tier = reference.tier_of(series, title)
        if tier and cover.get("tier") and cover.get("tier") != tier:
            out.append(
                _finding(
                    section,
                    None,
                    None,
                    section.field("tier"),
                    f"申报职称“{title}”属于{tier}，与所选申报级别“{cover.get('tier')}”不一致",
                )
            )
    committee = cover.get("committee")
    level = reference.procedure.level(str(cover.get("committee_level") or ""))
    if committee and level is not None and level.listed and series:
        fitting = suggested_committees(cover, reference)
        if fitting and committee not in fitting:
            out.append(
                _finding(
                    section,
                    None,
                    None,
                    section.field("committee"),
                    f"评审委员会“{committee}”的评审范围与所选系列和级别不符，可选：{'、'.join(fitting)}",
                    WARNING,
                )
            )
    return out


def _provisional_publicity(app: ApplicationData, forms: FormSet) -> list[Finding]:
    """A reminder (never on a printed page) when the publicity's end date is computed without the year's notice."""
    start = app.value("cover", "publicity_start")
    if not isinstance(start, str):
        return []
    try:
        period = publicity_period(date.fromisoformat(start))
    except ValueError:
        return []
    if not period.provisional:
        return []
    section = forms.section("cover")
    return [_finding(section, None, None, section.field("publicity_start"), period.note, WARNING)]


def _signer_field(organisation: str) -> str:
    return "cover.district" if organisation == DISTRICT_OFFICE else organisation


def chain_answer_fields(
    procedure: Procedure, cover: Mapping[str, Any]
) -> tuple[frozenset[str], frozenset[str]]:
    """Answers ("section.field") that name who signs some tier, and those the chain of `cover` needs now."""
    every = frozenset(_signer_field(t.organisation) for t in procedure.tiers.values() if t.organisation)
    # Before the committee level is chosen, what every level's chain needs is already known to be needed.
    level = str(cover.get("committee_level") or "")
    needed: frozenset[str] | None = None
    for name in [level] if level else [rule.name for rule in procedure.committee_levels]:
        try:
            chain = procedure.chain(
                str(cover.get("unit_type") or ""),
                name,
                cover.get("dispatched") == "是",
                str(cover.get("employer_nature") or ""),
            )
        except ValueError:
            continue
        fields = frozenset(_signer_field(t.organisation) for t in chain if t.organisation)
        needed = fields if needed is None else needed & fields
    return every, needed or frozenset()


def _chain_needs(app: ApplicationData, forms: FormSet, reference: Reference) -> list[Finding]:
    """What the approval chain needs from the answers (procedure.toml): who signs each tier, and 二、10（1）."""
    cover = app.single("cover")
    procedure = reference.procedure
    dispatched = cover.get("dispatched") == "是"
    nature = str(cover.get("employer_nature") or "")
    try:
        chain = procedure.chain(
            str(cover.get("unit_type") or ""), str(cover.get("committee_level") or ""), dispatched, nature
        )
    except ValueError:
        return []  # missing or contradictory answers are reported by the field checks and the rules
    out: list[Finding] = []
    for tier in chain:
        section_key, dot, key = _signer_field(tier.organisation).partition(".")
        if not dot or not forms.has_section(section_key) or not forms.section(section_key).has_field(key):
            continue
        section = forms.section(section_key)
        spec = section.field(key)
        answers = app.single(section_key)
        if answers.get(key) in (None, "") and not is_required(spec, answers, app):
            out.append(
                _finding(
                    section,
                    None,
                    None,
                    spec,
                    f"必填项，尚未填写：纸质材料须由“{tier.name}”一级审核盖章（指南二、3）",
                    missing=True,
                )
            )
    rule = procedure.dispatch_rule(nature) if dispatched else None
    if rule is not None:
        basic_section = forms.section("basic")
        workplace_section, _, workplace_key = rule.workplace.partition(".")
        workplace = str(app.value(workplace_section, workplace_key) or "").strip()
        unit = str(app.value("basic", "unit") or "").strip()
        if workplace and unit and workplace != unit and forms.has_section(workplace_section):
            other_section = forms.section(workplace_section)
            other_spec = other_section.field(workplace_key)
            finding = _finding(
                basic_section,
                None,
                None,
                basic_section.field("unit"),
                f"{rule.guide_text}（指南二、10（1））：请把“基本信息 工作单位”填写为"
                f"“{other_section.title} {other_spec.label}”（{workplace}），而不是“{unit}”",
            )
            out.append(
                replace(
                    finding,
                    other=FieldRef(
                        other_section.key, other_section.title, None, None, other_spec.key, other_spec.label
                    ),
                )
            )
    return out


def _annual_reviews(app: ApplicationData, forms: FormSet) -> list[Finding]:
    year = app.value("cover", "year")
    if not isinstance(year, int):
        return []
    section = forms.section("annual_review")
    data = app.section("annual_review")
    if data.not_applicable:
        return []
    expected = annual_review_years(year)
    seen: dict[int, int] = {}
    out: list[Finding] = []
    for entry in data.entries:
        value = entry.answers.get("year")
        if isinstance(value, int):
            if value in seen:
                out.append(
                    _finding(
                        section,
                        entry.position + 1,
                        entry.id,
                        section.field("year"),
                        f"{value} 年度的考核填写了两次",
                    )
                )
            seen[value] = entry.position
            if value not in expected:
                out.append(
                    _finding(
                        section,
                        entry.position + 1,
                        entry.id,
                        section.field("year"),
                        f"{value} 年度不在申报年度前五年（{expected[0]}—{expected[-1]} 年）之内："
                        "年度考核应填写申报年度之前的五年，请改为其中一年或删除此条",
                    )
                )
    missing = [y for y in expected if y not in seen]
    if missing:
        years = "、".join(str(y) for y in missing)
        out.append(
            _finding(
                section,
                None,
                None,
                None,
                f"缺少 {years} 年度的考核情况：近五年每年一条，不得缺少",
                missing=True,
            )
        )
    return out


def _required_attachments(app: ApplicationData, forms: FormSet) -> list[Finding]:
    """Scans the guide requires, per entry, per section or once for the application, matched by kind."""
    kinds_by_entry = {(a.entry_id, a.kind) for a in app.attachments if a.entry_id is not None}
    kinds_by_section = {(a.section, a.kind) for a in app.attachments}
    kinds = {a.kind for a in app.attachments}
    cover = app.single("cover")
    out: list[Finding] = []
    for section in forms:
        data = app.section(section.key)
        if section.repeatable and data.not_applicable and section.allow_not_applicable:
            continue
        entries = (
            data.entries
            if section.repeatable
            else (data.entries[:1] or (Entry(id=0, position=0, answers={}),))
        )
        for kind in section.attachments:
            if kind.per == "entry" and section.repeatable:
                for entry in entries:
                    if (
                        _kind_required(kind, entry.answers, app)
                        and (entry.id, kind.key) not in kinds_by_entry
                    ):
                        out.append(_attachment_finding(section, entry.position + 1, entry.id, kind))
                continue
            answers = entries[0].answers if entries else cover
            if section.repeatable and not entries:
                continue
            if not _kind_required(kind, answers, app):
                continue
            present = (
                kind.key in kinds
                if kind.per == "application"
                else (
                    (section.key, kind.key) in kinds_by_section
                    or any((e.id, kind.key) in kinds_by_entry for e in entries if e.id)
                )
            )
            if not present:
                out.append(_attachment_finding(section, None, None, kind))
    return out


def _kind_required(kind: AttachmentKind, entry: Mapping[str, Any], app: ApplicationData) -> bool:
    if kind.required:
        return True
    return kind.required_if is not None and condition_holds(kind.required_if, entry, app)


def _attachment_finding(
    section: SectionSpec, number: int | None, entry_id: int | None, kind: AttachmentKind
) -> Finding:
    message = "尚未上传扫描件" + (f"：{kind.help}" if kind.help else "")
    return Finding(
        section=section.key,
        section_title=section.title,
        entry=number,
        entry_id=entry_id,
        field=None,
        field_label=kind.label,
        message=message,
        missing=True,
        kind=kind.key,
    )


def percent_complete(app: ApplicationData, forms: FormSet, findings: list[Finding]) -> int:
    """Share of required items present and valid: 100 only when nothing blocks, else at most 99.

    Every required field counts, also those of the first entry of a repeatable section that has no
    entry yet (and is not marked 无此项), plus one item per repeatable section (filled or 无此项) and
    one per required scan; a blocking finding that belongs to none of these counts as one more item.
    """
    errors = errors_only(findings)
    if not errors:
        return 100
    error_fields = {(f.section, f.entry, f.field) for f in errors if f.field}
    error_sections = {f.section for f in errors if f.field is None and f.entry is None}
    counted: set[tuple[str, int | None, str | None]] = set()
    total = done = 0
    for section in forms:
        data = app.section(section.key)
        if section.repeatable:
            total += 1
            counted.add((section.key, None, None))
            if data.not_applicable and section.allow_not_applicable:
                done += 1
                continue
            done += 1 if data.entries and section.key not in error_sections else 0
        rows = data.entries if section.repeatable else data.entries[:1]
        for entry in rows or (Entry(id=0, position=0, answers={}),):
            number = entry.position + 1 if section.repeatable and rows else None
            for spec in section.fields:
                if not is_required(spec, entry.answers, app):
                    continue
                total += 1
                counted.add((section.key, number, spec.key))
                value = entry.answers.get(spec.key)
                if value not in (None, "") and (section.key, number, spec.key) not in error_fields:
                    done += 1
        for kind in section.attachments:
            if kind.required and not (section.repeatable and not rows):
                total += 1
                if not any(f.section == section.key and f.kind == kind.key for f in errors):
                    done += 1
    for f in errors:
        if (f.section, f.entry, f.field) in counted or (f.entry is None and f.kind is not None):
            continue
        total += 1  # a blocking finding outside the counted items (eligibility, a cross-field rule, …)
    return max(0, min(99, (100 * done) // max(total, 1)))


# The area a scan is fitted into on its evidence page, in points (packet.evidence.content_box with the
# 经核对 strip; tests/formspec/test_scan_resolution.py ties the two together).
PRINT_BOX_POINTS = (523.2756, 572.5788)
MIN_PRINT_DPI = 150


def print_dpi(width: int, height: int) -> float:
    """The resolution a picture of width × height pixels prints at when fitted to its evidence page."""
    box_w, box_h = PRINT_BOX_POINTS
    points_per_pixel = min(box_w / width, box_h / height)
    return 72 / points_per_pixel


def _low_resolution(
    app: ApplicationData, forms: FormSet, sizes: Mapping[str, tuple[int, int]]
) -> list[Finding]:
    """“清晰度不足，请重新扫描” for every image scan that prints below 150 dpi on its page."""
    entries = {e.id: (key, e.position + 1) for key, data in app.sections.items() for e in data.entries}
    kinds = {k.key: k.physical_mm for s in forms for k in s.attachments if k.physical_mm}
    out: list[Finding] = []
    for attachment in app.attachments:
        size = sizes.get(attachment.sha256)
        if size is None or min(size) <= 0:
            continue
        physical = kinds.get(attachment.kind)
        if physical is not None:
            # The document's own size: pixels per inch of the card, whichever way round it was scanned.
            dpi = min(max(size) / (max(physical) / 25.4), min(size) / (min(physical) / 25.4))
        else:
            dpi = print_dpi(*size)
        if dpi >= MIN_PRINT_DPI:
            continue
        section_key, number = entries.get(attachment.entry_id or -1, (attachment.section or "basic", None))
        section = forms.section(section_key) if forms.has_section(section_key) else forms.section("basic")
        where = f"第{number}条的" if number and section.repeatable else ""
        out.append(
            Finding(
                section=section.key,
                section_title=section.title,
                entry=None,
                entry_id=None,
                field=None,
                field_label="",
                message=(
                    f"清晰度不足，请重新扫描：{where}“{attachment.display_name}”只有 {size[0]}×{size[1]} 像素，"
                    f"{'按原件大小' if physical else '印在 A4 页面上'}约 {dpi:.0f} dpi（至少需要 {MIN_PRINT_DPI} dpi）；请用扫描仪按 300 dpi 扫描，"
                    "或用手机正对材料拍摄后替换"
                ),
                severity=WARNING,
            )
        )
    return out

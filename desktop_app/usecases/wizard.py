"""Wizard use cases: section status marks, saving one field as a draft, carrying an application forward."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.domain import ApplicationData
from desktop_app.errors import UserError
from desktop_app.formspec.findings import Finding
from desktop_app.reference import annual_review_years

if TYPE_CHECKING:
    from desktop_app.services import Services

NOT_FILLED = "未填"
IN_PROGRESS = "填写中"
FILLED = "已填"
HAS_PROBLEMS = "有问题"
NOT_APPLICABLE = "无此项"

# Answers the app fills in by itself when an application is created; they do not make a step "filled".
_PREFILLED = {"basic": {"name", "sex", "birth_date"}, "cover": {"year"}}
# Sections whose content is tied to one declaration year and is not carried over as it is.
_YEAR_BOUND_SECTIONS = {"annual_review"}
# Cover answers that belong to one year's round (the publicity is held again every year).
_YEAR_BOUND_COVER_FIELDS = {"publicity_start", "publicity_place"}


def update_ui_state(services: Services, app_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some keys of the application's ui_state and keep the others (page, drafts, records …).

    Returns the ui_state now stored."""
    return services.repo.update_ui_state(app_id, changes)


def carried_note(year: int) -> str:
    """The review note put on every entry carried over from an earlier year."""
    return f"从 {year} 年带入，请核对"


def is_missing_finding(finding: Any) -> bool:
    """True when a finding says something is still to be filled in or uploaded, not that a value is wrong."""
    return bool(finding.missing)


def section_statuses(
    services: Services,
    app_id: int,
    report: Any = None,
    drafts: Mapping[str, str] | None = None,
    app: ApplicationData | None = None,
) -> dict[str, str]:
    """未填 / 填写中 / 已填 / 有问题 / 无此项 per section key, from the shared completeness check.

    有问题 only for an invalid value or a contradiction (and for text kept as a draft because it was not
    valid); a step with only empty required fields or scans still to upload is 填写中.
    """
    if app is None or app.id != app_id:
        app = services.load(app_id)
    report = report if report is not None else services.check(app_id, app)
    with_problems = {f.section for f in report.errors if not is_missing_finding(f)}
    with_missing = {f.section for f in report.errors if is_missing_finding(f)}
    with_drafts = {key.split(":", 1)[0] for key in (drafts or {})}
    out: dict[str, str] = {}
    for section in services.forms:
        data = app.section(section.key)
        if section.repeatable:
            if data.not_applicable and not data.entries:
                out[section.key] = NOT_APPLICABLE
                continue
            filled = bool(data.entries)
        else:
            answers = data.entries[0].answers if data.entries else {}
            ignored = _PREFILLED.get(section.key, set())
            filled = any(k not in ignored for k, v in answers.items() if v not in (None, ""))
        if section.key in with_problems or section.key in with_drafts:
            out[section.key] = HAS_PROBLEMS if filled or section.key in with_drafts else NOT_FILLED
        elif not filled:
            out[section.key] = NOT_FILLED
        elif section.key in with_missing:
            out[section.key] = IN_PROGRESS
        else:
            out[section.key] = FILLED
    return out


@dataclass(frozen=True)
class SaveResult:
    """Outcome of saving one field: the entry written to, the stored value, or the problem shown beside it.

    `app` is the application after the save (built in memory, or None when the entry could not be found),
    for the status refresh that follows, so it does not load the application again.
    """

    entry_id: int | None
    value: Any = None
    finding: Finding | None = None
    app: ApplicationData | None = None

    @property
    def ok(self) -> bool:
        """True when the value was stored."""
        return self.finding is None

    @property
    def error(self) -> str:
        """The text shown beside the field: “{label}：{message}” (the section is the page it is on)."""
        if self.finding is None:
            return ""
        if not self.finding.field_label:
            return self.finding.message
        return f"{self.finding.field_label}：{self.finding.message}"


def save_field(
    services: Services, app_id: int, section_key: str, entry_id: int | None, field_key: str, raw: object
) -> SaveResult:
    """Validate and store one field of one entry; an invalid value is not stored and its problem returned.

    A single section's entry is found (or created) here; for a repeatable section `entry_id` None creates
    a new entry first, so that the typed text has a place to live. One load, one validation, one write.
    """
    section = services.forms.section(section_key)
    if entry_id is None:
        if section.repeatable:
            entry_id = services.repo.add_entry(app_id, section_key)
        else:
            entry_id = services.repo.single_entry_id(app_id, section_key)
    try:
        saved = services.store_field(app_id, section_key, entry_id, field_key, raw)
    except UserError as exc:
        finding = Finding(section.key, section.title, None, entry_id, field_key, "", str(exc))
        return SaveResult(entry_id, None, finding)
    return SaveResult(saved.entry_id, saved.value, saved.finding, saved.app)


def prelist_annual_reviews(services: Services, app_id: int) -> tuple[int, ...]:
    """Add one 年度考核 entry per missing year of the last five (only when the section is empty)."""
    app = services.load(app_id)
    year = app.value("cover", "year")
    data = app.section("annual_review")
    if not isinstance(year, int) or data.entries or data.not_applicable:
        return ()
    years = annual_review_years(year)
    for review_year in years:
        services.repo.add_entry(app_id, "annual_review", {"year": review_year})
    return years


def confirm_reviewed(services: Services, entry_id: int) -> None:
    """The person has checked a carried-over entry: drop its "请核对" note."""
    services.repo.set_review_note(entry_id, "")


def carry_forward(services: Services, source_app_id: int, new_year: int) -> int:
    """Start an application for `new_year` from an earlier one; returns the new application's id.

    Everything still true is copied and marked "从 YYYY 年带入，请核对": basic information, the cover
    (with the new year; the yearly publicity is left empty), current titles, education, study and
    work history and every achievement section, with their scans. 年度考核 is shifted to the five
    years before `new_year`: years present in both keep their result, the new years get an empty
    result to fill in.
    """
    source: ApplicationData = services.load(source_app_id)
    if not 2000 <= new_year <= 2100:
        raise UserError(f"申报年度 {new_year} 不合理", "请填写四位年份，例如 2027")
    if new_year <= source.year:
        raise UserError(
            f"新的申报年度 {new_year} 不晚于原申报的 {source.year} 年",
            f"请填写 {source.year + 1} 年或以后的年份",
        )
    repo = services.repo
    note = carried_note(source.year)
    new_id = repo.create_application(source.person_name, new_year, carried_from=source_app_id)
    try:
        entry_map: dict[int, int] = {}
        for section in services.forms:
            data = source.section(section.key)
            if section.key in _YEAR_BOUND_SECTIONS:
                entry_map.update(_shift_annual_reviews(repo, new_id, data.entries, new_year, note))
                continue
            if data.not_applicable:
                repo.set_not_applicable(new_id, section.key, True)
            for entry in data.entries:
                values = dict(entry.answers)
                if section.key == "cover":
                    values = {k: v for k, v in values.items() if k not in _YEAR_BOUND_COVER_FIELDS}
                    values["year"] = new_year
                entry_map[entry.id] = repo.add_entry(new_id, section.key, values, review_note=note)
            if data.not_applicable and data.entries:
                # add_entry clears the flag; keep the source's (inconsistent) state for the person to see.
                repo.set_not_applicable(new_id, section.key, True)
        _copy_attachments(repo, source, new_id, entry_map)
    except Exception:
        repo.delete_application(new_id)
        raise
    return new_id


def _shift_annual_reviews(repo: Any, new_id: int, entries: Any, new_year: int, note: str) -> dict[int, int]:
    by_year: dict[int, Any] = {}
    for entry in entries:
        year = entry.answers.get("year")
        if isinstance(year, int):
            by_year[year] = entry
    latest_unit = next(
        (
            e.answers.get("unit")
            for e in sorted(by_year.values(), key=lambda e: -e.answers["year"])
            if e.answers.get("unit")
        ),
        None,
    )
    mapping: dict[int, int] = {}
    for year in annual_review_years(new_year):
        old = by_year.get(year)
        if old is not None:
            mapping[old.id] = repo.add_entry(new_id, "annual_review", dict(old.answers), review_note=note)
        else:
            values: dict[str, Any] = {"year": year}
            if latest_unit:
                values["unit"] = latest_unit
            repo.add_entry(
                new_id,
                "annual_review",
                values,
                review_note=f"{year} 年度为新增年度，请填写考核结果并上传年度考核登记表",
            )
    return mapping


def _copy_attachments(repo: Any, source: ApplicationData, new_id: int, entry_map: Mapping[int, int]) -> None:
    for att in source.attachments:
        if att.entry_id is not None:
            if att.entry_id not in entry_map:
                continue
            target_entry: int | None = entry_map[att.entry_id]
        elif att.section is None or att.section == "cover" or att.section in _YEAR_BOUND_SECTIONS:
            # The commitment letter, publicity and dispatch papers are signed again every year.
            continue
        else:
            target_entry = None
        repo.add_attachment(
            new_id,
            sha256=att.sha256,
            original_name=att.original_name,
            display_name=att.display_name,
            kind=att.kind,
            section=att.section,
            entry_id=target_entry,
            edits=att.edits,
        )

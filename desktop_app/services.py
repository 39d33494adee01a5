"""Use cases shared by the GUI and the CLI. No Qt here; storage, rules and forms are joined here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.domain import ApplicationData, ApplicationSummary
from desktop_app.errors import InvalidValueError, NotFoundError, UsageError
from desktop_app.formspec.completeness import Finding, errors_only, find_problems, percent_complete
from desktop_app.formspec.derived import derived_values
from desktop_app.formspec.dynamic import dynamic_choices
from desktop_app.formspec.keys import AnswerKey, parse_key
from desktop_app.formspec.loader import load_forms
from desktop_app.formspec.model import FieldSpec, FormSet, SectionSpec
from desktop_app.formspec.types import check_value
from desktop_app.paths import data_home
from desktop_app.reference import Reference, load_reference
from desktop_app.storage import DB_NAME, BlobStore, Repository, open_engine, scan_sizes
from desktop_app.storage.repository import with_values

LAST_APPLICATION_SETTING = "last_application"
DERIVED_MESSAGE = "由程序自动得出，不能直接填写"


@dataclass(frozen=True)
class ListedApplication:
    """An application with its completeness, for the start screen and `list`."""

    summary: ApplicationSummary
    percent: int


@dataclass(frozen=True)
class Report:
    """The completeness report of one application."""

    findings: tuple[Finding, ...]
    percent: int

    @property
    def errors(self) -> list[Finding]:
        """Findings that block submission."""
        return errors_only(list(self.findings))

    @property
    def is_ready(self) -> bool:
        """Nothing missing or invalid."""
        return not self.errors


@dataclass(frozen=True)
class FieldSaved:
    """One field saved (or refused): the stored value, or the problem where it belongs; and the application after.

    `app` is what `load` would return now, built in memory from the one load the save made, so the status
    refresh that follows needs no second load.
    """

    entry_id: int
    value: Any
    finding: Finding | None
    app: ApplicationData


def unreadable_findings(app: ApplicationData, forms: FormSet) -> list[Finding]:
    """A problem (去完善) for every stored value the app could not read back, named by section, entry, field."""
    found: list[Finding] = []
    for section_key, entry_id, field_key in app.unreadable:
        if not forms.has_section(section_key):
            continue
        section = forms.section(section_key)
        entries = [e.id for e in app.section(section_key).entries]
        number = entries.index(entry_id) + 1 if entry_id in entries and section.repeatable else None
        label = section.field(field_key).label if section.has_field(field_key) else field_key
        found.append(
            Finding(
                section_key,
                section.title,
                number,
                entry_id,
                field_key,
                label,
                "保存的内容无法读取，请重新填写",
            )
        )
    return found


class Services:
    """Everything the UI and CLI may do with the user's data."""

    def __init__(
        self,
        home: Path | None = None,
        forms: FormSet | None = None,
        reference: Reference | None = None,
        today: date | None = None,
    ) -> None:
        self.home = home or data_home()
        self.forms = forms or load_forms()
        self.reference = reference or load_reference()
        self._today = today
        self.engine = open_engine(self.home / DB_NAME)
        self.repo = Repository(self.engine)
        self.blobs = BlobStore(self.home / "blobs")
        # Pixel size of image scans by SHA-256 (resolution check), also remembered between runs.
        self._sizes: dict[str, tuple[int, int]] | None = None

    @property
    def today(self) -> date:
        """Today's date (fixed in tests)."""
        return self._today or date.today()

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()

    # Applications ---------------------------------------------------------------------------------

    def list_applications(self) -> list[ListedApplication]:
        """Every application with its completeness percentage."""
        out = []
        for summary in self.repo.list_applications():
            app = self.load(summary.id)
            # No scan sizes: the resolution findings are warnings, and the percentage counts errors only.
            findings = find_problems(app, self.forms, self.reference, today=self.today)
            findings[:0] = unreadable_findings(app, self.forms)
            out.append(ListedApplication(summary, self._percent(app, findings)))
        return out

    def new_application(self, name: str, year: int) -> int:
        """Create an application for a person and declaration year."""
        name_spec = self.forms.section("basic").field("name")
        checked = check_value(name_spec, name, self.today)
        if not checked.ok:
            raise InvalidValueError(checked.error)
        if not checked.value:
            raise UsageError("姓名不能为空", "请用 --name 填写申报人姓名")
        name = str(checked.value)
        if not 2000 <= year <= 2100:
            raise UsageError(f"申报年度 {year} 不合理", "请填写四位年份，例如 2026")
        app_id = self.repo.create_application(name, year)
        self.repo.set_values(self.repo.single_entry_id(app_id, "basic"), {"name": name})
        self.repo.set_values(self.repo.single_entry_id(app_id, "cover"), {"year": year})
        return app_id

    def load(self, app_id: int) -> ApplicationData:
        """Everything one application holds."""
        return self.repo.load(app_id)

    def delete_application(self, app_id: int) -> None:
        """Delete an application (scans stay in the blob store until cleaned up)."""
        self.repo.delete_application(app_id)

    # Answers --------------------------------------------------------------------------------------

    def _section(self, key: str) -> SectionSpec:
        if not self.forms.has_section(key):
            raise UsageError(f"没有名为“{key}”的分节", "可用的分节：" + "、".join(self.forms.keys))
        return self.forms.section(key)

    def _field(self, section: SectionSpec, key: AnswerKey) -> FieldSpec:
        if key.field is None:
            raise UsageError(f"键“{key}”缺少字段名", f"例如 {section.key}.{section.fields[0].key}")
        if not section.has_field(key.field):
            names = "、".join(f"{f.key}（{f.label}）" for f in section.fields)
            raise UsageError(f"{section.title}没有字段“{key.field}”", f"可用的字段：{names}")
        return section.field(key.field)

    def resolve(self, text: str) -> tuple[SectionSpec, FieldSpec, AnswerKey]:
        """Parse and check a `section[N].field` key against the forms."""
        try:
            key = parse_key(text)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        section = self._section(key.section)
        spec = self._field(section, key)
        if not section.repeatable and key.index not in (None, 1):
            raise UsageError(f"{section.title}只有一项，不需要序号", f"请写成 {section.key}.{spec.key}")
        if section.repeatable and key.index is None:
            raise UsageError(f"{section.title}可以有多条，请写明第几条", f"例如 {section.key}[1].{spec.key}")
        return section, spec, key

    def check_field(
        self,
        app: ApplicationData,
        section: SectionSpec,
        spec: FieldSpec,
        entry: Mapping[str, Any],
        raw: object,
    ) -> tuple[Any, str, str]:
        """(normalised value, "", "") or (None, the validator's message, what to do); the message names no place."""
        if spec.derived:
            return None, DERIVED_MESSAGE, spec.help
        checked = check_value(spec, raw, self.today)
        if not checked.ok:
            return None, checked.error, ""
        if checked.value is not None and spec.choices_from and not spec.choices_editable:
            cover = app.single("cover") if section.key != "cover" else entry
            allowed = dynamic_choices(spec, entry, cover, self.reference)
            if allowed is not None and str(checked.value) not in allowed:
                shown = "、".join(allowed[:12]) + ("……" if len(allowed) > 12 else "")
                return None, f"“{checked.value}”不是可选项", f"可选：{shown}"
        return checked.value, "", ""

    def validate(
        self,
        app: ApplicationData,
        section: SectionSpec,
        spec: FieldSpec,
        entry: Mapping[str, Any],
        raw: object,
    ) -> Any:
        """The normalised value to store, or InvalidValueError “{section} {label}：{error}” (the CLI's message)."""
        if spec.derived:
            raise InvalidValueError(f"{spec.label}{DERIVED_MESSAGE}", spec.help)
        value, message, next_step = self.check_field(app, section, spec, entry, raw)
        if message:
            raise InvalidValueError(f"{section.title} {spec.label}：{message}", next_step)
        return value

    def set_answer(self, app_id: int, key_text: str, raw: object) -> Any:
        """Validate and store one answer by key; an empty value clears it. Returns the stored value."""
        section, spec, key = self.resolve(key_text)
        app = self.load(app_id)
        entries = app.section(section.key).entries
        index = (key.index or 1) - 1
        if section.repeatable and index > len(entries):
            raise UsageError(
                f"{section.title}目前有 {len(entries)} 条，不能直接写第 {index + 1} 条",
                f"新增一条请用序号 {len(entries) + 1}",
            )
        current = dict(entries[index].answers) if index < len(entries) else {}
        current_view = dict(current)
        value = self.validate(app, section, spec, current_view, raw)
        values: dict[str, Any] = {spec.key: value}
        values.update(self._derived(section, spec, value))
        try:
            # Finding the entry and creating it happen in one write transaction (parallel commands: one entry).
            self.repo.set_values_at(app_id, section.key, index, values)
        except IndexError as exc:
            count = exc.args[0]
            raise UsageError(
                f"{section.title}目前有 {count} 条，不能直接写第 {index + 1} 条",
                f"新增一条请用序号 {count + 1}",
            ) from None
        return value

    def _derived(self, section: SectionSpec, spec: FieldSpec, value: Any) -> dict[str, Any]:
        """Fields the app computes from this one (sex and birth date from the ID number)."""
        return derived_values(section, spec, value, self.today)

    def set_entry(
        self, app_id: int, section_key: str, entry_id: int | None, raw: Mapping[str, object]
    ) -> int:
        """Validate and store several fields of one entry (a new entry when entry_id is None)."""
        section = self._section(section_key)
        app = self.load(app_id)
        values: dict[str, Any] = {}
        view: dict[str, Any] = {}
        if entry_id is not None:
            for entry in app.section(section_key).entries:
                if entry.id == entry_id:
                    view = dict(entry.answers)
        view.update({k: v for k, v in raw.items()})
        for field_key, field_raw in raw.items():
            spec = self._field(section, AnswerKey(section_key, None, field_key))
            value = self.validate(app, section, spec, view, field_raw)
            values[field_key] = value
            values.update(self._derived(section, spec, value))
        if entry_id is None:
            return self.repo.add_entry(app_id, section_key, values)
        self.repo.set_values(entry_id, values)
        return entry_id

    def store_field(
        self, app_id: int, section_key: str, entry_id: int, field_key: str, raw: object
    ) -> FieldSaved:
        """Validate one field of an existing entry once and write it once (one load, one write transaction).

        An invalid value is not written: its problem comes back as a Finding (section, entry, field, message).
        """
        section = self._section(section_key)
        spec = self._field(section, AnswerKey(section_key, None, field_key))
        app = self.load(app_id)
        entries = app.section(section_key).entries
        number = next((i + 1 for i, e in enumerate(entries) if e.id == entry_id), None)
        if number is None:
            raise NotFoundError(f"{section.title}没有编号为 {entry_id} 的条目", "请重新打开这一步")
        view = dict(entries[number - 1].answers)
        view[field_key] = raw
        value, message, next_step = self.check_field(app, section, spec, view, raw)
        if message:
            finding = Finding(
                section.key,
                section.title,
                number if section.repeatable else None,
                entry_id,
                spec.key,
                spec.label,
                f"{message}（{next_step}）" if next_step else message,
            )
            return FieldSaved(entry_id, None, finding, app)
        values: dict[str, Any] = {spec.key: value}
        values.update(self._derived(section, spec, value))
        self.repo.set_values(entry_id, values)
        updated = with_values(app, entry_id, values)
        stored = updated.section(section_key).entries[number - 1].answers.get(spec.key)
        return FieldSaved(entry_id, stored, None, updated)

    def get_answer(self, app_id: int, key_text: str) -> Any:
        """One stored answer by key (None when empty)."""
        section, spec, key = self.resolve(key_text)
        entries = self.load(app_id).section(section.key).entries
        index = (key.index or 1) - 1
        if index >= len(entries):
            if section.repeatable:
                raise NotFoundError(f"{section.title}没有第 {index + 1} 条", f"目前有 {len(entries)} 条")
            return None
        return entries[index].answers.get(spec.key)

    def export_answers(self, app_id: int) -> dict[str, Any]:
        """All answers keyed by section and field keys, in menu order; answers only."""
        app = self.load(app_id)
        out: dict[str, Any] = {}
        for section in self.forms:
            data = app.section(section.key)
            known = [f.key for f in section.fields]
            rows = [{k: e.answers[k] for k in known if k in e.answers} for e in data.entries]
            if section.repeatable:
                out[section.key] = rows
            else:
                out[section.key] = rows[0] if rows else {}
        return out

    def set_not_applicable(self, app_id: int, section_key: str, flag: bool) -> None:
        """Mark a section 无此项 (only where the guide allows leaving it empty)."""
        section = self._section(section_key)
        if flag and (not section.repeatable or not section.allow_not_applicable):
            raise UsageError(f"{section.title}必须填写，不能标记为“无此项”")
        self.repo.set_not_applicable(app_id, section_key, flag)

    def remove_entry(self, app_id: int, key_text: str) -> tuple[SectionSpec, int, int]:
        """Delete entry N of a repeatable section (`papers[2]`); (section, N, scans detached from it).

        The scans' files stay in the blob store (other entries or applications may use the same bytes).
        """
        try:
            key = parse_key(key_text)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        section = self._section(key.section)
        if key.field is not None:
            raise UsageError(f"“{key_text}”指向一个字段，删除的是整条", f"请写成 {section.key}[序号]")
        if not section.repeatable:
            raise UsageError(f"{section.title}只有一项，不能删除", "清除某个字段请用 set 并给空值 ''")
        if key.index is None:
            raise UsageError(f"请写明删除{section.title}的第几条", f"例如 {section.key}[1]")
        app = self.load(app_id)
        entries = app.section(section.key).entries
        if key.index > len(entries):
            raise NotFoundError(f"{section.title}没有第 {key.index} 条", f"目前有 {len(entries)} 条")
        entry = entries[key.index - 1]
        scans = sum(1 for a in app.attachments if a.entry_id == entry.id)
        self.repo.delete_entry(entry.id)
        return section, key.index, scans

    def entry_id(self, app_id: int, section_key: str) -> int:
        """The one entry of a single (non-repeatable) section, created on first use."""
        return self.repo.single_entry_id(app_id, section_key)

    def delete_entry(self, entry_id: int) -> None:
        """Delete one entry of a repeatable section (its scans' files stay in the blob store)."""
        self.repo.delete_entry(entry_id)

    def move_entry(self, entry_id: int, delta: int) -> None:
        """Move an entry up (delta < 0) or down within its section (the order printed and uploaded)."""
        self.repo.move_entry(entry_id, delta)

    def application_exists(self, app_id: int) -> bool:
        """Whether the application is still stored (it may have been replaced by a restore)."""
        return self.repo.exists(app_id)

    def last_application(self) -> int | None:
        """The application opened last (selected on the start screen)."""
        last = self.repo.get_setting(LAST_APPLICATION_SETTING)
        return last if isinstance(last, int) else None

    def remember_last_application(self, app_id: int) -> None:
        """Remember the application just opened for the next start."""
        self.repo.set_setting(LAST_APPLICATION_SETTING, app_id)

    # Scans ----------------------------------------------------------------------------------------

    def scan_path(self, sha256: str) -> Path:
        """Where the stored bytes of a scan are (read only: the blob store is content-addressed)."""
        return self.blobs.path(sha256)

    def set_scan_kind(self, attachment_id: int, kind: str) -> None:
        """Say which material a scan is (the kind names it in uploads and the packet)."""
        self.repo.update_attachment(attachment_id, kind=kind)

    def set_scan_edits(self, attachment_id: int, edits: Mapping[str, Any]) -> None:
        """Replace a scan's edits (rotation, crop, pages); the original bytes never change."""
        self.repo.update_attachment(attachment_id, edits=dict(edits))

    def crop_scan(self, attachment_id: int, crop: object) -> None:
        """Set a scan's crop (fractions of the upright picture) or clear it with None, keeping its other edits."""
        self.repo.merge_edits(attachment_id, {"crop": crop})

    def delete_scan(self, attachment_id: int) -> None:
        """Detach a scan from its entry (its bytes stay in the blob store; other scans may share them)."""
        self.repo.delete_attachment(attachment_id)

    # Completeness ---------------------------------------------------------------------------------

    def check(self, app_id: int, app: ApplicationData | None = None) -> Report:
        """The completeness report (same function as the wizard's Next button and the review page).

        `app`: the application already loaded (or just built by a save), so it is not loaded again.
        """
        if app is None or app.id != app_id:
            app = self.load(app_id)
        findings = find_problems(
            app, self.forms, self.reference, today=self.today, scan_sizes=self._scan_sizes(app)
        )
        findings[:0] = unreadable_findings(app, self.forms)
        return Report(tuple(findings), self._percent(app, findings))

    def _scan_sizes(self, app: ApplicationData) -> dict[str, tuple[int, int]]:
        """Pixel sizes of the image scans (header only, remembered per content hash) for the resolution check."""
        remembered = self.home / "cache" / scan_sizes.FILE_NAME
        if self._sizes is None:
            self._sizes = scan_sizes.read_sizes(remembered)
        cache = self._sizes
        learned = False
        for attachment in app.attachments:
            if attachment.sha256 in cache or not attachment.media_type.startswith("image/"):
                continue
            try:
                from PIL import Image

                from desktop_app.scans.normalise import exif_in_header

                with Image.open(self.blobs.path(attachment.sha256)) as picture:
                    width, height = picture.size
                    # Printed upright: a photo stored sideways (EXIF orientation 5–8) prints turned.
                    turned = exif_in_header(picture).get(0x0112) in (5, 6, 7, 8)
                    cache[attachment.sha256] = (height, width) if turned else (width, height)
                learned = True  # an unreadable scan's (0, 0) is not written: no rewrite for it at every check
            except Exception:  # noqa: BLE001 - an unreadable scan is reported elsewhere; no size, no finding
                cache[attachment.sha256] = (0, 0)
        if learned:
            scan_sizes.write_sizes(remembered, cache)  # sizes of unreadable scans are not remembered
        return cache

    def _percent(self, app: ApplicationData, findings: list[Finding]) -> int:
        """Share of required items that are present and valid (formspec.completeness.percent_complete)."""
        return percent_complete(app, self.forms, findings)

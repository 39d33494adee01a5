"""填报助手 / `copy-sheet`: every answer in the online system's menu order, ready to copy, with the upload names.

One sequence serves the always-on-top window and the CLI. It is generated from forms/ (labels, field order,
sections), so a field added to a TOML file appears here without a second list.

Order (guide 五（二）): 1. 基本信息, 2. 申报信息 — the 13 sections in left-menu order —, then 3. 职称申报 →
个人申报, where the cover is chosen and saved (保存封面) before 申报.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.domain import ApplicationData, Attachment, Entry
from desktop_app.errors import UsageError
from desktop_app.formspec.model import FieldSpec, SectionSpec
from desktop_app.formspec.validators import parse_range
from desktop_app.usecases.wizard import update_ui_state

if TYPE_CHECKING:
    from desktop_app.services import Services

# Where each part sits in the online system's left menu (guide 五（二）1–3).
MENU_PATHS = {"basic": "基本信息", "cover": "职称申报 → 个人申报（选择后点击“保存封面”）"}
NUMBERED_MENU = "申报信息"
# ui_state key of the ticks the person set in the 填报助手 (kept with the application and in its backups).
TICKS_STATE = "copy_ticks"


@dataclass(frozen=True)
class CopyField:
    """One line to type into the online system: its label there and the value in the format it takes."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class CopyScan:
    """One file to upload for an entry, under the name the upload-ready export gives it."""

    attachment_id: int
    material: str
    upload_names: tuple[str, ...]


@dataclass(frozen=True)
class CopyEntry:
    """One entry (or a single section's only entry): its fields and scans."""

    section: str
    entry_id: int | None
    number: int | None
    fields: tuple[CopyField, ...]
    scans: tuple[CopyScan, ...]

    @property
    def title(self) -> str:
        """“第2条” for a repeatable section's entry, "" for 基本信息, the cover and the work summary."""
        return f"第{self.number}条" if self.number is not None else ""

    def tick_key(self, field: str = "*") -> str:
        """Key of this entry's tick (field "*") or of one field's tick."""
        return f"{self.section}:{self.entry_id or 0}:{field}"


@dataclass(frozen=True)
class CopySection:
    """One step of the online system with its entries."""

    key: str
    title: str
    menu_path: str
    entries: tuple[CopyEntry, ...]
    not_applicable: bool = False


def online_order(forms: Iterable[SectionSpec]) -> list[SectionSpec]:
    """The steps in the order the online system asks for them: 基本信息, the 13 sections, then the cover."""
    sections = list(forms)
    first = [s for s in sections if s.key == "basic"]
    last = [s for s in sections if s.key == "cover"]
    return first + [s for s in sections if s.key not in ("basic", "cover")] + last


def online_values(spec: FieldSpec, value: object) -> list[tuple[str, str]]:
    """(label, text) pairs as the online system takes them: dates 2019-06-01, months 2019-06, a period as two
    date boxes (开始 / 结束), whole numbers without “.0”; choices are the guide's own words, as stored."""
    if value is None or value == "":
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if spec.type in ("date_range", "month_range"):
        try:
            start, end = parse_range(text)
        except ValueError:
            return [(spec.label, text)]
        return [(f"{spec.label}（开始）", start), (f"{spec.label}（结束）", end)]
    return [(spec.label, text)]


def resolve_section(forms: Any, text: str) -> SectionSpec:
    """A section by key (papers) or by its Chinese title (撰写论文情况); a clear message otherwise."""
    wanted = text.strip()
    for section in forms:
        if wanted in (section.key, section.title):
            found: SectionSpec = section
            return found
    keys = "、".join(s.key for s in forms)
    raise UsageError(f"没有名为“{text}”的分节", f"可用：{keys}，或分节的中文名称（如 撰写论文情况）")


def build_copy_sheet(services: Services, app_id: int, section: str | None = None) -> list[CopySection]:
    """Every non-empty answer and every scan's upload names, step by step and entry by entry.

    Multi-page scans (PDF, TIFF) are read to name each uploaded page (…_第2页.jpg) as the upload export does.
    """
    from desktop_app.usecases.scans import proposed_names

    app: ApplicationData = services.load(app_id)
    wanted = resolve_section(services.forms, section).key if section else None
    proposals = proposed_names(services, app, extension=".jpg")
    by_place = _attachments_by_place(services, app)
    out: list[CopySection] = []
    for spec in online_order(services.forms):
        if wanted and spec.key != wanted:
            continue
        data = app.section(spec.key)
        rows: tuple[Entry, ...] = data.entries if spec.repeatable else data.entries[:1]
        entries: list[CopyEntry] = []
        for entry in rows:
            fields: list[CopyField] = []
            for field_spec in spec.fields:
                for label, text in online_values(field_spec, entry.answers.get(field_spec.key)):
                    fields.append(CopyField(field_spec.key, label, text))
            scans = tuple(
                _scan(services, spec, a, proposals[a.id]) for a in by_place.get((spec.key, entry.id), [])
            )
            entries.append(
                CopyEntry(
                    spec.key, entry.id, entry.position + 1 if spec.repeatable else None, tuple(fields), scans
                )
            )
        # Scans kept for the section as a whole (身份证, 承诺书 …) belong to its single entry, or stand alone.
        loose = tuple(_scan(services, spec, a, proposals[a.id]) for a in by_place.get((spec.key, None), []))
        if loose:
            if entries and not spec.repeatable:
                first = entries[0]
                entries[0] = CopyEntry(
                    first.section, first.entry_id, first.number, first.fields, first.scans + loose
                )
            else:
                entries.append(CopyEntry(spec.key, None, None, (), loose))
        menu = MENU_PATHS.get(spec.key, f"{NUMBERED_MENU} → {spec.title}")
        out.append(
            CopySection(
                spec.key,
                spec.title,
                menu,
                tuple(entries),
                bool(spec.repeatable and data.not_applicable and not data.entries),
            )
        )
    return out


def _attachments_by_place(
    services: Services, app: ApplicationData
) -> dict[tuple[str, int | None], list[Attachment]]:
    application_kinds = {
        k.key: s.key for s in services.forms for k in s.attachments if k.per == "application"
    }
    places: dict[tuple[str, int | None], list[Attachment]] = {}
    for attachment in sorted(app.attachments, key=lambda a: (a.position, a.id)):
        section = attachment.section or application_kinds.get(attachment.kind, "cover")
        places.setdefault((section, attachment.entry_id), []).append(attachment)
    return places


def _scan(services: Services, section: SectionSpec, attachment: Attachment, proposal: str) -> CopyScan:
    from desktop_app.scans import naming

    kind = next((k for k in section.attachments if k.key == attachment.kind), None)
    material = kind.label if kind is not None else "扫描件"
    pages = _exported_pages(services, attachment)
    stem, ext = naming.split_name(proposal)
    if pages > 1:
        names = tuple(naming.safe_filename(f"{stem}_第{i}页{ext}") for i in range(1, pages + 1))
    else:
        names = (proposal,)
    return CopyScan(attachment.id, material, names)


def _exported_pages(services: Services, attachment: Attachment) -> int:
    from desktop_app.scans.normalise import selected_pages
    from desktop_app.usecases.scans import page_count

    try:
        return max(1, len(selected_pages(attachment.edits, page_count(services, attachment))))
    except Exception:  # noqa: BLE001 - an unreadable scan is reported by the check and the export, not here
        return 1


def sheet_lines(sections: Iterable[CopySection]) -> list[str]:
    """The sequence as text: a heading per step and entry, then one “label<TAB>value” line each."""
    lines: list[str] = []
    for section in sections:
        if lines:
            lines.append("")
        lines.append(f"【{section.title}】（{section.menu_path}）")
        if section.not_applicable:
            lines.append("（无此项：在申报系统中不新增）")
            continue
        if not section.entries:
            lines.append("（尚未填写）")
            continue
        for entry in section.entries:
            if entry.title:
                lines.append(f"—— {entry.title}（点击“新增”）——")
            for field in entry.fields:
                # A long text keeps its paragraphs: each further line starts with an empty label and a TAB.
                first, *rest = field.value.splitlines() or [""]
                lines.append(f"{field.label}\t{first}")
                lines.extend(f"\t{line}" for line in rest)
            for scan in entry.scans:
                for name in scan.upload_names:
                    lines.append(f"上传扫描件（{scan.material}）\t{name}")
    return lines


def ticks(services: Services, app_id: int) -> set[str]:
    """The fields and entries ticked as done in the 填报助手."""
    state = services.load(app_id).ui_state
    return {str(k) for k in (state.get(TICKS_STATE) or [])}


def set_tick(services: Services, app_id: int, key: str, done: bool) -> set[str]:
    """Tick or untick one field or entry; stored in the application's ui_state (and so in its backups)."""
    current = ticks(services, app_id)
    (current.add if done else current.discard)(key)
    update_ui_state(services, app_id, {TICKS_STATE: sorted(current)})
    return current


def section_progress(section: CopySection, done: set[str]) -> tuple[int, int]:
    """(ticked, total) over the section's fields and scans-bearing entries."""
    keys = [e.tick_key(f.key) for e in section.entries for f in e.fields]
    keys += [e.tick_key() for e in section.entries if e.scans]
    return sum(1 for k in keys if k in done), len(keys)


def export_scans(
    services: Services, app_id: int, attachment_ids: Iterable[int], parent: Path | None = None
) -> Path:
    """Write just these scans, upload-ready under their upload names, into a new folder; returns it.

    The folder lives in the data folder's tmp/填报助手 (emptied each time), ready to drag into the browser.
    """
    from desktop_app.usecases.scans import proposed_names, write_upload_pages

    app = services.load(app_id)
    wanted = set(attachment_ids)
    proposals = proposed_names(services, app, extension=".jpg")
    root = parent or Path(services.home) / "tmp" / "填报助手"
    if root.exists() and parent is None:
        shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="上传-", dir=root))
    for attachment in app.attachments:
        if attachment.id in wanted:
            write_upload_pages(services, attachment, folder, proposals[attachment.id])
    return folder

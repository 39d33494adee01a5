"""导入新版名录: validate a newer edition of the reference tables, show what changed, switch only when confirmed.

Imported editions live in ``<data folder>/reference/<edition>/``; the bundled tables stay untouched and are
used whenever no imported edition is newer (see ``desktop_app.paths.reference_folders``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.errors import UsageError
from desktop_app.paths import IMPORTED_REFERENCE, restrict_dir_to_owner
from desktop_app.reference import REFERENCE_FILES, Reference, ReferenceDataError, validate_reference_folder
from desktop_app.reference.data import reload_default_reference

if TYPE_CHECKING:
    from desktop_app.services import Services


class ReferenceImportError(UsageError):
    """The chosen folder is not a usable (or newer) edition of the reference tables; nothing was written."""


@dataclass(frozen=True)
class Change:
    """One difference between the current and the new tables."""

    table: str  # 评委会 / 评审计划 / 人社部门 / 职称系列 / 工程技术专业 / 审核程序
    kind: str  # 新增 / 删除 / 变更
    name: str
    detail: str = ""

    def line(self) -> str:
        """The change as one Chinese line."""
        return f"【{self.table}】{self.kind}：{self.name}" + (f"（{self.detail}）" if self.detail else "")


@dataclass(frozen=True)
class StagedImport:
    """A validated folder waiting for confirmation; nothing has been written yet."""

    source: Path
    current: Reference
    new: Reference
    changes: tuple[Change, ...]

    @property
    def is_identical(self) -> bool:
        """Same edition and same content: importing would change nothing."""
        return self.current.edition == self.new.edition and not self.changes

    def counts(self) -> dict[str, int]:
        """How many changes per table, in table order."""
        result: dict[str, int] = {}
        for change in self.changes:
            result[change.table] = result.get(change.table, 0) + 1
        return result

    def summary(self) -> str:
        """One Chinese sentence: editions and how much changed."""
        head = f"当前名录 {self.current.edition} 年版 → 新名录 {self.new.edition} 年版"
        if not self.changes:
            return head + "：内容没有变化"
        parts = "，".join(f"{table} {n} 处" for table, n in self.counts().items())
        return f"{head}：共 {len(self.changes)} 处变化（{parts}）"


_COMMITTEE_LABELS = {
    "level": "级别",
    "scope": "评审范围",
    "organiser": "组建单位",
    "phone": "电话",
    "series": "服务系列",
    "district": "县（市）区",
    "unit": "单位",
}
_PLAN_LABELS = {"level": "级别", "name": "计划表名称", "organiser": "组建单位", "month_text": "评审时间"}
_OFFICE_LABELS = {"scope": "职责范围", "address": "地址", "phones_as_printed": "电话"}


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "……"


def _field_changes(old: Any, new: Any, labels: dict[str, str]) -> str:
    parts = []
    for key, label in labels.items():
        a, b = getattr(old, key), getattr(new, key)
        if a != b:
            parts.append(f"{label}：{_show(a)} → {_show(b)}")
    return "；".join(parts)


def _keyed_diff(table: str, old: dict[str, Any], new: dict[str, Any], labels: dict[str, str]) -> list[Change]:
    changes = [Change(table, "新增", name) for name in new if name not in old]
    changes += [Change(table, "删除", name) for name in old if name not in new]
    for name in old:
        if name in new:
            detail = _field_changes(old[name], new[name], labels)
            if detail:
                changes.append(Change(table, "变更", name, detail))
    return changes


def _offices_by_key(reference: Reference) -> dict[str, Any]:
    # 西山区 has two rows under the same name; the n-th row of a name and area is the stable key.
    result: dict[str, Any] = {}
    for office in reference.offices:
        base = office.name + (f"（{office.area}）" if office.area and office.area not in office.name else "")
        key, n = base, 1
        while key in result:
            n += 1
            key = f"{base} 第{n}行"
        result[key] = office
    return result


def _procedure_changes(old: Reference, new: Reference) -> list[Change]:
    """Changes of the procedure (procedure.toml): unit types and their chains, tier names, the city HR office."""
    a, b = old.procedure, new.procedure
    table = "审核程序"

    def chain_text(procedure: Any, ids: tuple[str, ...]) -> str:
        return " → ".join(procedure.tiers[i].name for i in ids) if ids else "（无）"

    changes: list[Change] = []
    for field, label in (
        ("guide_title", "指南名称"),
        ("city", "城市"),
        ("city_hr", "市人力资源和社会保障部门"),
        ("commitment_note", "承诺书说明"),
    ):
        if getattr(a, field) != getattr(b, field):
            changes.append(
                Change(table, "变更", label, f"{_show(getattr(a, field))} → {_show(getattr(b, field))}")
            )
    old_units = {u.name: u for u in a.unit_types}
    new_units = {u.name: u for u in b.unit_types}
    changes += [
        Change(table, "新增", f"单位类型“{n}”", chain_text(b, u.chain))
        for n, u in new_units.items()
        if n not in old_units
    ]
    changes += [Change(table, "删除", f"单位类型“{n}”") for n in old_units if n not in new_units]
    for name, unit in old_units.items():
        other = new_units.get(name)
        if other is None:
            continue
        before, after = chain_text(a, unit.chain), chain_text(b, other.chain)
        if before != after or unit.guide_text != other.guide_text or unit.freelancer != other.freelancer:
            changes.append(Change(table, "变更", f"单位类型“{name}”的审核顺序", f"{before} → {after}"))
    old_levels = {lv.name: lv for lv in a.committee_levels}
    new_levels = {lv.name: lv for lv in b.committee_levels}
    for name in new_levels.keys() | old_levels.keys():
        x, y = old_levels.get(name), new_levels.get(name)
        if x is None or y is None:
            changes.append(Change(table, "新增" if x is None else "删除", f"评委会级别“{name}”"))
        elif (x.listed, x.adds, x.guide_text) != (y.listed, y.adds, y.guide_text):
            changes.append(
                Change(
                    table, "变更", f"评委会级别“{name}”", f"{chain_text(a, x.adds)} → {chain_text(b, y.adds)}"
                )
            )
    if (chain_text(a, a.dispatch_front), a.employer_natures, a.dispatch_rules, a.dispatch_text) != (
        chain_text(b, b.dispatch_front),
        b.employer_natures,
        b.dispatch_rules,
        b.dispatch_text,
    ):
        changes.append(
            Change(
                table,
                "变更",
                "劳务派遣人员的审核程序",
                f"{chain_text(a, a.dispatch_front)} → {chain_text(b, b.dispatch_front)}",
            )
        )
    for short in b.abbreviations.keys() - a.abbreviations.keys():
        changes.append(Change(table, "新增", f"简称“{short}”", b.abbreviations[short]))
    for short in a.abbreviations.keys() - b.abbreviations.keys():
        changes.append(Change(table, "删除", f"简称“{short}”"))
    for short in a.abbreviations.keys() & b.abbreviations.keys():
        if a.abbreviations[short] != b.abbreviations[short]:
            changes.append(
                Change(
                    table, "变更", f"简称“{short}”", f"{a.abbreviations[short]} → {b.abbreviations[short]}"
                )
            )
    return changes


def diff_references(old: Reference, new: Reference) -> tuple[Change, ...]:
    """Every added, removed or changed committee, plan row, HR office, series, specialty and procedure rule."""
    changes = _keyed_diff(
        "评委会", {c.name: c for c in old.committees}, {c.name: c for c in new.committees}, _COMMITTEE_LABELS
    )
    changes += _keyed_diff(
        "评审计划", {p.committee: p for p in old.plan}, {p.committee: p for p in new.plan}, _PLAN_LABELS
    )
    changes += _keyed_diff("人社部门", _offices_by_key(old), _offices_by_key(new), _OFFICE_LABELS)
    old_series = {s.name: s for s in old.series}
    new_series = {s.name: s for s in new.series}
    changes += [Change("职称系列", "新增", n) for n in new_series if n not in old_series]
    changes += [Change("职称系列", "删除", n) for n in old_series if n not in new_series]
    for name, series in old_series.items():
        other = new_series.get(name)
        if other is not None and other.tracks != series.tracks:
            before = "、".join(level.name for t in series.tracks for level in t.levels)
            after = "、".join(level.name for t in other.tracks for level in t.levels)
            changes.append(Change("职称系列", "变更", name, f"职称：{_show(before)} → {_show(after)}"))
    changes += _procedure_changes(old, new)
    old_spec, new_spec = set(old.engineering_specialties), set(new.engineering_specialties)
    changes += [Change("工程技术专业", "新增", s) for s in new.engineering_specialties if s not in old_spec]
    changes += [Change("工程技术专业", "删除", s) for s in old.engineering_specialties if s not in new_spec]
    return tuple(changes)


def prepare_import(services: Services, folder: Path) -> StagedImport:
    """Validate a folder of reference files and compare it with the tables in use; writes nothing."""
    folder = Path(folder)
    try:
        new = validate_reference_folder(folder)
    except ReferenceDataError as exc:
        raise ReferenceImportError(
            f"所选文件夹不是可用的名录：{exc}",
            "请选择包含 " + "、".join(REFERENCE_FILES) + " 的文件夹，并确认文件内容完整；当前名录保持不变",
        ) from None
    current: Reference = services.reference
    if new.edition < current.edition:
        raise ReferenceImportError(
            f"所选名录是 {new.edition} 年版，比正在使用的 {current.edition} 年版旧",
            "请选择更新年度的名录；当前名录保持不变",
        )
    return StagedImport(folder, current, new, diff_references(current, new))


def imported_root(services: Services) -> Path:
    """Where imported editions are kept."""
    return Path(services.home) / IMPORTED_REFERENCE


def confirm_import(services: Services, staged: StagedImport) -> Path:
    """Copy the validated files into the data folder and start using them; returns the edition's folder."""
    root = imported_root(services)
    root.mkdir(parents=True, exist_ok=True)
    restrict_dir_to_owner(root)
    target = root / str(staged.new.edition)
    work = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    try:
        for name in REFERENCE_FILES:
            shutil.copyfile(staged.source / name, work / name)
        # Re-check the copies: the source (a USB stick) may have changed or failed since it was shown.
        copied = validate_reference_folder(work)
        if diff_references(staged.new, copied) or copied.edition != staged.new.edition:
            raise ReferenceImportError(
                "复制过程中名录文件发生了变化", "请重新选择文件夹后再导入；当前名录保持不变"
            )
        if target.exists():
            # A corrected file of the same year: keep the one it replaces beside it (not a digit name, so unused).
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            os.replace(target, root / f"{target.name}.replaced-{stamp}")
        os.replace(work, target)
    except OSError as exc:
        raise ReferenceImportError(
            f"无法保存新名录（{exc.strerror or exc}）", "请检查数据文件夹的磁盘空间和权限；当前名录保持不变"
        ) from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    reload_default_reference()  # later Services() (and the next start) pick the new edition
    services.reference = copied
    return target

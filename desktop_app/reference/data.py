"""The guide's reference tables (series, committees, review plan, HR offices) loaded from TOML.

The data lives in ``resources/reference/*.toml`` so that a newer year's lists can be imported
without a new release; this module only reads, checks and queries it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.formspec.toml_cache import load_toml, parse_toml
from desktop_app.reference.procedure import PROCEDURE_FILE, Procedure, parse_procedure

TIERS: tuple[str, ...] = ("正高", "副高", "中级", "助理级", "员级")
COMMITTEE_LEVEL_HIGH = "高级"
COMMITTEE_LEVEL_INTERMEDIATE = "中级"
COMMITTEE_LEVELS_IN_GUIDE: tuple[str, ...] = (COMMITTEE_LEVEL_HIGH, COMMITTEE_LEVEL_INTERMEDIATE)

SERIES_FILE = "series.toml"
COMMITTEES_FILE = "committees.toml"
PLAN_FILE = "review_plan.toml"
OFFICES_FILE = "offices.toml"
SPECIALTIES_FILE = "engineering_specialties.toml"
REFERENCE_FILES: tuple[str, ...] = (
    SERIES_FILE,
    COMMITTEES_FILE,
    PLAN_FILE,
    OFFICES_FILE,
    SPECIALTIES_FILE,
    PROCEDURE_FILE,
)

# Which committee level reviews which tier: the guide's committees are either 高级 (they review
# the high titles) or 中级; 助理级/员级 are recognised by HR offices (二、12), not by a committee.
_LEVEL_FOR_TIER: dict[str, str | None] = {
    "正高": COMMITTEE_LEVEL_HIGH,
    "副高": COMMITTEE_LEVEL_HIGH,
    "中级": COMMITTEE_LEVEL_INTERMEDIATE,
    "助理级": None,
    "员级": None,
}


class ReferenceDataError(ValueError):
    """A reference data file is missing, unreadable or inconsistent."""

    def __init__(self, file: str, key: str, detail: str) -> None:
        super().__init__(f"参考数据文件 {file} 中 {key} 有误：{detail}")
        self.file = file
        self.key = key
        self.detail = detail


@dataclass(frozen=True)
class Level:
    """One title of a track, e.g. 高级工程师, with its tier (副高)."""

    name: str
    tier: str


@dataclass(frozen=True)
class Track:
    """A sub-track of a series (卫生技术人员 → 医疗/药学/护理/技术); single-track series reuse their name."""

    name: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Series:
    """One of the guide's title series (二、1)."""

    number: int
    name: str
    tracks: tuple[Track, ...]


@dataclass(frozen=True)
class Committee:
    """A Kunming review committee (三): scope, organiser and phone as printed, plus the series it serves."""

    number: int
    name: str
    level: str
    scope: str
    organiser: str
    phone: str
    series: tuple[str, ...]
    district: str | None = None
    # Set for a committee that only takes one employer's staff (云南师范大学附属小学).
    unit: str | None = None


@dataclass(frozen=True)
class PlanRow:
    """A row of the year's review plan (二、5), linked to its committee."""

    number: int
    level: str
    name: str
    organiser: str
    month_text: str
    month: int
    committee: str


@dataclass(frozen=True)
class Office:
    """A district/county HR office (四); ``area`` is None for a row that serves no area."""

    number: int
    name: str
    area: str | None
    scope: str
    address: str
    phones: tuple[str, ...]
    phones_as_printed: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """All reference tables of one edition, with the look-ups the app needs."""

    edition: int
    series: tuple[Series, ...]
    committees: tuple[Committee, ...]
    plan: tuple[PlanRow, ...]
    offices: tuple[Office, ...]
    engineering_specialties: tuple[str, ...]
    # The procedure (unit types, approval chains, tier names, the city's HR office) of this edition.
    procedure: Procedure

    def series_by_name(self, name: str) -> Series | None:
        """The series with this exact name, or None."""
        return next((s for s in self.series if s.name == name), None)

    def track(self, series: str, track: str) -> Track | None:
        """The named track of the named series, or None."""
        found = self.series_by_name(series)
        if found is None:
            return None
        return next((t for t in found.tracks if t.name == track), None)

    def tier_of(self, series_name: str, title_name: str) -> str | None:
        """The tier (正高 … 员级) of a title within a series, or None when unknown."""
        found = self.series_by_name(series_name)
        if found is None:
            return None
        wanted = title_name.strip()
        for track in found.tracks:
            for level in track.levels:
                if level.name == wanted:
                    return level.tier
        return None

    def titles(self, series_name: str, track_name: str | None = None) -> tuple[str, ...]:
        """Title names of a series (or one of its tracks), tracks in guide order, highest tier first."""
        found = self.series_by_name(series_name)
        if found is None:
            return ()
        tracks = (
            found.tracks if track_name is None else tuple(t for t in found.tracks if t.name == track_name)
        )
        return tuple(level.name for track in tracks for level in track.levels)

    def committee_by_name(self, name: str) -> Committee | None:
        """The committee with this exact name (as in the committee list), or None."""
        return next((c for c in self.committees if c.name == name), None)

    def committees_for(
        self, series_name: str, tier: str | None = None, district: str | None = None
    ) -> tuple[Committee, ...]:
        """Committees serving a series, optionally for one tier and one district, in guide order."""
        if tier is not None and tier not in _LEVEL_FOR_TIER:
            raise ValueError(f"未知的职称层级“{tier}”，应为：{'、'.join(TIERS)}")
        wanted_level = _LEVEL_FOR_TIER[tier] if tier is not None else None
        if tier is not None and wanted_level is None:
            # 助理级/员级 are recognised or reviewed by HR offices, not by these committees.
            return ()
        result: list[Committee] = []
        for committee in self.committees:
            if series_name not in committee.series:
                continue
            if wanted_level is not None and committee.level != wanted_level:
                continue
            if district is not None and committee.district is not None and committee.district != district:
                continue
            result.append(committee)
        return tuple(result)

    def plan_for(self, committee_name: str) -> PlanRow | None:
        """The plan row of a committee, by its list name or by the name printed in the plan."""
        for row in self.plan:
            if row.committee == committee_name:
                return row
        return next((row for row in self.plan if row.name == committee_name), None)

    def office_for(self, area: str) -> tuple[Office, ...]:
        """The HR office rows serving an area (西山区 has two, split by unit kind)."""
        return tuple(o for o in self.offices if o.area == area)

    def districts(self) -> tuple[str, ...]:
        """The areas served by the HR offices, without duplicates, in guide order."""
        seen: list[str] = []
        for office in self.offices:
            if office.area is not None and office.area not in seen:
                seen.append(office.area)
        return tuple(seen)


def load_reference(folder: Path | None = None) -> Reference:
    """Load and check the reference tables; the bundled folder by default (cached)."""
    if folder is None:
        return _load_default()
    return _load(Path(folder))


def validate_reference_folder(folder: Path) -> Reference:
    """Check a folder of reference TOML files (e.g. a newer edition to import) and return its data."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReferenceDataError(str(folder), "文件夹", "找不到该文件夹")
    return _load(folder)


def _load_default() -> Reference:
    # Imported here so that the pure loader can be used without the app's path helpers.
    from desktop_app.paths import reference_folders

    # Keyed by the candidate folders, so another data folder (ZHICHENG_HOME) or a newly imported
    # edition is never answered from a stale cache.
    return _load_active(tuple(reference_folders()))


@functools.lru_cache(maxsize=4)
def _load_active(candidates: tuple[Path, ...]) -> Reference:
    return _active(candidates)[1]


def _active(candidates: Sequence[Path]) -> tuple[Path, Reference]:
    """The folder to use (the newest edition that loads; imported ones win ties; the bundled one, last, always)
    and its tables, as loaded while choosing it (every command loads them: once, not twice)."""
    bundled = Path(candidates[-1])
    best = _load(bundled)
    for folder in candidates[:-1]:
        try:
            loaded = _load(Path(folder))
        except ReferenceDataError:
            continue  # a damaged import must never stop the app: fall back to the next one
        if loaded.edition >= best.edition:
            return Path(folder), loaded
    return bundled, best


def reload_default_reference() -> Reference:
    """Forget the cached default tables (after importing a new edition) and load them again."""
    _load_active.cache_clear()
    return _load_default()


# --------------------------------------------------------------------------- loading helpers


class _Reader:
    """Typed access to one parsed TOML file; every error names the file and the key path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, detail: str) -> ReferenceDataError:
        return ReferenceDataError(self.file, key, detail)

    def table(self, data: Mapping[str, object], key: str, path: str) -> Mapping[str, object]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            raise self.fail(path, "应为表")
        return value

    def tables(self, data: Mapping[str, object], key: str, path: str) -> list[Mapping[str, object]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(path, "应为至少一项的表数组")
        result: list[Mapping[str, object]] = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.fail(f"{path}[{index}]", "应为表")
            result.append(item)
        return result

    def text(self, data: Mapping[str, object], key: str, path: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "应为非空文字")
        return value

    def optional_text(self, data: Mapping[str, object], key: str, path: str) -> str | None:
        if key not in data:
            return None
        return self.text(data, key, path)

    def integer(self, data: Mapping[str, object], key: str, path: str) -> int:
        value = data.get(key)
        # bool is an int subclass; "true" is never a valid number here.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(path, "应为整数")
        return value

    def texts(self, data: Mapping[str, object], key: str, path: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(path, "应为至少一项的文字列表")
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{path}[{index}]", "应为非空文字")
            result.append(item)
        return tuple(result)


def _read_file(folder: Path, name: str, use_cache: bool = False) -> tuple[_Reader, dict[str, object], int]:
    reader = _Reader(name)
    path = folder / name
    try:
        data: dict[str, object] = load_toml(path)[0] if use_cache else parse_toml(path)
    except FileNotFoundError:
        raise reader.fail("（整个文件）", f"找不到文件 {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise reader.fail("（TOML 语法）", str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise reader.fail("（整个文件）", f"无法读取：{exc}") from exc
    edition = reader.integer(data, "edition", "edition")
    reader.text(data, "source", "source")
    return reader, data, edition


def _unique(reader: _Reader, names: Sequence[str], path: str) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise reader.fail(f"{path}[{index}]", f"名称“{name}”重复")
        seen.add(name)


def _parse_series(reader: _Reader, data: Mapping[str, object]) -> tuple[Series, ...]:
    result: list[Series] = []
    for i, raw in enumerate(reader.tables(data, "series", "series")):
        path = f"series[{i}]"
        tracks: list[Track] = []
        for j, raw_track in enumerate(reader.tables(raw, "tracks", f"{path}.tracks")):
            tpath = f"{path}.tracks[{j}]"
            levels: list[Level] = []
            last_rank = -1
            for k, raw_level in enumerate(reader.tables(raw_track, "levels", f"{tpath}.levels")):
                lpath = f"{tpath}.levels[{k}]"
                name = reader.text(raw_level, "name", f"{lpath}.name").strip()
                tier = reader.text(raw_level, "tier", f"{lpath}.tier")
                if tier not in TIERS:
                    raise reader.fail(f"{lpath}.tier", f"“{tier}”不是有效层级，应为：{'、'.join(TIERS)}")
                # Levels run from the highest tier down, each tier at most once per track.
                rank = TIERS.index(tier)
                if rank <= last_rank:
                    raise reader.fail(f"{lpath}.tier", "同一序列中的层级须从高到低排列且不得重复")
                last_rank = rank
                levels.append(Level(name=name, tier=tier))
            tracks.append(Track(name=reader.text(raw_track, "name", f"{tpath}.name"), levels=tuple(levels)))
        _unique(reader, [t.name for t in tracks], f"{path}.tracks")
        # A title must be unambiguous inside its series, or tier_of() could not answer.
        _unique(reader, [lv.name for t in tracks for lv in t.levels], f"{path}.levels")
        result.append(
            Series(
                number=reader.integer(raw, "number", f"{path}.number"),
                name=reader.text(raw, "name", f"{path}.name"),
                tracks=tuple(tracks),
            )
        )
    _unique(reader, [s.name for s in result], "series")
    _unique(reader, [str(s.number) for s in result], "series.number")
    return tuple(result)


def _parse_committees(
    reader: _Reader, data: Mapping[str, object], series_names: set[str]
) -> tuple[Committee, ...]:
    result: list[Committee] = []
    for i, raw in enumerate(reader.tables(data, "committees", "committees")):
        path = f"committees[{i}]"
        level = reader.text(raw, "level", f"{path}.level")
        if level not in COMMITTEE_LEVELS_IN_GUIDE:
            raise reader.fail(f"{path}.level", f"“{level}”不是有效级别，应为“高级”或“中级”")
        series = reader.texts(raw, "series", f"{path}.series")
        for j, name in enumerate(series):
            if name not in series_names:
                raise reader.fail(f"{path}.series[{j}]", f"系列“{name}”不在 {SERIES_FILE} 中")
        result.append(
            Committee(
                number=reader.integer(raw, "number", f"{path}.number"),
                name=reader.text(raw, "name", f"{path}.name"),
                level=level,
                scope=reader.text(raw, "scope", f"{path}.scope"),
                organiser=reader.text(raw, "organiser", f"{path}.organiser"),
                phone=reader.text(raw, "phone", f"{path}.phone"),
                series=series,
                district=reader.optional_text(raw, "district", f"{path}.district"),
                unit=reader.optional_text(raw, "unit", f"{path}.unit"),
            )
        )
    _unique(reader, [c.name for c in result], "committees")
    _unique(reader, [f"{c.level}{c.number}" for c in result], "committees.number")
    return tuple(result)


def _parse_plan(
    reader: _Reader, data: Mapping[str, object], committees: Mapping[str, Committee]
) -> tuple[PlanRow, ...]:
    result: list[PlanRow] = []
    for i, raw in enumerate(reader.tables(data, "plan", "plan")):
        path = f"plan[{i}]"
        level = reader.text(raw, "level", f"{path}.level")
        if level not in COMMITTEE_LEVELS_IN_GUIDE:
            raise reader.fail(f"{path}.level", f"“{level}”不是有效级别，应为“高级”或“中级”")
        month = reader.integer(raw, "month", f"{path}.month")
        if not 1 <= month <= 12:
            raise reader.fail(f"{path}.month", f"月份 {month} 不在 1–12 之间")
        committee = reader.text(raw, "committee", f"{path}.committee")
        target = committees.get(committee)
        if target is None:
            raise reader.fail(f"{path}.committee", f"评委会“{committee}”不在 {COMMITTEES_FILE} 中")
        if target.level != level:
            raise reader.fail(f"{path}.level", f"与评委会“{committee}”的级别“{target.level}”不一致")
        result.append(
            PlanRow(
                number=reader.integer(raw, "number", f"{path}.number"),
                level=level,
                name=reader.text(raw, "name", f"{path}.name"),
                organiser=reader.text(raw, "organiser", f"{path}.organiser"),
                month_text=reader.text(raw, "month_text", f"{path}.month_text"),
                month=month,
                committee=committee,
            )
        )
    _unique(reader, [row.committee for row in result], "plan.committee")
    _unique(reader, [f"{row.level}{row.number}" for row in result], "plan.number")
    return tuple(result)


def _parse_offices(reader: _Reader, data: Mapping[str, object]) -> tuple[Office, ...]:
    result: list[Office] = []
    for i, raw in enumerate(reader.tables(data, "offices", "offices")):
        path = f"offices[{i}]"
        phones = reader.texts(raw, "phones", f"{path}.phones")
        printed = reader.texts(raw, "phones_as_printed", f"{path}.phones_as_printed")
        if len(phones) != len(printed):
            raise reader.fail(f"{path}.phones", "phones 与 phones_as_printed 的个数须相同")
        result.append(
            Office(
                number=reader.integer(raw, "number", f"{path}.number"),
                name=reader.text(raw, "name", f"{path}.name"),
                area=reader.optional_text(raw, "area", f"{path}.area"),
                scope=reader.text(raw, "scope", f"{path}.scope"),
                address=reader.text(raw, "address", f"{path}.address"),
                phones=phones,
                phones_as_printed=printed,
            )
        )
    _unique(reader, [str(o.number) for o in result], "offices.number")
    return tuple(result)


def _load(folder: Path) -> Reference:
    try:
        return _load_files(folder, use_cache=True)
    except ReferenceDataError:
        return _load_files(folder, use_cache=False)  # a cached parse is never why the tables are refused


def _load_files(folder: Path, use_cache: bool) -> Reference:
    editions: dict[str, int] = {}

    reader, data, editions[SERIES_FILE] = _read_file(folder, SERIES_FILE, use_cache)
    series = _parse_series(reader, data)

    reader, data, editions[COMMITTEES_FILE] = _read_file(folder, COMMITTEES_FILE, use_cache)
    committees = _parse_committees(reader, data, {s.name for s in series})

    reader, data, editions[PLAN_FILE] = _read_file(folder, PLAN_FILE, use_cache)
    plan = _parse_plan(reader, data, {c.name: c for c in committees})

    reader, data, editions[OFFICES_FILE] = _read_file(folder, OFFICES_FILE, use_cache)
    offices = _parse_offices(reader, data)

    reader, data, editions[SPECIALTIES_FILE] = _read_file(folder, SPECIALTIES_FILE, use_cache)
    specialties = tuple(s.strip() for s in reader.texts(data, "specialties", "specialties"))
    _unique(reader, specialties, "specialties")

    reader, data, editions[PROCEDURE_FILE] = _read_file(folder, PROCEDURE_FILE, use_cache)
    procedure = parse_procedure(reader, data)

    # All files describe one guide edition; mixing years would pair wrong phones with wrong plans.
    edition = editions[SERIES_FILE]
    for name, other in editions.items():
        if other != edition:
            raise ReferenceDataError(
                name, "edition", f"版本 {other} 与 {SERIES_FILE} 的版本 {edition} 不一致"
            )

    return Reference(
        edition=edition,
        series=series,
        committees=committees,
        plan=plan,
        offices=offices,
        engineering_specialties=specialties,
        procedure=procedure,
    )

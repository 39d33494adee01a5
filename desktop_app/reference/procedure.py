"""The guide's procedure as data (resources/reference/procedure.toml): unit types, approval chains, tiers.

Pure: parsing takes the loader's reader, so a broken file names its key; the chain is computed here
from the data alone (no unit type, tier or city is named in code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

PROCEDURE_FILE = "procedure.toml"
# Who signs a tier, besides an answer "section.field": the HR office of the chosen district, the city's HR bureau.
DISTRICT_OFFICE = "district_office"
CITY_HR = "city_hr"


@dataclass(frozen=True)
class Tier:
    """One tier of the approval chain; the unit tier gets the 基层单位意见 page.

    `organisation` says who signs: an answer ("basic.unit"), "district_office" or "city_hr".
    """

    key: str
    name: str
    is_unit_tier: bool
    organisation: str = ""


@dataclass(frozen=True)
class UnitType:
    """A 单位类型 of the cover and its chain of tier ids (二、3（1））."""

    name: str
    chain: tuple[str, ...]
    guide_text: str
    freelancer: bool = False


@dataclass(frozen=True)
class CommitteeLevelRule:
    """A 评委会级别: whether its committees are the guide's list, and the tiers it adds (二、3（2））."""

    name: str
    listed: bool
    adds: tuple[str, ...]
    guide_text: str = ""


@dataclass(frozen=True)
class DispatchRule:
    """二、10（1）: staff dispatched to an employer of this nature follow another unit type's procedure."""

    employer_nature: str
    unit_type: str
    workplace: str
    guide_text: str


@dataclass(frozen=True)
class Procedure:
    """The procedure of one guide edition."""

    guide_title: str
    city: str
    city_hr: str
    committee_levels: tuple[CommitteeLevelRule, ...]
    tiers: Mapping[str, Tier]
    unit_types: tuple[UnitType, ...]
    dispatch_front: tuple[str, ...]
    dispatch_text: str
    employer_natures: tuple[str, ...]
    dispatch_rules: tuple[DispatchRule, ...]
    # 二、19: where the signed 承诺书 comes from (its placeholder page).
    commitment_note: str = ""
    # Short forms people type for full official names (不得使用简称): short → full.
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    # 五、（一）–（二）: the online declaration system's address and the steps taken there (with placeholders).
    online_address: str = ""
    online_steps: tuple[str, ...] = ()

    @property
    def unit_type_names(self) -> tuple[str, ...]:
        """The cover's 单位类型 choices, in the guide's order."""
        return tuple(u.name for u in self.unit_types)

    @property
    def level_names(self) -> tuple[str, ...]:
        """The cover's 评委会级别 choices."""
        return tuple(level.name for level in self.committee_levels)

    def unit_type(self, name: str) -> UnitType | None:
        """The unit type with this name, or None."""
        return next((u for u in self.unit_types if u.name == name), None)

    def level(self, name: str) -> CommitteeLevelRule | None:
        """The committee level with this name, or None."""
        return next((c for c in self.committee_levels if c.name == name), None)

    def dispatch_rule(self, employer_nature: str) -> DispatchRule | None:
        """The 二、10 rule for a dispatched person's employer nature, or None."""
        return next((r for r in self.dispatch_rules if r.employer_nature == employer_nature), None)

    def is_freelancer(self, unit_type: str) -> bool:
        """Whether this unit type is the freelancers' one."""
        found = self.unit_type(unit_type)
        return found is not None and found.freelancer

    def chain(
        self, unit_type: str, committee_level: str, dispatched: bool, employer_nature: str = ""
    ) -> tuple[Tier, ...]:
        """The tiers that sign and seal after the applicant, in order; ValueError (Chinese) when undecidable."""
        found = self.unit_type(unit_type)
        if found is None:
            raise ValueError(f"未知的单位类型“{unit_type}”，应为：{'、'.join(self.unit_type_names)}")
        level = self.level(committee_level)
        if level is None:
            raise ValueError(f"未知的评委会级别“{committee_level}”，应为：{'、'.join(self.level_names)}")
        ids = found.chain
        if dispatched:
            if found.freelancer:
                # A dispatched worker has a labour contract with the dispatch company, so is no freelancer.
                raise ValueError("自由职业者没有劳务派遣关系，请核对单位类型或取消“劳务派遣”")
            rule = self.dispatch_rule(employer_nature)
            if rule is not None:
                ids = self.unit_type(rule.unit_type).chain  # type: ignore[union-attr]  # checked at load
            ids = self.dispatch_front + tuple(i for i in ids if not self.tiers[i].is_unit_tier)
        return tuple(self.tiers[i] for i in ids + level.adds)

    def explain(
        self, unit_type: str, committee_level: str, dispatched: bool, employer_nature: str = ""
    ) -> str:
        """The guide's own sentences for this chain (二、3, 二、10, 二、18), for the cover page."""
        found = self.unit_type(unit_type)
        level = self.level(committee_level)
        parts: list[str] = []
        rule = self.dispatch_rule(employer_nature) if dispatched else None
        if rule is not None:
            parts.append(rule.guide_text)
            other = self.unit_type(rule.unit_type)
            if other is not None:
                parts.append(other.guide_text)
        elif found is not None:
            parts.append(found.guide_text)
        if dispatched and found is not None and not found.freelancer:
            parts.append(self.dispatch_text)
        if level is not None and level.guide_text:
            parts.append(level.guide_text)
        return "".join(parts)


class Reader(Protocol):
    """The loader's typed access to a parsed TOML file (desktop_app.reference.data._Reader)."""

    def fail(self, key: str, detail: str) -> ValueError: ...

    def table(self, data: Mapping[str, object], key: str, path: str) -> Mapping[str, object]: ...

    def tables(self, data: Mapping[str, object], key: str, path: str) -> list[Mapping[str, object]]: ...

    def text(self, data: Mapping[str, object], key: str, path: str) -> str: ...

    def texts(self, data: Mapping[str, object], key: str, path: str) -> tuple[str, ...]: ...


def _ids(
    reader: Reader,
    raw: Mapping[str, object],
    key: str,
    path: str,
    tiers: Mapping[str, Tier],
    allow_empty: bool = False,
) -> tuple[str, ...]:
    value: Any = raw.get(key, [] if allow_empty else None)
    if allow_empty and value == []:
        return ()
    ids = reader.texts(raw, key, path)
    for index, tier_id in enumerate(ids):
        if tier_id not in tiers:
            raise reader.fail(f"{path}[{index}]", f"没有名为“{tier_id}”的审核层级（见 [tiers]）")
    return ids


def _flag(reader: Reader, raw: Mapping[str, object], key: str, path: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise reader.fail(path, "应为 true 或 false")
    return value


def parse_procedure(reader: Reader, data: Mapping[str, object]) -> Procedure:
    """Check and build the procedure; every inconsistency names its key."""
    tiers: dict[str, Tier] = {}
    for tier_id, raw in reader.table(data, "tiers", "tiers").items():
        path = f"tiers.{tier_id}"
        if not isinstance(raw, Mapping):
            raise reader.fail(path, "应为表")
        organisation = reader.text(raw, "organisation", f"{path}.organisation")
        if organisation not in (DISTRICT_OFFICE, CITY_HR) and organisation.partition(".")[0] not in (
            "basic",
            "cover",
        ):
            raise reader.fail(
                f"{path}.organisation", "应为 basic.字段、cover.字段、district_office 或 city_hr"
            )
        tiers[tier_id] = Tier(
            key=reader.text(raw, "key", f"{path}.key"),
            name=reader.text(raw, "name", f"{path}.name"),
            is_unit_tier=_flag(reader, raw, "unit_tier", f"{path}.unit_tier"),
            organisation=organisation,
        )
    unit_types: list[UnitType] = []
    for i, raw in enumerate(reader.tables(data, "unit_types", "unit_types")):
        path = f"unit_types[{i}]"
        chain = _ids(reader, raw, "chain", f"{path}.chain", tiers)
        if not tiers[chain[0]].is_unit_tier:
            raise reader.fail(f"{path}.chain[0]", "第一级须是单位一级（unit_tier = true）")
        unit_types.append(
            UnitType(
                name=reader.text(raw, "name", f"{path}.name"),
                chain=chain,
                guide_text=reader.text(raw, "guide_text", f"{path}.guide_text"),
                freelancer=_flag(reader, raw, "freelancer", f"{path}.freelancer"),
            )
        )
    names = [u.name for u in unit_types]
    if len(set(names)) != len(names):
        raise reader.fail("unit_types", "单位类型名称重复")
    levels: list[CommitteeLevelRule] = []
    for i, raw in enumerate(reader.tables(data, "committee_levels", "committee_levels")):
        path = f"committee_levels[{i}]"
        guide_text = raw.get("guide_text", "")
        levels.append(
            CommitteeLevelRule(
                name=reader.text(raw, "name", f"{path}.name"),
                listed=_flag(reader, raw, "listed", f"{path}.listed"),
                adds=_ids(reader, raw, "adds", f"{path}.adds", tiers, allow_empty=True),
                guide_text=guide_text if isinstance(guide_text, str) else "",
            )
        )
    dispatch = reader.table(data, "dispatch", "dispatch")
    front = _ids(reader, dispatch, "front", "dispatch.front", tiers)
    natures = reader.texts(dispatch, "employer_natures", "dispatch.employer_natures")
    rules: list[DispatchRule] = []
    for i, raw in enumerate(
        reader.tables(dispatch, "rules", "dispatch.rules") if "rules" in dispatch else []
    ):
        path = f"dispatch.rules[{i}]"
        rule = DispatchRule(
            employer_nature=reader.text(raw, "employer_nature", f"{path}.employer_nature"),
            unit_type=reader.text(raw, "unit_type", f"{path}.unit_type"),
            workplace=reader.text(raw, "workplace", f"{path}.workplace"),
            guide_text=reader.text(raw, "guide_text", f"{path}.guide_text"),
        )
        if rule.employer_nature not in natures:
            raise reader.fail(
                f"{path}.employer_nature", f"应为 dispatch.employer_natures 之一：{'、'.join(natures)}"
            )
        if rule.unit_type not in names:
            raise reader.fail(f"{path}.unit_type", f"应为 unit_types 之一：{'、'.join(names)}")
        rules.append(rule)
    return Procedure(
        guide_title=reader.text(data, "guide_title", "guide_title"),
        city=reader.text(data, "city", "city"),
        city_hr=reader.text(data, "city_hr", "city_hr"),
        committee_levels=tuple(levels),
        tiers=tiers,
        unit_types=tuple(unit_types),
        dispatch_front=front,
        dispatch_text=reader.text(dispatch, "guide_text", "dispatch.guide_text"),
        employer_natures=natures,
        dispatch_rules=tuple(rules),
        commitment_note=reader.text(data, "commitment_note", "commitment_note"),
        abbreviations=_abbreviations(reader, data),
        online_address=reader.text(data, "online_address", "online_address"),
        online_steps=reader.texts(data, "online_steps", "online_steps"),
    )


def _abbreviations(reader: Reader, data: Mapping[str, object]) -> dict[str, str]:
    raw = data.get("abbreviations", {})
    if not isinstance(raw, Mapping):
        raise reader.fail("abbreviations", "应为表（简称 = 全称）")
    result: dict[str, str] = {}
    for short, full in raw.items():
        if not isinstance(full, str) or not full.strip() or not str(short).strip():
            raise reader.fail(f"abbreviations.{short}", "应为非空的全称")
        result[str(short)] = full
    return result

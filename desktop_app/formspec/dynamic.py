"""Choices that come from the reference data and depend on other answers (series → track → title …)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.formspec.model import FieldSpec
from desktop_app.reference import Reference

TIERS = ("正高", "副高", "中级", "助理级", "员级")


def dynamic_choices(
    spec: FieldSpec, entry: Mapping[str, Any], cover: Mapping[str, Any], reference: Reference
) -> tuple[str, ...] | None:
    """The allowed values of a reference-backed field given the other answers; None when not yet decidable."""
    source = spec.choices_from
    # Inside the cover the entry is the cover; elsewhere (现有职称情况) the entry's own series counts.
    series = entry.get("series") or (cover.get("series") if entry is cover else None)
    if source == "series":
        return tuple(s.name for s in reference.series)
    if source == "track":
        found = reference.series_by_name(series) if series else None
        return None if found is None else tuple(t.name for t in found.tracks)
    if source == "title":
        if not series or reference.series_by_name(series) is None:
            return None
        track = entry.get("track") or None
        return reference.titles(series, track)
    if source == "committee":
        level = reference.procedure.level(str(cover.get("committee_level") or ""))
        if level is not None and not level.listed:
            return None  # the province's committees are not in the guide's list: typed in full
        return tuple(c.name for c in reference.committees)
    if source == "district":
        return reference.districts()
    # The guide's procedure (procedure.toml): one list each, for the cover and the rules alike.
    if source == "unit_type":
        return reference.procedure.unit_type_names
    if source == "committee_level":
        return reference.procedure.level_names
    if source == "employer_nature":
        return reference.procedure.employer_natures
    if source == "declare_type":
        # “工程技术” (二、19) stands for the 工程技术人员 series: listing both would offer it twice.
        names = [s.name for s in reference.series if s.name != "工程技术人员"]
        return ("工程技术", *names)
    return None


def suggested_committees(cover: Mapping[str, Any], reference: Reference) -> tuple[str, ...]:
    """Committees whose scope fits the chosen series, tier and district (市级 only)."""
    series = cover.get("series")
    if not series:
        return ()
    tier = cover.get("tier") or None
    district = cover.get("district") or None
    return tuple(c.name for c in reference.committees_for(series, tier, district))

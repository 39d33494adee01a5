"""The cover's cascade as rules (pure): which 申报级别, 申报职称 and 评审委员会 fit the answers so far, and which
signers the approval chain needs. The cover page only applies them, step by step, to what is on screen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.formspec.completeness import chain_answer_fields
from desktop_app.formspec.dynamic import dynamic_choices, suggested_committees
from desktop_app.formspec.model import FieldSpec
from desktop_app.reference import TIERS, Reference


def tier_choices(cover: Mapping[str, Any], reference: Reference) -> tuple[str, ...]:
    """申报级别 offers only the tiers the chosen series and 专业（子系列） have (every tier before they are chosen)."""
    series, track = cover.get("series"), cover.get("track")
    chosen = reference.track(series, track) if series and track else None
    if chosen is None:
        return TIERS
    present = {level.tier for level in chosen.levels}
    return tuple(t for t in TIERS if t in present)


def tier_of_chosen_title(
    cover: Mapping[str, Any], reference: Reference, tiers: tuple[str, ...]
) -> str | None:
    """The tier to fill in when the title was chosen before its tier (so the order of choosing does not matter)."""
    series, title = cover.get("series"), cover.get("title_name")
    if not series or not title or cover.get("tier"):
        return None
    tier = reference.tier_of(series, title)
    return tier if tier is not None and tier in tiers else None


def title_choices(
    title_spec: FieldSpec, cover: Mapping[str, Any], reference: Reference
) -> tuple[str, ...] | None:
    """申报职称 offers the titles of the chosen series and track, only those of the chosen tier; None: not decidable."""
    titles = dynamic_choices(title_spec, cover, cover, reference)
    tier = cover.get("tier")
    if titles is not None and tier:
        series = str(cover.get("series") or "")
        titles = tuple(t for t in titles if reference.tier_of(series, t) == tier)
    return titles


def committee_choices(cover: Mapping[str, Any], reference: Reference) -> tuple[str, ...]:
    """The committees offered: those that fit series, tier and district, else all listed; none for a level whose
    committees the guide does not list (typed in full)."""
    level = reference.procedure.level(str(cover.get("committee_level") or ""))
    if level is not None and not level.listed:
        return ()
    committees = suggested_committees(cover, reference) if cover.get("series") else ()
    return committees or tuple(c.name for c in reference.committees)


def signers_needed(cover: Mapping[str, Any], reference: Reference) -> dict[str, bool]:
    """Cover field key → whether the approval chain needs it (主管部门, 所在县（市）区 … sign only some chains)."""
    every, needed = chain_answer_fields(reference.procedure, cover)
    return {name.partition(".")[2]: name in needed for name in every if name.startswith("cover.")}

"""The cover's cascade as pure rules (formspec.cover), which the cover page only applies (issue 11)."""

from __future__ import annotations

from desktop_app.formspec.cover import (
    committee_choices,
    signers_needed,
    tier_choices,
    tier_of_chosen_title,
    title_choices,
)
from desktop_app.formspec.loader import load_forms
from desktop_app.reference import TIERS, load_reference

TEACHERS = {"series": "高等学校教师", "track": "高等学校教师"}


def test_a_track_offers_only_its_own_tiers() -> None:
    reference = load_reference()
    assert tier_choices({}, reference) == TIERS  # nothing chosen yet: every tier
    assert tier_choices(TEACHERS, reference) == (
        "正高",
        "副高",
        "中级",
        "助理级",
    )  # no 员级 for university teachers


def test_choosing_the_title_first_fills_in_its_tier_and_the_tier_narrows_the_titles() -> None:
    reference = load_reference()
    spec = load_forms().section("cover").field("title_name")
    tiers = tier_choices(TEACHERS, reference)
    assert tier_of_chosen_title({**TEACHERS, "title_name": "讲师"}, reference, tiers) == "中级"
    assert tier_of_chosen_title({**TEACHERS, "title_name": "讲师", "tier": "副高"}, reference, tiers) is None
    assert title_choices(spec, TEACHERS, reference) == ("教授", "副教授", "讲师", "助教")
    assert title_choices(spec, {**TEACHERS, "tier": "中级"}, reference) == ("讲师",)
    assert title_choices(spec, {}, reference) is None  # no series yet: not decidable


def test_committees_fit_the_answers_and_unlisted_levels_offer_none() -> None:
    reference = load_reference()
    every = tuple(c.name for c in reference.committees)
    assert committee_choices({}, reference) == every
    fitting = committee_choices({**TEACHERS, "tier": "中级"}, reference)
    assert fitting and set(fitting) < set(every)
    unlisted = [rule.name for rule in reference.procedure.committee_levels if not rule.listed]
    assert unlisted and committee_choices({"committee_level": unlisted[0]}, reference) == ()


def test_the_chain_decides_which_signers_are_asked() -> None:
    reference = load_reference()
    procedure = reference.procedure
    city_unit = {"unit_type": procedure.unit_type_names[0], "committee_level": procedure.level_names[0]}
    needed = signers_needed(city_unit, reference)
    assert needed["supervisor"] is True  # 市属国有企事业单位 at 市级: the 主管部门 signs
    assert needed["dispatch_company"] is False  # not dispatched: no 劳务派遣公司 tier

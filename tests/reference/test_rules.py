"""Rules from the guide: approval chain (二、3, 二、18), eligibility (二、2), seniority (二、6), 二、12."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.reference import (
    EDUCATION_LABELS,
    annual_review_years,
    approval_chain,
    eligibility_findings,
    full_years,
    graduate_recognition,
    seniority_cutoff,
    seniority_years,
)
from desktop_app.reference.data import load_reference

# The guide's procedure is data now (resources/reference/procedure.toml); the names below are the guide's.
PROCEDURE = load_reference().procedure
UNIT_TYPES = PROCEDURE.unit_type_names
COMMITTEE_LEVELS = PROCEDURE.level_names

CITY_HR = "市人力资源和社会保障局"
BASE = {
    "市属国有企事业单位": ["单位", "主管部门"],
    "县区国有企事业单位": ["单位", "主管部门", "县（市）区人力资源社会保障部门"],
    "非公有制经济组织和社会组织": ["单位（或人事代理机构）", "属地县（市）区人力资源社会保障部门"],
    "自由职业者": ["人事代理机构或行业协会"],
}
DISPATCHED = {
    "市属国有企事业单位": ["劳务派遣公司", "用人单位", "主管部门"],
    "县区国有企事业单位": ["劳务派遣公司", "用人单位", "主管部门", "县（市）区人力资源社会保障部门"],
    "非公有制经济组织和社会组织": ["劳务派遣公司", "用人单位", "属地县（市）区人力资源社会保障部门"],
}


def test_constants() -> None:
    assert UNIT_TYPES == (
        "市属国有企事业单位",
        "县区国有企事业单位",
        "非公有制经济组织和社会组织",
        "自由职业者",
    )
    assert COMMITTEE_LEVELS == ("市级", "省级")


@pytest.mark.parametrize("unit_type", UNIT_TYPES)
@pytest.mark.parametrize("committee_level", COMMITTEE_LEVELS)
@pytest.mark.parametrize("dispatched", [False, True])
def test_approval_chain(unit_type: str, committee_level: str, dispatched: bool) -> None:
    if dispatched and unit_type == "自由职业者":
        with pytest.raises(ValueError, match="自由职业者"):
            approval_chain(unit_type, committee_level, dispatched)
        return
    expected = list((DISPATCHED if dispatched else BASE)[unit_type])
    if committee_level == "省级":
        expected.append(CITY_HR)
    chain = approval_chain(unit_type, committee_level, dispatched)
    assert [t.name for t in chain] == expected
    # The unit tiers (one, or two for dispatched staff) come first and only there.
    unit_count = 2 if dispatched else 1
    assert [t.is_unit_tier for t in chain] == [True] * unit_count + [False] * (len(chain) - unit_count)
    assert len({t.key for t in chain}) == len(chain)


def test_chain_keys() -> None:
    assert [t.key for t in approval_chain("县区国有企事业单位", "省级", False)] == [
        "unit",
        "department",
        "county_hr",
        "city_hr",
    ]
    assert [t.key for t in approval_chain("市属国有企事业单位", "市级", True)] == [
        "dispatch_company",
        "employer",
        "department",
    ]


def test_dispatched_to_a_public_institution_follows_the_non_public_procedure() -> None:
    # 二、10（1）: 派遣单位 as 工作单位, 非公 procedure, the 用人单位's double review kept; 省级 adds the city bureau.
    for unit_type in ("市属国有企事业单位", "县区国有企事业单位", "非公有制经济组织和社会组织"):
        chain = approval_chain(unit_type, "市级", True, "事业单位")
        assert [t.name for t in chain] == ["劳务派遣公司", "用人单位", "属地县（市）区人力资源社会保障部门"]
        assert "主管部门" not in [t.name for t in chain]
    assert [t.key for t in approval_chain("市属国有企事业单位", "省级", True, "事业单位")][-1] == "city_hr"
    # Dispatched to a state-owned enterprise: the unit type's own chain (二、18).
    assert [t.name for t in approval_chain("市属国有企事业单位", "市级", True, "国有企业")] == DISPATCHED[
        "市属国有企事业单位"
    ]


def test_chain_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match="未知的单位类型“个体户”"):
        approval_chain("个体户", "市级", False)
    with pytest.raises(ValueError, match="未知的评委会级别"):
        approval_chain("市属国有企事业单位", "国家级", False)


# ----------------------------------------------------------------------------- eligibility


def _findings(**overrides: object) -> tuple[str, ...]:
    args: dict[str, object] = {
        "is_civil_servant": False,
        "is_retired": False,
        "is_freelancer": False,
        "freelance_years": None,
        "has_recommending_agency": False,
    }
    args.update(overrides)
    return eligibility_findings(**args)  # type: ignore[arg-type]


def test_employee_is_eligible() -> None:
    assert _findings() == ()


def test_civil_servant_and_retiree() -> None:
    (message,) = _findings(is_civil_servant=True)
    assert "公务员（含参公管理的人员）" in message and "不得参加职称评审" in message
    (message,) = _findings(is_retired=True)
    assert "离退休人员" in message and "不得参加职称评审" in message
    assert len(_findings(is_civil_servant=True, is_retired=True)) == 2


def test_freelancer_rules() -> None:
    assert _findings(is_freelancer=True, freelance_years=1, has_recommending_agency=True) == ()
    (short,) = _findings(is_freelancer=True, freelance_years=0.5, has_recommending_agency=True)
    assert "1年以上" in short and "0.5" in short
    (missing,) = _findings(is_freelancer=True, freelance_years=None, has_recommending_agency=True)
    assert "未填写" in missing
    (agency,) = _findings(is_freelancer=True, freelance_years=3, has_recommending_agency=False)
    assert "人事代理机构或行业协会推荐" in agency
    assert len(_findings(is_freelancer=True, freelance_years=0, has_recommending_agency=False)) == 2


def test_freelance_fields_ignored_for_employees() -> None:
    assert _findings(is_freelancer=False, freelance_years=0, has_recommending_agency=False) == ()


# ----------------------------------------------------------------------------- seniority


def test_cutoff_is_31_december() -> None:
    assert seniority_cutoff(2026) == date(2026, 12, 31)
    assert seniority_cutoff(2022) == date(2022, 12, 31)


@pytest.mark.parametrize(
    ("start", "year", "expected"),
    [
        (date(2019, 7, 1), 2026, 7),
        (date(2018, 1, 1), 2022, 5),  # the cutoff day counts: 2018-01-01 … 2022-12-31 is five years
        (date(2018, 1, 2), 2022, 4),
        (date(2017, 12, 31), 2022, 5),
        (date(2022, 6, 1), 2022, 0),
        (date(2023, 1, 1), 2022, 0),  # starts after the cutoff
        (date(2020, 2, 29), 2024, 4),  # leap-day start, anniversary exists in 2024
        (date(2020, 2, 29), 2021, 1),
    ],
)
def test_full_years(start: date, year: int, expected: int) -> None:
    assert full_years(start, year) == expected


def test_seniority_years_fraction() -> None:
    # 2026-07-01 … 2026-12-31 is 184 of the 365 days to 2027-07-01.
    assert seniority_years(date(2019, 7, 1), 2026) == pytest.approx(7 + 184 / 365)
    assert seniority_years(date(2018, 1, 1), 2022) == pytest.approx(5.0)
    assert seniority_years(date(2024, 1, 1), 2022) == 0.0


# ----------------------------------------------------------------------------- 二、12


@pytest.mark.parametrize(
    ("education", "years", "tier"),
    [
        ("中专", 0.5, None),
        ("中专", 1, "员级"),
        ("大专", 2, "员级"),
        ("技工院校中级工班", 1, "员级"),
        ("技工院校高级工班", 0, None),
        ("本科", 0, "员级"),
        ("学士", 0.9, "员级"),
        ("本科", 1, "助理级"),
        ("技工院校预备技师班", 0, "员级"),
        ("技工院校预备技师班", 1, "助理级"),
        ("硕士", 0, "助理级"),
        ("双学士", 0, "助理级"),
        ("硕士", 3, "助理级"),
        ("博士", 0, "中级"),
    ],
)
def test_graduate_recognition(education: str, years: float, tier: str | None) -> None:
    assert graduate_recognition(education, years) == tier


def test_graduate_recognition_rejects_unclear_labels() -> None:
    with pytest.raises(ValueError, match="硕士"):
        graduate_recognition("研究生", 0)
    with pytest.raises(ValueError, match="未知的学历"):
        graduate_recognition("高中", 5)
    with pytest.raises(ValueError, match="负数"):
        graduate_recognition("本科", -1)
    assert "研究生" not in EDUCATION_LABELS


# ----------------------------------------------------------------------------- 年度考核


def test_annual_review_years() -> None:
    assert annual_review_years(2026) == (2021, 2022, 2023, 2024, 2025)
    assert annual_review_years(2022) == (2017, 2018, 2019, 2020, 2021)

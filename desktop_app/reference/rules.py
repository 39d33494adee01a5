"""Pure rules transcribed from the guide: approval chain, eligibility, seniority, graduate recognition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

UNIT_TYPES: tuple[str, ...] = (
    "市属国有企事业单位",
    "县区国有企事业单位",
    "非公有制经济组织和社会组织",
    "自由职业者",
)
COMMITTEE_LEVELS: tuple[str, ...] = ("市级", "省级")

UNIT_CITY, UNIT_COUNTY, UNIT_NON_PUBLIC, UNIT_FREELANCER = UNIT_TYPES
COMMITTEE_CITY, COMMITTEE_PROVINCE = COMMITTEE_LEVELS


@dataclass(frozen=True)
class Tier:
    """One tier of the approval chain; the unit tier gets the 基层单位意见 page."""

    key: str
    name: str
    is_unit_tier: bool


# Tier names are printed on the page each tier signs, so they use the guide's wording: 二、3 for the
# chain (with 五、（二）3's "县（市）区" spelling of the county level) and 二、18 for dispatched staff.
_UNIT = Tier("unit", "单位", True)
_DEPARTMENT = Tier("department", "主管部门", False)
_COUNTY_HR = Tier("county_hr", "县（市）区人力资源社会保障部门", False)
_UNIT_OR_AGENCY = Tier("unit", "单位（或人事代理机构）", True)
_LOCAL_COUNTY_HR = Tier("county_hr", "属地县（市）区人力资源社会保障部门", False)
# A freelancer has no unit: the recommending agency or association plays the unit's part
# (it recommends and signs first), so it carries the unit page.
_AGENCY = Tier("agency", "人事代理机构或行业协会", True)
_CITY_HR = Tier("city_hr", "市人力资源和社会保障局", False)
# 二、18: "劳务派遣公司和用人单位“双公示、双审核、双盖章”", in that order.
_DISPATCH_COMPANY = Tier("dispatch_company", "劳务派遣公司", True)
_EMPLOYER = Tier("employer", "用人单位", True)

_CHAINS: dict[str, tuple[Tier, ...]] = {
    UNIT_CITY: (_UNIT, _DEPARTMENT),
    UNIT_COUNTY: (_UNIT, _DEPARTMENT, _COUNTY_HR),
    UNIT_NON_PUBLIC: (_UNIT_OR_AGENCY, _LOCAL_COUNTY_HR),
    UNIT_FREELANCER: (_AGENCY,),
}


def approval_chain(unit_type: str, committee_level: str, dispatched: bool) -> tuple[Tier, ...]:
    """The tiers that sign and seal after the applicant, in order (guide 二、3 and 二、18)."""
    chain = _CHAINS.get(unit_type)
    if chain is None:
        raise ValueError(f"未知的单位类型“{unit_type}”，应为：{'、'.join(UNIT_TYPES)}")
    if committee_level not in COMMITTEE_LEVELS:
        raise ValueError(f"未知的评委会级别“{committee_level}”，应为：{'、'.join(COMMITTEE_LEVELS)}")
    if dispatched:
        if unit_type == UNIT_FREELANCER:
            # A dispatched worker has a labour contract with the dispatch company, so is no freelancer.
            raise ValueError("自由职业者没有劳务派遣关系，请核对单位类型或取消“劳务派遣”")
        chain = (_DISPATCH_COMPANY, _EMPLOYER) + tuple(t for t in chain if not t.is_unit_tier)
    if committee_level == COMMITTEE_PROVINCE:
        # 二、3（2）: after the steps of (1), the city HR bureau reviews before the provincial committee.
        chain = chain + (_CITY_HR,)
    return chain


def eligibility_findings(
    *,
    is_civil_servant: bool,
    is_retired: bool,
    is_freelancer: bool,
    freelance_years: float | None,
    has_recommending_agency: bool,
) -> tuple[str, ...]:
    """Reasons (guide 二、2) why the person may not apply; empty when none applies."""
    findings: list[str] = []
    if is_civil_servant:
        findings.append("公务员（含参公管理的人员）不得参加职称评审（指南二、2）。")
    if is_retired:
        findings.append(
            "离退休人员（以评委会开评时间为准，不含被批准在延迟退休期内的人员）不得参加职称评审（指南二、2）。"
        )
    if is_freelancer:
        # "1年以上" includes exactly one year, as 以上 does in Chinese regulations.
        if freelance_years is None or freelance_years < 1:
            shown = "未填写" if freelance_years is None else f"{freelance_years:g} 年"
            findings.append(
                f"自由职业者须在专业领域工作1年以上，方可参加职称评审（指南二、2）；当前：{shown}。"
            )
        if not has_recommending_agency:
            findings.append("自由职业者须经人事代理机构或行业协会推荐，方可参加职称评审（指南二、2）。")
    return tuple(findings)


def seniority_cutoff(year: int) -> date:
    """The date seniority is counted up to: 31 December of the declaration year (guide 二、6)."""
    return date(year, 12, 31)


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        # 29 February in a non-leap year: the year is complete only once February is over.
        return date(start.year + years, 3, 1)


def full_years(start: date, year: int) -> int:
    """Whole years from ``start`` through the cutoff day of ``year`` (the cutoff day itself counts)."""
    # "截至12月31日" includes that day, so a year is complete when its anniversary falls on or
    # before the following 1 January: a start on 2018-01-01 has 5 full years by 2022-12-31.
    end = seniority_cutoff(year) + timedelta(days=1)
    if start >= end:
        return 0
    count = end.year - start.year
    while count > 0 and _add_years(start, count) > end:
        count -= 1
    return count


def seniority_years(start: date, declaration_year: int) -> float:
    """Years (with fraction) from ``start`` through 31 December of the declaration year."""
    whole = full_years(start, declaration_year)
    end = seniority_cutoff(declaration_year) + timedelta(days=1)
    if start >= end:
        return 0.0
    last = _add_years(start, whole)
    following = _add_years(start, whole + 1)
    return whole + (end - last).days / (following - last).days


# Education labels the graduate-recognition rule accepts, grouped as the guide groups them (二、12（2）).
_EDU_ASSISTANT_TRACK = ("中专", "大专", "技工院校中级工班", "技工院校高级工班")
_EDU_BACHELOR = ("本科", "学士", "技工院校预备技师班", "技工院校技师班")
_EDU_MASTER = ("硕士", "双学士")
_EDU_DOCTOR = ("博士",)
EDUCATION_LABELS: tuple[str, ...] = _EDU_ASSISTANT_TRACK + _EDU_BACHELOR + _EDU_MASTER + _EDU_DOCTOR


def graduate_recognition(education: str, years_of_practice: float) -> str | None:
    """The tier a graduate may be recognised at (guide 二、12), or None when not yet eligible."""
    if years_of_practice < 0:
        raise ValueError("见习（工作）年限不能为负数")
    label = education.strip()
    if label == "研究生":
        # 研究生 names a schooling level, while the guide's rule is on the degree (硕士学位/博士学位),
        # and such graduates can hold either degree or none; so the user must say which degree.
        raise ValueError("“研究生”是学历，认定按学位办理：请选择“硕士”或“博士”")
    if label in _EDU_ASSISTANT_TRACK:
        # "见习1年期满后，可考核认定员级职称"
        return "员级" if years_of_practice >= 1 else None
    if label in _EDU_BACHELOR:
        # "可直接认定员级职称，见习1年期满后，可考核认定助理级职称"
        return "助理级" if years_of_practice >= 1 else "员级"
    if label in _EDU_MASTER:
        return "助理级"
    if label in _EDU_DOCTOR:
        return "中级"
    raise ValueError(f"未知的学历（学位）“{education}”，应为：{'、'.join(EDUCATION_LABELS)}")


def annual_review_years(declaration_year: int) -> tuple[int, ...]:
    """The five years whose 年度考核 must be declared, oldest first (2026 → 2021 … 2025)."""
    # Ascending (chronological) so a table of them reads naturally and a missing year is easy to spot.
    return tuple(range(declaration_year - 5, declaration_year))

"""Pure rules transcribed from the guide: approval chain, eligibility, seniority, graduate recognition."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

# Tier is defined with the procedure data and re-exported here for the callers of approval_chain.
from desktop_app.reference.procedure import Tier

if TYPE_CHECKING:
    from desktop_app.reference.procedure import Procedure


def approval_chain(
    unit_type: str,
    committee_level: str,
    dispatched: bool,
    employer_nature: str = "",
    *,
    procedure: Procedure | None = None,
) -> tuple[Tier, ...]:
    """The tiers that sign and seal after the applicant, in order (guide 二、3, 二、10（1）and 二、18).

    The chain is the guide's data (resources/reference/procedure.toml, the active edition unless
    `procedure` is given); ValueError with a Chinese message when it cannot be decided.
    """
    if procedure is None:
        from desktop_app.reference.data import load_reference

        procedure = load_reference().procedure
    return procedure.chain(unit_type, committee_level, dispatched, employer_nature)


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

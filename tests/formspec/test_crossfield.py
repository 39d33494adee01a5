"""Issue 13: cross-field rules declared in forms/ catch what a clerk catches; each names both fields."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.formspec.completeness import Finding


def contradictions(services, app: int) -> list[Finding]:
    return [f for f in services.check(app).errors if f.other is not None]


def named(finding: Finding) -> set[tuple[str, str | None]]:
    assert finding.other is not None
    return {(finding.section, finding.field), (finding.other.section, finding.other.field)}


def test_the_demo_has_no_contradiction(services, demo_app: int) -> None:
    assert services.check(demo_app).is_ready


@pytest.mark.parametrize(
    ("answers", "pair"),
    [
        ({"cover.unit_type": "自由职业者"}, {("cover", "unit_type"), ("basic", "is_freelancer")}),
        ({"basic.is_freelancer": "是"}, {("cover", "unit_type"), ("basic", "is_freelancer")}),
        (
            {
                "basic.is_freelancer": "是",
                "basic.recommending_agency": "昆明市人才服务中心",
                "basic.freelance_started_on": "2020-01",
                "cover.unit_type": "自由职业者",
            },
            {("basic", "unit"), ("basic", "is_freelancer")},
        ),
        ({"cover.committee_level": "省级"}, {("cover", "committee_level"), ("cover", "committee")}),
        (
            {"cover.committee_level": "市级", "cover.committee": "云南省工程系列高级职称评审委员会"},
            {("cover", "committee_level"), ("cover", "committee")},
        ),
        ({"cover.publicity_start": "2027-03-01"}, {("cover", "publicity_start"), ("cover", "year")}),
        (
            {"cover.dispatched": "是", "cover.unit_type": "自由职业者"},
            {("cover", "dispatched"), ("cover", "unit_type")},
        ),
        (
            {"education[1].enrolled_on": "2005-09"},
            {("education", "enrolled_on"), ("education", "graduated_on")},
        ),
        (
            {"papers[1].rank": "5", "papers[1].author_count": "3"},
            {("papers", "rank"), ("papers", "author_count")},
        ),
        ({"patents[1].rank": "4"}, {("patents", "rank"), ("patents", "inventor_count")}),
        ({"patents[1].patent_type": "发明专利"}, {("patents", "patent_type"), ("patents", "patent_number")}),
        (
            {"current_title[1].obtained_on": "2003-12-20", "current_title[1].appointed_on": "2004-01-01"},
            {("current_title", "obtained_on"), ("education", "graduated_on")},
        ),
        ({"awards[1].awarded_on": "1980-05-01"}, {("awards", "awarded_on"), ("basic", "birth_date")}),
    ],
)
def test_each_contradiction_names_both_fields(
    services, demo_app: int, answers: dict[str, str], pair: set[tuple[str, str]]
) -> None:
    for key, value in answers.items():
        services.set_answer(demo_app, key, value)
    found = [f for f in contradictions(services, demo_app) if named(f) == pair]
    assert found, [f.message for f in services.check(demo_app).errors]
    finding = found[0]
    assert finding.other is not None
    # The message names both pages and fields, so it reads on its own in `check`.
    assert finding.other.location() in finding.message and finding.location() in finding.message


def test_a_dispatched_person_at_a_public_institution_declares_with_the_dispatch_company(
    services, demo_app: int
) -> None:
    for key, value in {
        "cover.dispatched": "是",
        "cover.dispatch_company": "云南某某人力资源服务有限公司",
        "cover.employer_nature": "事业单位",
        "cover.employer_name": "宜良县水务管理站",
        "cover.unit_type": "市属国有企事业单位",
    }.items():
        services.set_answer(demo_app, key, value)
    [finding] = [f for f in services.check(demo_app).errors if f.field == "unit" and f.section == "basic"]
    assert finding.other is not None and finding.other.field == "dispatch_company"
    assert "以派遣单位作为其工作单位" in finding.message
    services.set_answer(demo_app, "basic.unit", "云南某某人力资源服务有限公司")
    assert not [f for f in services.check(demo_app).errors if f.section == "basic"]


def test_check_exits_1_and_json_lists_the_other_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--year", "2026"]) == 0
    app = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["set", app, "cover.unit_type", "自由职业者"]) == 0
    assert main(["check", app]) == 1
    text = capsys.readouterr().out
    assert "单位类型" in text and "是否自由职业者" in text
    assert main(["check", app, "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    others = [f["other"] for f in payload["findings"] if f["other"]]
    assert {
        "section": "cover",
        "section_title": "职称申报封面",
        "entry": None,
        "field": "unit_type",
        "field_label": "单位类型",
    } in others


def test_annual_reviews_outside_the_five_years_block(services, demo_app: int) -> None:
    services.set_answer(demo_app, "annual_review[1].year", "2015")
    messages = [f.message for f in services.check(demo_app).errors if f.section == "annual_review"]
    assert any("2015 年度不在申报年度前五年" in m for m in messages)

"""The shared completeness function, on the demo application and on drafts with gaps."""

from __future__ import annotations

from desktop_app.formspec.completeness import abbreviation_hint


def errors_at(services, app: int, section: str) -> list:
    return [f for f in services.check(app).errors if f.section == section]


def test_empty_repeatable_section_needs_entries_or_not_applicable(services, demo_app: int) -> None:
    for entry in services.load(demo_app).section("patents").entries:
        services.repo.delete_entry(entry.id)
    [finding] = errors_at(services, demo_app, "patents")
    assert "无此项" in finding.message and finding.entry is None
    services.set_not_applicable(demo_app, "patents", True)
    assert services.check(demo_app).is_ready


def test_sections_the_guide_requires_cannot_be_not_applicable(services, demo_app: int) -> None:
    import pytest

    from desktop_app.errors import UsageError

    with pytest.raises(UsageError):
        services.set_not_applicable(demo_app, "education", True)
    with pytest.raises(UsageError):
        services.set_not_applicable(demo_app, "annual_review", True)


def test_civil_servants_and_retirees_are_excluded(services, demo_app: int) -> None:
    services.set_answer(demo_app, "basic.is_civil_servant", "是")
    messages = [f.message for f in errors_at(services, demo_app, "basic")]
    assert any("公务员" in m for m in messages)
    services.set_answer(demo_app, "basic.is_civil_servant", "否")
    services.set_answer(demo_app, "basic.is_retired", "是")
    assert any("离退休" in f.message for f in errors_at(services, demo_app, "basic"))


def test_freelancer_needs_a_year_and_an_agency(services, demo_app: int) -> None:
    services.set_answer(demo_app, "basic.is_freelancer", "是")
    fields = {f.field for f in errors_at(services, demo_app, "basic")}
    assert {"freelance_started_on", "recommending_agency"} <= fields
    services.set_answer(demo_app, "basic.freelance_started_on", "2026-06")
    services.set_answer(demo_app, "basic.recommending_agency", "昆明市人才服务中心")
    assert any("1年" in f.message or "1 年" in f.message for f in errors_at(services, demo_app, "basic"))


def test_title_and_tier_must_agree(services, demo_app: int) -> None:
    services.set_answer(demo_app, "cover.tier", "正高")
    [finding] = errors_at(services, demo_app, "cover")
    assert finding.field == "tier" and "高级工程师" in finding.message


def test_dispatched_requires_the_company(services, demo_app: int) -> None:
    services.set_answer(demo_app, "cover.dispatched", "是")
    errors = errors_at(services, demo_app, "cover")
    assert [f.field for f in errors if f.field] == ["dispatch_company", "employer_nature", "employer_name"]
    # 二、18: the dispatch agreement must be uploaded too.
    assert any(f.field_label == "劳务派遣协议" for f in errors)


def test_abbreviated_school_name_is_a_warning_not_an_error(services, demo_app: int) -> None:
    services.set_answer(demo_app, "education[1].school", "昆工")
    report = services.check(demo_app)
    assert report.is_ready
    assert any(f.field == "school" and "简称" in f.message for f in report.findings)


def test_abbreviation_hint_spares_full_names() -> None:
    for full in (
        "云南大学",
        "昆明理工大学",
        "中国设备工程",
        "宜良县水务产业投资有限公司",
        "昆明市人力资源和社会保障局",
    ):
        assert abbreviation_hint(full) == "", full
    for short in ("云大", "昆明理工", "云师大", "北大"):
        assert "简称" in abbreviation_hint(short), short


def test_percent_drops_with_missing_items(services) -> None:
    app = services.new_application("周", 2026)
    empty = services.check(app).percent
    services.set_answer(app, "basic.mobile", "13987601234")
    assert 0 <= empty < services.check(app).percent < 100

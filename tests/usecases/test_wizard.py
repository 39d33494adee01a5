"""Wizard use cases: carry an application forward, section status marks, saving a field as a draft."""

from __future__ import annotations

import pytest

from desktop_app.errors import UserError
from desktop_app.usecases.wizard import (
    FILLED,
    HAS_PROBLEMS,
    IN_PROGRESS,
    NOT_APPLICABLE,
    NOT_FILLED,
    carry_forward,
    prelist_annual_reviews,
    save_field,
    section_statuses,
)


def test_carry_forward_copies_what_is_still_true_and_marks_it(services, demo_app):
    old = services.export_answers(demo_app)
    new_id = carry_forward(services, demo_app, 2027)
    new = services.export_answers(new_id)
    assert new["basic"] == old["basic"]
    for key in ("current_title", "education", "study_history", "work_history", "papers", "awards"):
        assert new[key] == old[key], key
    assert new["cover"]["year"] == 2027
    assert new["cover"]["title_name"] == old["cover"]["title_name"]
    assert "publicity_start" not in new["cover"]
    data = services.load(new_id)
    assert data.year == 2027 and data.person_name == services.load(demo_app).person_name
    notes = {e.review_note for e in data.section("education").entries}
    assert notes == {"从 2026 年带入，请核对"}
    # The source is untouched.
    assert services.export_answers(demo_app) == old


def test_carry_forward_shifts_annual_reviews_to_the_new_five_years(services, demo_app):
    old = {row["year"]: row for row in services.export_answers(demo_app)["annual_review"]}
    new_id = carry_forward(services, demo_app, 2027)
    rows = services.export_answers(new_id)["annual_review"]
    assert [row["year"] for row in rows] == [2022, 2023, 2024, 2025, 2026]
    for row in rows[:-1]:
        assert row["result"] == old[row["year"]]["result"]
    assert "result" not in rows[-1]  # 2026 was never declared: left for the person to fill
    errors = services.check(new_id).errors
    assert any(f.section == "annual_review" and f.field == "result" for f in errors)


def test_carry_forward_keeps_scans_of_carried_entries_but_not_the_yearly_ones(services, demo_app):
    source = services.load(demo_app)
    new_id = carry_forward(services, demo_app, 2027)
    carried = services.load(new_id)
    old_education = [a.sha256 for a in source.attachments if a.section == "education"]
    new_education = [a.sha256 for a in carried.attachments if a.section == "education"]
    assert new_education == old_education
    assert not [a for a in carried.attachments if a.section == "cover"]


def test_carry_forward_refuses_an_earlier_year(services, demo_app):
    before = len(services.list_applications())
    with pytest.raises(UserError, match="不晚于"):
        carry_forward(services, demo_app, 2026)
    assert len(services.list_applications()) == before


def test_section_statuses(services):
    app_id = services.new_application("刘十", 2026)
    statuses = section_statuses(services, app_id)
    assert statuses["basic"] == NOT_FILLED and statuses["papers"] == NOT_FILLED
    services.set_not_applicable(app_id, "papers", True)
    services.set_answer(app_id, "basic.mobile", "13812345678")
    services.set_answer(app_id, "work_summary.summary", "总结" * 120)
    statuses = section_statuses(services, app_id)
    assert statuses["papers"] == NOT_APPLICABLE
    # Only empty required fields and scans still to upload: 填写中, not 有问题.
    assert statuses["basic"] == IN_PROGRESS
    assert statuses["work_summary"] == FILLED
    services.set_answer(app_id, "basic.is_civil_servant", "是")
    assert section_statuses(services, app_id)["basic"] == HAS_PROBLEMS


def test_save_field_keeps_invalid_values_out(services):
    app_id = services.new_application("杨十一", 2026)
    bad = save_field(services, app_id, "basic", None, "mobile", "12345")
    assert not bad.ok and "手机" in bad.error
    assert services.get_answer(app_id, "basic.mobile") is None
    good = save_field(services, app_id, "papers", None, "title", "高原地区混凝土耐久性试验分析")
    assert good.ok and good.entry_id is not None
    assert services.get_answer(app_id, "papers[1].title") == "高原地区混凝土耐久性试验分析"


def test_prelist_annual_reviews_only_when_empty(services):
    app_id = services.new_application("黄十二", 2026)
    assert prelist_annual_reviews(services, app_id) == (2021, 2022, 2023, 2024, 2025)
    assert prelist_annual_reviews(services, app_id) == ()
    assert len(services.export_answers(app_id)["annual_review"]) == 5

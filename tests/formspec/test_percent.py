"""Issue 13: 完成度 counts every required item, including those of empty required sections."""

from __future__ import annotations

import pytest

from desktop_app.cli import main


def test_a_new_application_with_only_a_name_is_at_most_10_percent(services) -> None:
    app = services.new_application("王芳", 2026)
    assert services.check(app).percent <= 10
    [listed] = services.list_applications()
    assert listed.percent == services.check(app).percent


def test_the_demo_is_100_and_one_missing_field_is_99(services, demo_app: int) -> None:
    assert services.check(demo_app).percent == 100
    services.set_answer(demo_app, "papers[1].title", "")
    assert services.check(demo_app).percent == 99


def test_filling_required_items_raises_the_figure(services) -> None:
    app = services.new_application("王芳", 2026)
    before = services.check(app).percent
    services.set_answer(app, "basic.ethnicity", "汉族")
    services.set_answer(app, "basic.mobile", "13987601234")
    services.set_answer(app, "current_title[1].title_name", "工程师")
    assert services.check(app).percent > before


def test_empty_repeatable_sections_count_all_their_required_fields(services) -> None:
    # Marking a section 无此项 completes its one item; leaving it empty leaves all its required fields open.
    app = services.new_application("王芳", 2026)
    empty = services.check(app).percent
    for section in services.forms:
        if section.repeatable and section.allow_not_applicable:
            services.set_not_applicable(app, section.key, True)
    assert services.check(app).percent > empty


def test_list_shows_the_same_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--name", "王芳", "--year", "2026"]) == 0
    capsys.readouterr()
    assert main(["list"]) == 0
    percent = int(capsys.readouterr().out.strip().split("\t")[-1].rstrip("%"))
    assert percent <= 10

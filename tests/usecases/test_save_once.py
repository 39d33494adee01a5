"""Saving one field validates once, writes once and hands the status refresh what it stored (issue #11)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from desktop_app.usecases.wizard import save_field, section_statuses

# Repository.load reads the entries of the whole application ordered by section: one such statement per load.
LOAD_MARK = "ORDER BY entries.section"


@contextmanager
def recorded(services) -> Iterator[list[str]]:
    """Every SQL statement run on the services' engine inside the block."""
    statements: list[str] = []

    def note(_con, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(services.engine, "before_cursor_execute", note)


def test_one_save_and_status_refresh_is_one_load_plus_the_write(services, demo_app):
    paper = services.load(demo_app).section("papers").entries[0].id
    # The two parts it may cost, measured on the same database: one application load, one write.
    with recorded(services) as load_statements:
        services.load(demo_app)
    with recorded(services) as write_statements:
        services.repo.set_values(paper, {"journal": services.get_answer(demo_app, "papers[1].journal")})

    with recorded(services) as statements:
        result = save_field(
            services, demo_app, "papers", paper, "title", "高原地区混凝土耐久性试验分析（修订稿）"
        )
        report = services.check(demo_app, result.app)
        statuses = section_statuses(services, demo_app, report, {}, result.app)

    assert result.ok and result.value == "高原地区混凝土耐久性试验分析（修订稿）"
    assert sum(LOAD_MARK in s for s in statements) == 1
    assert len(statements) <= len(load_statements) + len(write_statements)
    # What the refresh reused is what is stored, and the marks are those of a fresh look.
    assert result.app == services.load(demo_app)
    assert statuses == section_statuses(services, demo_app)
    assert report == services.check(demo_app)


def test_an_invalid_value_comes_back_as_a_structured_finding_and_is_not_stored(services, demo_app):
    paper = services.load(demo_app).section("papers").entries[1].id
    before = services.get_answer(demo_app, "papers[2].issn")
    with recorded(services) as statements:
        result = save_field(services, demo_app, "papers", paper, "issn", "1001-3998")
    finding = result.finding
    assert not result.ok and finding is not None
    assert (finding.section, finding.entry, finding.entry_id, finding.field) == ("papers", 2, paper, "issn")
    assert finding.field_label == "ISSN" and finding.section_title == "撰写论文情况"
    # The message is the validator's alone: no section or label composed into it to be cut off again.
    assert (
        finding.message and "撰写论文情况" not in finding.message and not finding.message.startswith("ISSN：")
    )
    assert result.error == f"ISSN：{finding.message}"
    assert services.get_answer(demo_app, "papers[2].issn") == before
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert sum(LOAD_MARK in s for s in statements) == 1


def test_a_single_section_finding_has_no_entry_number(services):
    app_id = services.new_application("杨十一", 2026)
    result = save_field(services, app_id, "basic", None, "mobile", "12345")
    assert result.finding is not None
    assert (result.finding.section, result.finding.entry, result.finding.field) == ("basic", None, "mobile")
    assert result.finding.entry_id == services.entry_id(app_id, "basic")
    assert result.error.startswith("手机号码：")
    assert services.get_answer(app_id, "basic.mobile") is None


def test_a_choice_outside_the_list_says_what_can_be_chosen(services, demo_app):
    cover = services.entry_id(demo_app, "cover")
    result = save_field(services, demo_app, "cover", cover, "unit_type", "国企")
    assert result.finding is not None and result.finding.field == "unit_type"
    assert result.finding.message.startswith("“国企”不是可选项（可选：")


def test_the_app_built_after_a_save_matches_what_is_stored(services):
    """Name and year are kept beside the answers (start screen); clearing a field removes it; IDs derive."""
    app_id = services.new_application("周十三", 2026)
    renamed = save_field(services, app_id, "basic", None, "name", "周十四")
    assert renamed.app is not None and renamed.app.person_name == "周十四"
    assert renamed.app == services.load(app_id)
    with_id = save_field(services, app_id, "basic", None, "id_number", "530102198501150022")
    assert with_id.app == services.load(app_id) and with_id.app is not None
    assert with_id.app.value("basic", "birth_date") == "1985-01-15"
    cleared = save_field(services, app_id, "basic", None, "id_number", "")
    assert cleared.ok and cleared.value is None and cleared.app == services.load(app_id)
    new_paper = save_field(services, app_id, "papers", None, "title", "一篇新论文")
    assert new_paper.app == services.load(app_id)
    assert [e.answers for e in new_paper.app.section("papers").entries] == [{"title": "一篇新论文"}]


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [("basic.mobile", "1234567", ""), ("cover.unit_type", "国企", "“国企”不是可选项")],
)
def test_the_command_line_keeps_its_section_and_label_message(services, key, value, said):
    from desktop_app.errors import InvalidValueError

    section_key, field_key = key.split(".")
    section = services.forms.section(section_key)
    app_id = services.new_application("吴十五", 2026)
    with pytest.raises(InvalidValueError) as raised:
        services.set_answer(app_id, key, value)
    # The public `set` message: “{section} {label}：{error}”.
    assert raised.value.message.startswith(f"{section.title} {section.field(field_key).label}：{said}")
    assert services.get_answer(app_id, key) is None

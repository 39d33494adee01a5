"""The window's keystroke-save and the menu marks that follow load the application once (issue #11)."""

from __future__ import annotations

from sqlalchemy import event

from desktop_app.usecases.wizard import section_statuses
from tests.ui.conftest import type_text

LOAD_MARK = "ORDER BY entries.section"  # Repository.load: one such statement per application load


def test_typing_then_status_refresh_loads_once_and_shows_what_is_stored(window, services, demo_app, qtbot):
    wizard = window.open_application(demo_app)
    edit = wizard.pages["basic"].form.editors["department"].widget
    edit.clear()
    type_text(qtbot, edit, "土木工程系")
    statements: list[str] = []

    def note(_con, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", note)
    try:
        wizard.flush()  # what the save timer runs
        wizard.refresh_status()  # what the status timer runs after it
    finally:
        event.remove(services.engine, "before_cursor_execute", note)

    assert services.get_answer(demo_app, "basic.department") == "土木工程系"
    assert sum(LOAD_MARK in s for s in statements) == 1, statements
    # The marks and the completeness shown are those of a fresh look at the stored application.
    fresh = services.check(demo_app)
    assert wizard.statuses == section_statuses(services, demo_app, fresh, wizard.session.drafts)
    assert f"完成度 {fresh.percent}%" in wizard.person.text()

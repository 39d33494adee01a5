"""The window's side of crafted backups: bad items listed with 不含这些有问题的项目继续恢复, and a value the app
cannot read in its own database shown on the start page as a problem, not a crash."""

from __future__ import annotations

import pytest

from desktop_app.ui.qt_setup import guard_refcount_bug
from tests.backup.test_backup_page import dialog  # noqa: F401 - the 备份 page fixture
from tests.backup.test_crafted import BAD_JSON, crafted

guard_refcount_bug()


def _choose(label, seen):
    def fake_exec(box):
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == label).click()
        return 0

    return fake_exec


def test_restore_lists_bad_items_and_restores_without_them_only_when_asked(
    dialog,  # noqa: F811 - the fixture imported above
    services,
    scanned_app,
    tmp_path,
    monkeypatch,
):
    from PySide6.QtWidgets import QMessageBox

    path = crafted(services, scanned_app, tmp_path, BAD_JSON)
    restored, seen = [], []
    dialog.restored.connect(restored.append)
    monkeypatch.setattr(QMessageBox, "exec", _choose("取消", seen))
    dialog.start_restore(path=path, allow_duplicate=True)
    assert restored == [] and [s.id for s in services.repo.list_applications()] == [scanned_app]
    assert "基本信息 民族：保存的内容无法读取" in seen[-1]

    monkeypatch.setattr(QMessageBox, "exec", _choose("不含这些有问题的项目继续恢复", seen))
    dialog.start_restore(path=path, allow_duplicate=True)
    assert len(restored) == 1
    assert services.load(restored[0]).value("basic", "ethnicity") is None
    assert "略过 1 项" in dialog.status.text()


@pytest.mark.usefixtures("qtbot")
def test_start_page_shows_an_unreadable_value_as_a_problem(services, scanned_app, qtbot):
    from desktop_app.ui.start_page import StartPage

    with services.engine.begin() as con:
        con.exec_driver_sql("UPDATE answers SET value='{not json' WHERE field='ethnicity'")
    page = StartPage(services)
    qtbot.addWidget(page)
    page.grab().save(str(services.home / "start.png"))
    [listed] = services.list_applications()
    assert listed.percent < 100

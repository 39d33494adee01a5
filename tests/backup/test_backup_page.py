"""The 备份 page: list with date, size and verified state; 立即备份, 校验, 从备份恢复 with progress and cancel."""

from __future__ import annotations

import pytest

from desktop_app.ui.qt_setup import guard_refcount_bug

guard_refcount_bug()


@pytest.fixture
def dialog(qtbot, services, scanned_app, tmp_path):
    from desktop_app.ui import worker
    from desktop_app.ui.backup_page import BackupDialog
    from desktop_app.usecases import backup as ub

    ub.set_backup_folder(services, tmp_path / "备份")
    worker.set_synchronous(True)
    page = BackupDialog(services, scanned_app)
    qtbot.addWidget(page)
    yield page
    worker.set_synchronous(False)


def _row(page, row: int) -> list[str]:
    return [page.table.item(row, col).text() for col in range(page.table.columnCount())]


def test_backup_now_lists_the_verified_backup(dialog, services, scanned_app):
    assert dialog.table.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
    seen = []
    dialog.bar.valueChanged.connect(seen.append)
    dialog.start_backup()
    assert "备份完成" in dialog.status.text()
    assert dialog.table.rowCount() == 1
    row = _row(dialog, 0)
    assert row[0] == "李明远" and row[1] == "2026 年" and row[3].endswith("MB") and row[4] == "否"
    assert row[5].startswith("已校验，完好")
    assert seen and max(seen) == 100
    assert not dialog.cancel_button.isVisible()


def test_verify_reports_damage_by_name(dialog):
    dialog.start_backup()
    path = dialog.listed[0].path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(data)
    dialog.load()
    assert _row(dialog, 0)[5] == "未校验"
    dialog.start_verify()
    assert "备份已损坏" in dialog.status.text() and "扫描件/" in dialog.status.text()
    assert _row(dialog, 0)[5].startswith("已损坏")


def test_restore_asks_before_replacing(dialog, services, scanned_app, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog.start_backup()
    path = dialog.listed[0].path
    restored = []
    dialog.restored.connect(restored.append)

    def choose(label):
        def fake_exec(box):
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return fake_exec

    monkeypatch.setattr(QMessageBox, "exec", choose("取消"))
    dialog.start_restore(path=path)
    assert restored == [] and [s.id for s in services.repo.list_applications()] == [scanned_app]

    monkeypatch.setattr(QMessageBox, "exec", choose("另存为新申报"))
    dialog.start_restore(path=path)
    assert len(restored) == 1 and services.repo.exists(scanned_app)

    monkeypatch.setattr(QMessageBox, "exec", choose("替换原申报"))
    dialog.start_restore(path=path)
    assert len(restored) == 2 and not services.repo.exists(scanned_app)
    assert services.export_answers(restored[-1])["basic"]["name"] == "李明远"
    assert "并替换了原申报" in dialog.status.text()


def test_cancel_leaves_no_file(dialog, monkeypatch, tmp_path):
    from desktop_app.ui import worker

    monkeypatch.setattr(worker.Progress, "cancelled", property(lambda self: True))
    dialog.start_backup()
    assert "已取消" in dialog.status.text()
    folder = tmp_path / "备份"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_encrypted_backup_asks_for_the_passphrase_twice(dialog, services, monkeypatch, qtbot):
    from desktop_app.ui.backup_page import PassphraseDialog
    from desktop_app.usecases import backup as ub

    ask = PassphraseDialog(None, new=True)
    qtbot.addWidget(ask)
    assert "无法恢复" in ask.findChildren(type(ask.error))[0].text()
    ask.first.setText("一")
    ask.second.setText("二")
    ask._accept()
    assert "不一致" in ask.error.text() and ask.result() == 0

    monkeypatch.setattr(type(dialog), "_ask_passphrase", lambda self, new: "正确的口令")
    dialog.encrypt.setChecked(True)
    dialog.start_backup()
    assert dialog.listed[0].encrypted and _row(dialog, 0)[4] == "是"
    assert ub.encryption_acknowledged(services)
    dialog.start_verify()
    assert "备份完好" in dialog.status.text()


def test_settings_are_stored(dialog, services):
    from desktop_app.usecases import backup as ub

    dialog.keep.setValue(3)
    dialog.auto.setChecked(False)
    assert ub.keep_per_year(services) == 3 and not ub.is_auto_backup_on(services)


def test_review_page_and_menu_open_the_backup_page(window, services, scanned_app, qtbot):
    from desktop_app.ui.backup_page import BackupButton, install_backup_menu

    action = install_backup_menu(window, services)
    action.trigger()
    assert window.backup_dialog.app_id is None and not window.backup_dialog.backup_button.isEnabled()
    window.backup_dialog.close()
    wizard = window.open_application(scanned_app)
    review = wizard.page("review")
    button = review.findChild(BackupButton)
    assert button is not None
    page = button.open_dialog()
    assert page.app_id == scanned_app and page.backup_button.isEnabled()
    page.close()


def test_replacing_the_open_application_moves_the_wizard_to_the_restored_one(
    window, services, scanned_app, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui import worker
    from desktop_app.ui.backup_page import BackupButton
    from desktop_app.usecases import backup as ub

    ub.set_backup_folder(services, tmp_path / "备份")
    worker.set_synchronous(True)
    try:
        wizard = window.open_application(scanned_app)
        page = wizard.page("review").findChild(BackupButton).open_dialog()
        page.start_backup()
        path = page.listed[0].path

        def replace(box):
            next(b for b in box.buttons() if b.text() == "替换原申报").click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", replace)
        page.start_restore(path=path)
        page.close()
    finally:
        worker.set_synchronous(False)
    assert not services.repo.exists(scanned_app)
    # Typing on goes into the restored application, not into the deleted draft.
    current = window.wizard.session.app_id
    assert current != scanned_app and services.repo.exists(current)
    assert services.export_answers(current)["basic"]["name"] == "李明远"

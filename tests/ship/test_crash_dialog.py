"""An unexpected exception shows a Chinese dialog, masks personal numbers and leaves the draft intact."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_app.ui.crash_dialog import CrashDialog, CrashHandler
from tests.ship.conftest import masked_id, masked_mobile


def _visible_crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()]


@pytest.fixture
def crash_handler():
    handler = CrashHandler().install()
    yield handler
    handler.uninstall()
    for dialog in _visible_crash_dialogs():
        dialog.close()


# pytest-qt would otherwise take over sys.excepthook and fail the test on the very exception we provoke.
@pytest.mark.qt_no_exception_capture
def test_exception_in_slot_shows_chinese_dialog_and_draft_survives(
    qtbot, services, demo_app, zhicheng_home: Path, fresh_log: Path, personal_numbers, crash_handler
) -> None:
    id_number, mobile = personal_numbers
    # The draft the person typed just before the crash.
    services.set_answer(demo_app, "basic.department", "设备管理部")

    button = QPushButton("生成")
    qtbot.addWidget(button)

    def broken_slot() -> None:
        raise ValueError(f"无法处理申报人 {id_number}（电话 {mobile}）的材料")

    button.clicked.connect(broken_slot)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(_visible_crash_dialogs()), timeout=3000)

    dialogs = _visible_crash_dialogs()
    assert len(dialogs) == 1
    text = dialogs[0].text()
    assert "意外错误" in text
    assert "自动保存" in text and "不会因为这个错误丢失" in text
    assert str(fresh_log) in text
    assert dialogs[0].open_logs_button.text() == "打开日志文件夹"
    assert "ValueError" in text
    assert masked_id(id_number) in text and masked_mobile(mobile) in text
    assert id_number not in text and mobile not in text

    # The traceback is in the log, masked.
    logged = fresh_log.read_text(encoding="utf-8")
    assert "broken_slot" in logged and "Traceback" in logged
    assert masked_id(id_number) in logged
    assert id_number not in logged and mobile not in logged

    # A second error while the dialog is open is logged but does not stack another dialog.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert len(_visible_crash_dialogs()) == 1
    assert crash_handler.shown == 1

    # The draft is intact in the database, read through a fresh connection.
    from desktop_app.services import Services

    fresh = Services(home=zhicheng_home, today=date(2026, 11, 27))
    try:
        assert fresh.get_answer(demo_app, "basic.department") == "设备管理部"
        assert fresh.check(demo_app).is_ready
    finally:
        fresh.close()


@pytest.mark.qt_no_exception_capture
def test_exception_in_worker_thread_reaches_the_gui_thread(qtbot, fresh_log: Path, crash_handler) -> None:
    def work() -> None:
        raise RuntimeError("后台任务失败")

    thread = threading.Thread(target=work, name="packet-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(_visible_crash_dialogs()), timeout=3000)
    assert "RuntimeError：后台任务失败" in _visible_crash_dialogs()[0].text()
    assert "packet-worker" in fresh_log.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_user_error_escaping_a_slot_is_its_own_message_not_a_crash(qtbot, crash_handler) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.errors import UserError

    button = QPushButton("保存")
    qtbot.addWidget(button)

    def refusing_slot() -> None:
        raise UserError("保存位置不存在", "请选择一个已有的文件夹")

    button.clicked.connect(refusing_slot)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def notice() -> QMessageBox | None:
        return (
            crash_handler.notice_box
            if crash_handler.notice_box and crash_handler.notice_box.isVisible()
            else None
        )

    qtbot.waitUntil(lambda: notice() is not None, timeout=3000)
    assert notice().text() == "保存位置不存在（请选择一个已有的文件夹）"
    assert not _visible_crash_dialogs()
    notice().close()

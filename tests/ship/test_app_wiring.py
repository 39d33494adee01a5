"""The real GUI start (run_gui) installs the crash dialog hooks, the Qt log handler and the 帮助 menu."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication


@pytest.mark.qt_no_exception_capture
def test_run_gui_wires_crash_hooks_qt_log_and_help_menu(
    qtbot, synchronous_jobs, zhicheng_home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.app import run_gui
    from desktop_app.logging_setup import shutdown_logging
    from desktop_app.ui.crash_dialog import CrashHandler

    # run_gui takes over process-wide hooks; give them back after the test.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen: dict[str, object] = {}

    def fake_exec(self) -> int:
        from desktop_app.ui.main_window import MainWindow

        seen["sys_hook"] = getattr(sys.excepthook, "__self__", None)
        seen["thread_hook"] = getattr(threading.excepthook, "__self__", None)
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["menus"] = [
            [a.text() for a in m.menu().actions() if a.text()]
            for w in windows
            for m in w.menuBar().actions()
            if m.text() == "帮助"
        ]
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    shutdown_logging()
    try:
        assert run_gui([]) == 0
    finally:
        shutdown_logging()
    assert isinstance(seen["sys_hook"], CrashHandler)
    assert seen["thread_hook"] is seen["sys_hook"]
    assert seen["menus"] == [["使用说明", "导入新版名录…", "关于"]]
    assert (zhicheng_home / "logs" / "zhicheng.log").is_file()

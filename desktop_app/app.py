"""Composition root of the GUI: logging, single instance, services, main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

ICON_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def install_app_icon(qt_app: Any) -> Any:
    """Give every window the app's icon (title bar, task bar, Alt+Tab); returns the QIcon."""
    from PySide6.QtGui import QIcon

    from desktop_app.paths import resources_dir

    # One PNG per size, drawn by scripts/make_icons.py for that size: Qt picks the sharpest one.
    icon = QIcon()
    for size in ICON_SIZES:
        path = resources_dir() / "icons" / f"app-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    qt_app.setWindowIcon(icon)
    return icon


def run_gui(argv: Sequence[str] = ()) -> int:
    """Start the desktop application; returns the exit code."""
    if argv and str(argv[0]).startswith("--smoke-test"):
        from desktop_app.smoke import run_smoke_test

        return run_smoke_test(argv)
    from desktop_app.logging_setup import install_qt_message_handler, setup_logging

    setup_logging()
    install_qt_message_handler()  # before QApplication: its start-up warnings go to the log too
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app.paths import data_home
    from desktop_app.storage import InstanceLock

    qt_app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    from desktop_app.qt_compat import guard_refcount_bug
    from desktop_app.ui.qt_setup import install_chinese

    guard_refcount_bug()
    install_chinese(qt_app)
    install_app_icon(qt_app)
    from desktop_app.ui.crash_dialog import CrashHandler

    # Unexpected exceptions (GUI slots and worker threads) become a Chinese dialog, not a vanished window.
    crash_handler = CrashHandler().install()  # noqa: F841 - kept alive for the event loop
    from desktop_app.os_errors import for_person

    try:
        lock = InstanceLock(data_home() / "instance.lock")
        lock.acquire()
    except Exception as exc:  # already running, or a read-only / full data folder: say which
        known = for_person(exc)
        if known is None:
            raise
        QMessageBox.information(None, "职称申报材料助手", str(known))
        return 1
    try:
        from desktop_app.services import Services
        from desktop_app.storage.housekeeping import start_of_run
        from desktop_app.ui.main_window import MainWindow

        start_of_run(data_home())
        try:
            services = Services()
        except Exception as exc:  # a damaged, empty or unwritable database: a clear message, not a crash
            known = for_person(exc)
            if known is None:
                raise
            QMessageBox.warning(None, "无法打开申报数据", str(known))
            return 1
        window = MainWindow(services)
        from desktop_app.ui.help_menu import install_help_menu

        install_help_menu(window, services)
        from desktop_app.ui.backup_page import install_backup_menu

        install_backup_menu(window, services)
        window.show()
        code = int(qt_app.exec())
        from desktop_app.ui.worker import cancel_all_and_wait

        # A packet, backup or restore may still be writing: stop it and wait before another instance may start.
        cancel_all_and_wait()
        return code
    finally:
        lock.release()

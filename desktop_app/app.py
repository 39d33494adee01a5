"""Composition root of the GUI: logging, single instance, services, main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_gui(argv: Sequence[str] = ()) -> int:
    """Start the desktop application; returns the exit code."""
    from desktop_app.logging_setup import setup_logging

    setup_logging()
    from desktop_app.errors import UserError
    from desktop_app.paths import data_home
    from desktop_app.storage import InstanceLock

    lock = InstanceLock(data_home() / "instance.lock")
    from PySide6.QtWidgets import QApplication, QMessageBox

    qt_app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    try:
        lock.acquire()
    except UserError as exc:
        QMessageBox.information(None, "职称申报材料助手", str(exc))
        return 1
    try:
        from desktop_app.services import Services
        from desktop_app.ui.main_window import MainWindow

        services = Services()
        window = MainWindow(services)
        window.show()
        return int(qt_app.exec())
    finally:
        lock.release()

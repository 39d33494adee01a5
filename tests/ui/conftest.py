"""GUI fixtures: a main window over the test's services, background jobs run synchronously."""

from __future__ import annotations

import pytest

from desktop_app.ui.qt_setup import guard_refcount_bug

# PySide6 6.12.0 on CPython 3.11 aborts the interpreter after a few thousand Qt calls (see qt_setup).
guard_refcount_bug()


@pytest.fixture
def window(qtbot, services):
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui import worker
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.qt_setup import install_chinese

    install_chinese(QApplication.instance())
    worker.set_synchronous(True)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    yield win
    worker.set_synchronous(False)


def type_text(qtbot, widget, text: str) -> None:
    """Type like a person: ASCII through key presses, Chinese the way an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    run = ""
    for char in text + "\0":
        if char != "\0" and char.isascii():
            run += char
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if char != "\0":
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)

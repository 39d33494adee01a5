"""Chinese in Qt's own dialogs, a font that can draw Chinese, and keyboard order."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from desktop_app.ui.qt_setup import install_chinese


def test_qt_dialog_buttons_are_chinese(qapp):
    install_chinese(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_a_font_with_chinese_is_available(qapp):
    install_chinese(qapp)
    assert QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    # The application font can draw the characters (no empty boxes).
    assert QFontMetrics(qapp.font()).inFontUcs4(ord("职"))


def test_tab_walks_basic_fields_in_form_order_skipping_computed_ones(window, services, qtbot):
    app_id = services.new_application("林十三", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    form.editors["name"].widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.editors["name"].widget, timeout=1000)
    order = []
    for _ in range(4):
        current = QApplication.focusWidget()
        order.append(next((k for k, e in form.editors.items() if e.widget is current), None))
        qtbot.keyClick(current, Qt.Key.Key_Tab)
    # 性别 and 出生日期 come from the ID number: Tab skips them.
    assert order == ["name", "id_number", "ethnicity", "political_status"]


def test_many_qt_calls_do_not_abort_the_interpreter(tmp_path):
    """PySide6 6.12.0 on CPython 3.11 drops a None reference per void call; the guard keeps the app alive."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    script = (
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import desktop_app  # importing the package applies the guard\n"
        "from PySide6.QtWidgets import QApplication, QCheckBox\n"
        "app = QApplication([]); box = QCheckBox()\n"
        "box.toggled.connect(lambda flag: None)\n"
        "for i in range(30000):\n    box.setText('x'); box.toggle()\n"
        "print('alive')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "alive" in done.stdout

"""Issue 13: a contradiction on the review page offers 去完善 to either field it names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_contradiction_links_to_both_fields(window, services, qtbot, demo_app, tmp_path):
    services.set_answer(demo_app, "cover.unit_type", "自由职业者")
    wizard = window.open_application(demo_app)
    review = wizard.show_page("review")
    finding, link = next((f, b) for f, b in review.other_links if f.field == "is_freelancer")
    assert finding.other is not None and finding.other.field == "unit_type"
    assert "职称申报封面 单位类型" in link.text()
    review.resize(1200, 700)
    review.grab().save("/tmp/review13.png")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert wizard.current == "cover"
    editor = wizard.pages["cover"].form.editors["unit_type"].widget
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is editor or editor.isAncestorOf(QApplication.focusWidget()),
        timeout=1000,
    )
    review = wizard.show_page("review")
    _finding, first = next((f, b) for f, b in review.links if f.field == "is_freelancer")
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert wizard.current == "basic"

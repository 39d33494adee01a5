"""Issue 15: every window and dialog fits a 1366×768 Windows screen with its taskbar, also at 125 % scaling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.ui import sizing

LIMIT_W, LIMIT_H = 1340, 700


@pytest.fixture
def unclamped(monkeypatch):
    # The test screen is small (800×600 offscreen): look at the sizes the windows ask for, not the clamped ones.
    monkeypatch.setattr(sizing, "CLAMP_TO_SCREEN", False)


def _all_windows(window, services, demo_app, tmp_path) -> list[QWidget]:
    from desktop_app.ui.about_dialog import AboutDialog, HelpDialog
    from desktop_app.ui.backup_page import BackupDialog, PassphraseDialog
    from desktop_app.ui.crash_dialog import CrashDialog
    from desktop_app.ui.fill_helper import FillHelperWindow
    from desktop_app.ui.packet_widgets import PacketPreviewDialog
    from desktop_app.ui.reference_dialog import ReferenceDialog
    from desktop_app.ui.scans_widget import CROP_PICTURE_SIDE, CropDialog
    from desktop_app.ui.start_page import YearDialog
    from desktop_app.ui.submit_widgets import SubmissionLogDialog
    from desktop_app.usecases.packet import default_packet_path, make_packet

    shown: list[QWidget] = [window]
    shown.append(window.start.ask_new())
    window.start.load()
    window.start.table.selectRow(0)
    shown.append(window.start.ask_carry())
    shown.append(YearDialog(window, "新建申报", 2026, with_name=True))
    wizard = window.open_application(demo_app)
    for section in services.forms:
        page = wizard.show_page(section.key)
        if section.repeatable and page.entry_ids:
            shown.append(page.open_editor(page.entry_ids[0], None))
            page.editor.done(0)
    packet = make_packet(services, demo_app, default_packet_path(services, demo_app)).path
    shown += [
        PacketPreviewDialog(Path(packet), window),
        FillHelperWindow(services, demo_app, window),
        SubmissionLogDialog(services, demo_app, window),
        BackupDialog(services, demo_app, window),
        BackupDialog(services, None, window),
        PassphraseDialog(window, new=True),
        AboutDialog(services, window),
        HelpDialog(window),
        ReferenceDialog(services, window),
        CrashDialog("RuntimeError: 示例", tmp_path / "zhicheng.log", window),
        CropDialog(_portrait(CROP_PICTURE_SIDE), window),
    ]
    return shown


def _portrait(side: int) -> QImage:
    image = QImage(round(side * 0.707), side, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    return image


def test_no_window_opens_larger_than_1340_by_700(window, services, demo_app, qtbot, tmp_path, unclamped):
    windows = _all_windows(window, services, demo_app, tmp_path)
    too_big = []
    for widget in windows:
        if not widget.isVisible():
            widget.show()
        QApplication.processEvents()
        size = widget.size()
        if size.width() > LIMIT_W or size.height() > LIMIT_H:
            too_big.append(f"{widget.windowTitle()}: {size.width()}×{size.height()}")
    assert too_big == []
    # And every top-level window Qt has was among those looked at.
    titles = {w.windowTitle() for w in windows}
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow():
            assert widget.windowTitle() in titles or widget.size().height() <= LIMIT_H


def test_everything_fits_a_1366_by_768_screen_at_125_percent(
    window, services, demo_app, qtbot, tmp_path, unclamped
):
    width, height = sizing.SCALED_SCREEN
    too_big = []
    for widget in _all_windows(window, services, demo_app, tmp_path):
        need = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        if need.width() > width or need.height() > height:
            too_big.append(f"{widget.windowTitle()}: {need.width()}×{need.height()}")
    assert too_big == []


def test_new_application_dialog_is_sized_to_its_content(window, qtbot):
    dialog = window.start.ask_new()
    QApplication.processEvents()
    name = dialog.name
    assert name.width() >= name.fontMetrics().horizontalAdvance(name.placeholderText()) + 16
    assert dialog.width() >= 360


def test_window_is_clamped_to_a_small_screen(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    sizing.fit_to_screen(widget, 2000, 2000)
    area = widget.screen().availableGeometry()
    assert widget.width() <= min(LIMIT_W, area.width()) and widget.height() <= min(LIMIT_H, area.height())

"""Issue 16: the automatic backup never delays the packet; it runs after it with its own bar and 取消备份.

The jobs run on real threads here: the backup is held at "正在写入备份" by a gate, so the test can look
at the review page while it runs, then let it go on into the real create_backup.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QThreadPool

from desktop_app.ui.qt_setup import guard_refcount_bug

guard_refcount_bug()

PACKET_TIMEOUT_MS = 180_000


class Gate:
    """Holds the backup after its first steps until released (or cancelled)."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.saw_cancel = False


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import desktop_app.usecases.backup as ub

    real = ub.create_backup
    held = Gate()

    def held_backup(
        services: Any,
        app_id: int,
        out_dir: Any = None,
        passphrase: Any = None,
        progress: Any = None,
        cancel: Any = None,
    ) -> Any:
        progress(0, 0, "正在生成数据库快照")
        progress(3, 10, "正在写入备份")
        held.reached.set()
        while not held.release.wait(0.02):
            if cancel is not None and cancel():
                held.saw_cancel = True
                break
        # The real backup sees the same cancel check: a cancelled one stops at its first member.
        return real(services, app_id, out_dir, passphrase, progress=progress, cancel=cancel)

    monkeypatch.setattr(ub, "create_backup", held_backup)
    yield held
    held.release.set()
    QThreadPool.globalInstance().waitForDone(60_000)


@pytest.fixture
def review(qtbot, services, demo_app):  # type: ignore[no-untyped-def]
    from desktop_app.ui.main_window import MainWindow

    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    wizard = win.open_application(demo_app)
    page = wizard.show_page("review")
    yield win, page
    QThreadPool.globalInstance().waitForDone(60_000)


def _packet_widget(page: Any) -> Any:
    from desktop_app.ui.packet_widgets import PacketWidget

    widget = page.findChild(PacketWidget)
    assert widget is not None
    return widget


def _generate_and_hold(qtbot: Any, widget: Any, gate: Gate, close_preview: bool = True) -> None:
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.preview is not None, timeout=PACKET_TIMEOUT_MS)
    if close_preview:  # a child of the packet widget: deleted with it when the page goes
        qtbot.addWidget(widget.preview)
    assert gate.reached.wait(30)
    qtbot.waitUntil(lambda: widget.backup_bar.value() == 30, timeout=10_000)


def test_the_packet_can_be_previewed_and_printed_while_the_backup_runs(
    review, qtbot, services, demo_app, gate, tmp_path
):
    from PySide6.QtPrintSupport import QPrinter

    from desktop_app.ui.packet_widgets import BACKUP_BUSY_TIP, BUTTON_TIP, print_document
    from desktop_app.usecases.backup import list_backups
    from desktop_app.usecases.packet import default_packet_path

    _, page = review
    widget = _packet_widget(page)
    _generate_and_hold(qtbot, widget, gate)
    packet = default_packet_path(services, demo_app)
    pages = len(PdfReader(packet).pages)

    # The backup is still running, yet the packet is done and open in the preview.
    assert widget.is_backing_up() and list_backups(services) == []
    assert widget.preview.isVisible() and widget.preview.document.pageCount() == pages
    assert not widget.bar.isVisible() and not widget.cancel_button.isVisible()  # the packet's own bar
    # The backup's own bar shows what the backup reported: 3 of 10 while 正在写入备份.
    assert widget.backup_bar.isVisible() and widget.backup_bar.text() == "自动备份 30%"
    assert widget.cancel_backup_button.isVisible() and widget.cancel_backup_button.isEnabled()
    assert widget.status.text() == f"已生成，共 {pages} 页；正在自动备份：正在写入备份"
    # The latest-packet line offers 打印… at once, without waiting for the backup.
    assert page.latest.path == packet and page.latest.print_button.isEnabled()
    # Printing works now.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(72)
    assert print_document(widget.preview.document, printer) == pages
    assert len(PdfReader(printed).pages) == pages
    # A second packet would replace the file the backup is copying: the button waits and says why.
    assert not widget.button.isEnabled() and widget.button.toolTip() == BACKUP_BUSY_TIP
    before = packet.stat().st_mtime_ns
    widget.start()
    assert widget.job is None and packet.stat().st_mtime_ns == before

    gate.release.set()
    qtbot.waitUntil(lambda: not widget.is_backing_up(), timeout=60_000)
    backups = list_backups(services)
    assert len(backups) == 1 and backups[0].verified == "ok"
    assert widget.status.text() == f"已生成，共 {pages} 页；已自动备份到 {backups[0].path}"
    assert not widget.backup_bar.isVisible() and not widget.cancel_backup_button.isVisible()
    assert widget.button.isEnabled() and widget.button.toolTip() == BUTTON_TIP
    assert not gate.saw_cancel


def test_取消备份_stops_the_backup_and_keeps_the_packet(review, qtbot, services, demo_app, gate):
    from desktop_app.usecases.backup import backup_folder, list_backups
    from desktop_app.usecases.packet import default_packet_path

    _, page = review
    widget = _packet_widget(page)
    _generate_and_hold(qtbot, widget, gate)
    pages = len(PdfReader(default_packet_path(services, demo_app)).pages)
    qtbot.mouseClick(widget.cancel_backup_button, Qt.MouseButton.LeftButton)
    assert not widget.cancel_backup_button.isEnabled()
    qtbot.waitUntil(lambda: not widget.is_backing_up(), timeout=60_000)
    assert gate.saw_cancel
    assert widget.status.text() == f"已生成，共 {pages} 页；自动备份已取消"
    assert list_backups(services) == []
    assert [p.name for p in backup_folder(services).glob("*")] == []  # no half-written file left
    assert default_packet_path(services, demo_app).is_file() and widget.preview.isVisible()
    assert not widget.backup_bar.isVisible() and widget.button.isEnabled()


def test_leaving_the_review_page_lets_the_backup_finish_without_a_crash(
    review, qtbot, services, demo_app, gate
):
    from desktop_app.usecases.backup import list_backups

    win, page = review
    widget = _packet_widget(page)
    _generate_and_hold(qtbot, widget, gate, close_preview=False)
    job = widget.backup_job
    win.show_start()  # 返回申报列表: the review page and its widgets are deleted
    qtbot.waitUntil(lambda: win.wizard is None and not _alive(widget), timeout=10_000)
    gate.release.set()
    qtbot.waitUntil(lambda: job.is_finished, timeout=60_000)
    assert job.error is None and str(job.result).startswith("已自动备份到 ")
    backups = list_backups(services)
    assert len(backups) == 1 and backups[0].verified == "ok"
    assert not gate.saw_cancel


def _alive(widget: Any) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))


def test_backup_after_packet_passes_progress_and_cancel_through(services, demo_app, tmp_path):
    from desktop_app.usecases.backup import backup_after_packet, list_backups
    from desktop_app.usecases.packet import default_packet_path, make_packet

    make_packet(services, demo_app, default_packet_path(services, demo_app))
    seen: list[tuple[int, int, str]] = []
    message = backup_after_packet(services, demo_app, progress=lambda d, t, s: seen.append((d, t, s)))
    assert message.startswith("已自动备份到 ")
    steps = [text for _, _, text in seen]
    assert {"正在写入备份", "正在校验备份"} <= set(steps)
    written = [(d, t) for d, t, text in seen if text == "正在写入备份"]
    assert written[-1][0] == written[-1][1] > 0  # the writing step reaches 100 %
    assert backup_after_packet(services, demo_app, cancel=lambda: True) == "自动备份已取消"
    assert len(list_backups(services)) == 1  # the cancelled one left nothing
    assert Path(message.removeprefix("已自动备份到 ")) == list_backups(services)[0].path

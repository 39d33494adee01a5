"""生成打印材料 on the review page: the packet is built, previewed with its bookmarks, and printable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop_app.ui.qt_setup import guard_refcount_bug
from tests.packet.conftest import outline_items

guard_refcount_bug()


@pytest.fixture
def wizard(qtbot, services, demo_app):  # type: ignore[no-untyped-def]
    from desktop_app.ui import worker
    from desktop_app.ui.main_window import MainWindow

    worker.set_synchronous(True)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    yield win.open_application(demo_app)
    worker.set_synchronous(False)


def test_review_page_builds_previews_and_prints_the_packet(wizard, qtbot, services, demo_app, tmp_path):
    from desktop_app.ui.packet_widgets import PacketWidget, print_document
    from desktop_app.usecases.packet import default_packet_path

    review = wizard.show_page("review")
    widget = review.findChild(PacketWidget)
    assert widget is not None and widget.button.text() == "生成打印材料"
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    path = default_packet_path(services, demo_app)
    assert widget.last_path == path and path.is_file()
    pages = len(PdfReader(path).pages)
    assert widget.status.text().startswith(
        f"已生成，共 {pages} 页；已自动备份到 "
    )  # issue 6: backup after packet
    preview = widget.preview
    assert preview is not None and preview.isVisible()
    qtbot.addWidget(preview)
    assert preview.document.pageCount() == pages
    top = [preview.bookmarks.index(r, 0).data() for r in range(preview.bookmarks.rowCount())]
    assert top == [
        "封面",
        "材料目录",
        "职称申报承诺书",
        "申报表",
        "审核推荐意见",
        "公示情况",
        "专业技术工作总结",
        "证明材料",
    ]
    preview.go_to_bookmark(preview.bookmarks.index(4, 0))
    tiers_page = next(
        page for depth, title, page in outline_items(PdfReader(path)) if title == "审核推荐意见"
    )
    assert tiers_page > 0 and preview.view.pageNavigator().currentPage() == tiers_page

    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_to = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed_to))
    printer.setResolution(72)
    printer.setFromTo(1, 3)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    assert print_document(preview.document, printer) == 3
    assert len(PdfReader(printed_to).pages) == 3


def test_cancel_keeps_the_previous_packet(wizard, qtbot, services, demo_app):
    from desktop_app.ui.packet_widgets import PacketWidget
    from desktop_app.usecases.packet import default_packet_path, make_packet

    path: Path = default_packet_path(services, demo_app)
    make_packet(services, demo_app, path)
    before = path.read_bytes()
    review = wizard.show_page("review")
    widget = review.findChild(PacketWidget)
    # The synchronous runner cannot be interrupted mid-way: cancel before it checks the first step.
    from desktop_app.ui import worker

    original = worker.run_in_background

    def cancelled_first(work, **callbacks):  # type: ignore[no-untyped-def]
        job = worker.Job(
            work,
            callbacks.get("on_done"),
            callbacks.get("on_error"),
            callbacks.get("on_progress"),
            callbacks.get("on_cancelled"),
        )
        job.cancel()
        job._execute()
        return job

    import desktop_app.ui.packet_widgets as widgets

    widgets.run_in_background = cancelled_first
    try:
        qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    finally:
        widgets.run_in_background = original
    assert widget.status.text() == "已取消，原有的打印材料没有改动"
    assert path.read_bytes() == before
    assert widget.button.isEnabled()


def test_review_page_says_which_pdf_pages_became_pictures(wizard, qtbot, services, demo_app, tmp_path):
    from desktop_app.ui.packet_widgets import PacketWidget
    from desktop_app.usecases.scans import STORED, attach_file, resolve_target
    from tests.packet.test_packet import _government_style_pdf

    source = _government_style_pdf(tmp_path / "继续教育学时证明.pdf", [True])
    target = resolve_target(services, demo_app, "continuing_education[1]")
    assert attach_file(services, demo_app, target, source).status == STORED
    review = wizard.show_page("review")
    widget = review.findChild(PacketWidget)
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    if widget.preview is not None:
        qtbot.addWidget(widget.preview)
    lines = widget.status.text().splitlines()
    assert lines[0].startswith("已生成，共 ") and "已自动备份到" in lines[0]
    assert (
        lines[1]
        == "请注意：证明材料“继续教育学时证明.pdf”第 1 页的字体没有嵌入文件，已转为图片放入：请核对打印出来的文字是否清楚"
    )


def test_an_incomplete_application_asks_and_offers_a_draft(wizard, qtbot, services, demo_app, monkeypatch):
    from desktop_app.ui.packet_widgets import PacketWidget
    from desktop_app.usecases.packet import default_packet_path

    services.set_answer(demo_app, "basic.ethnicity", "")  # one open item
    review = wizard.show_page("review")
    widget = review.findChild(PacketWidget)
    asked: list[int] = []
    monkeypatch.setattr(widget, "ask_draft", lambda count: asked.append(count) or False)
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)  # 取消: nothing is written
    assert asked == [services.check(demo_app).errors.__len__()] and asked[0] >= 1
    assert not default_packet_path(services, demo_app).exists()
    assert not default_packet_path(services, demo_app, draft=True).exists()
    monkeypatch.setattr(widget, "ask_draft", lambda count: True)  # 生成草稿
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    draft = default_packet_path(services, demo_app, draft=True)
    assert widget.last_path == draft and draft.is_file()
    assert not default_packet_path(services, demo_app).exists()  # never written as the final packet
    texts = [p.extract_text() for p in PdfReader(draft).pages]
    assert all("草稿" in t for t in texts) and "民族：必填项，尚未填写" in texts[0]
    assert widget.status.text().startswith("已生成草稿") and "项未完善" in widget.status.text()
    if widget.preview is not None:
        qtbot.addWidget(widget.preview)


def test_the_draft_question_names_the_count_and_offers_生成草稿(qtbot, services, demo_app):

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app.ui.packet_widgets import PacketWidget
    from desktop_app.ui.session import Session

    widget = PacketWidget(Session(services, demo_app))
    qtbot.addWidget(widget)
    seen: list[str] = []

    def answer() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen.append(box.text())
        seen.extend(b.text() for b in box.buttons())
        box.grab().save(str(Path(services.home) / "draft_question.png"))
        next(b for b in box.buttons() if b.text() == "生成草稿").click()

    QTimer.singleShot(200, answer)
    assert widget.ask_draft(3) is True
    assert "尚有 3 项未完善，不能生成正式打印材料。" in seen and "生成草稿" in seen and "取消" in seen

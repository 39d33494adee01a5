"""生成打印材料 on the review page: progress and cancel, a preview with the bookmarks, 打印, 打开所在文件夹."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPdf import QPdfBookmarkModel, QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import UserError
from desktop_app.ui.worker import Job, Progress, run_in_background

log = logging.getLogger(__name__)
PRINT_DPI_LIMIT = 300
BUTTON_TIP = (
    "生成一份 A4 PDF：封面、材料目录、承诺书、申报表、各级审核推荐意见页、公示情况、"
    "专业技术工作总结和证明材料复印件"
)
BACKUP_BUSY_TIP = "正在自动备份刚生成的打印材料：备份完成或点“取消备份”后，才能再次生成"


class _StatusLabel(QLabel):
    """A result line that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))


class PacketWidget(QWidget):
    """The 生成打印材料 button with its options and progress bar; opens the preview when done."""

    # The new packet's path, emitted before the automatic backup starts (the review page's 打印… uses it).
    made = Signal(Path)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: Job | None = None
        self.backup_job: Job | None = None
        self.preview: PacketPreviewDialog | None = None
        self.last_path: Path | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton("生成打印材料")
        self.button.setToolTip(BUTTON_TIP)
        self.duplex = QCheckBox("双面打印")
        self.duplex.setToolTip("每一部分从奇数页开始（必要时插入空白页）")
        self.strip = QCheckBox("证明材料页加审核栏")
        self.strip.setChecked(True)
        self.strip.setToolTip("每页证明材料下方印“经核对，与原件一致 · 审核人 · 日期 · （盖章）”")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMinimumWidth(160)
        self.bar.hide()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.hide()
        # The automatic backup after a packet has its own bar: the packet is done and can be printed
        # meanwhile, so its bar must not look as if the packet were still being made.
        self.backup_bar = QProgressBar()
        self.backup_bar.setRange(0, 100)
        self.backup_bar.setFormat("自动备份 %p%")
        self.backup_bar.setMinimumWidth(220)
        self.backup_bar.setToolTip("正在把申报内容、扫描件和刚生成的打印材料备份到备份文件夹")
        self.cancel_backup_button = QPushButton("取消备份")
        self.cancel_backup_button.setToolTip("停止这次自动备份；打印材料已生成，不受影响")
        # A line of its own, shown only while the backup runs: the row of actions has no room left at
        # 1366×768 with 125 % scaling. The review page puts it under the result line, like the status.
        self.backup_row = QWidget()
        row = QHBoxLayout(self.backup_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.backup_bar)
        row.addWidget(self.cancel_backup_button)
        row.addStretch(1)
        self.backup_row.hide()
        # The result (where the backup went, what to check on paper) can be long: the review page gives it
        # a full-width line of its own (ReviewPage.add_message_widget); standing alone it follows the buttons.
        self.status = _StatusLabel("")
        self.status.setVisible(False)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (
            self.button,
            self.duplex,
            self.strip,
            self.bar,
            self.cancel_button,
            self.status,
            self.backup_row,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)  # spare width stays after the controls, not between them
        self.button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_backup_button.clicked.connect(self.cancel_backup)
        self._backup_text = ("", "")  # (what the packet result says, its notes) while the backup runs

    def is_backing_up(self) -> bool:
        """Whether the automatic backup after the last packet is still running."""
        return self.backup_job is not None and not self.backup_job.is_finished

    def start(self) -> None:
        """Build the packet off the GUI thread."""
        from desktop_app.usecases.packet import (
            PacketOptions,
            default_packet_path,
            make_packet,
        )

        if self.is_backing_up():
            return  # the button is disabled meanwhile (see _start_backup); a direct call is refused too
        services, app_id = self.session.services, self.session.app_id
        # The same completeness check as the review page decides: final packet, or a draft if the person agrees.
        count = len(self.session.report().errors)
        draft = count > 0
        if draft and not self.ask_draft(count):
            return
        options = PacketOptions(
            duplex=self.duplex.isChecked(), verify_strip=self.strip.isChecked(), draft=draft
        )
        out = default_packet_path(services, app_id, draft=draft)

        def work(progress: Progress) -> Any:  # PacketCancelled is the worker's Cancelled: no adapter
            try:
                return make_packet(
                    services, app_id, out, options, progress.update, lambda: progress.cancelled
                )
            finally:
                # The merge and the read-back leave pypdf's reference cycles (tens of MB), also when the packet
                # failed or was cancelled: the window frees them now rather than at the collector's next pass
                # (a command-line run simply ends instead).
                gc.collect()

        self.button.setEnabled(False)
        self.bar.setValue(0)
        self.bar.show()
        self.cancel_button.show()
        self.status.setText("正在生成…")
        self.job = run_in_background(
            work,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._cancelled,
            owner=self,
        )

    def ask_draft(self, count: int) -> bool:
        """尚有 N 项未完善: offer a draft instead of the final packet; True when the person chooses 生成草稿."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "生成打印材料",
            f"尚有 {count} 项未完善，不能生成正式打印材料。",
            parent=self,
        )
        box.setInformativeText(
            "可以先生成草稿查看排版：草稿每页印有“草稿·未完善”，首页列出尚未完善的项目，"
            "缺少的扫描件处留有占位页。草稿不能作为正式申报材料提交。"
        )
        draft_button = box.addButton("生成草稿", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(draft_button)
        box.exec()
        return box.clickedButton() is draft_button

    def cancel(self) -> None:
        """Stop at the next step; the previous packet stays as it was."""
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int, text: str) -> None:
        self.bar.setValue(round(100 * done / max(total, 1)))
        self.status.setText(text)

    def _reset(self) -> None:
        self.button.setEnabled(True)
        self.bar.hide()
        self.cancel_button.hide()
        self.job = None

    def _done(self, result: Any) -> None:
        self._reset()
        self.last_path = Path(result.path)
        # What to check on paper (e.g. a PDF page placed as a picture) stays under the result line.
        notes = "".join(f"\n请注意：{notice}" for notice in getattr(result, "notices", ()))
        open_count = getattr(result, "open_items", 0)
        if open_count:
            self.status.setText(
                f"已生成草稿，共 {result.pages} 页；尚有 {open_count} 项未完善，草稿不能作为正式申报材料"
                f"{notes}"
            )
        else:
            self.status.setText(f"已生成，共 {result.pages} 页{notes}")
        self.preview = PacketPreviewDialog(self.last_path, self)
        self.preview.show()
        self.made.emit(self.last_path)
        if open_count:
            return  # a draft is not backed up as the packet
        self._start_backup(f"已生成，共 {result.pages} 页", notes)

    def _start_backup(self, done_text: str, notes: str = "") -> None:
        """Issue 6: back up after every successful packet, off the GUI thread (copying scans takes seconds).

        Issue 16: the preview is already open and nothing here waits for the backup; it has its own bar
        and 取消备份 button, shown only while it runs.
        """
        from desktop_app.usecases.auto_backup import is_auto_backup_on

        services, app_id = self.session.services, self.session.app_id
        if not is_auto_backup_on(services):
            return

        def work(progress: Progress) -> str:
            from desktop_app.usecases.backup import backup_after_packet  # loaded on the worker thread

            return backup_after_packet(
                services, app_id, progress=progress.update, cancel=lambda: progress.cancelled
            )

        # A second 生成打印材料 now would replace the packet file the backup is copying (on Windows the
        # replace fails outright). Cancelling the backup instead would silently leave the packet the person
        # just printed without a backup, so the button waits, says why, and 取消备份 is one click away.
        self.button.setEnabled(False)
        self.button.setToolTip(BACKUP_BUSY_TIP)
        self.backup_bar.setRange(0, 0)  # busy until the first step reports its size
        self.cancel_backup_button.setEnabled(True)
        self.backup_row.show()
        self._backup_text = (done_text, notes)
        self._say_backup("正在自动备份…")
        self.backup_job = run_in_background(
            work,
            on_done=self._backup_done,
            on_error=self._backup_failed,
            on_progress=self._backup_progress,
            # Leaving the review page drops the callbacks but not the backup: the person did not ask to
            # stop it (取消备份 does), and quitting still stops it (worker.cancel_all_and_wait).
            owner=self,
            cancel_with_owner=False,
        )

    def cancel_backup(self) -> None:
        """Stop the automatic backup; it removes what it half-wrote and the packet stays as it is."""
        if self.is_backing_up():
            assert self.backup_job is not None
            self.cancel_backup_button.setEnabled(False)
            self._say_backup("正在取消自动备份…")
            self.backup_job.cancel()

    def _backup_progress(self, done: int, total: int, text: str) -> None:
        if total:
            self.backup_bar.setRange(0, 100)
            self.backup_bar.setValue(min(100, round(100 * done / total)))
        else:
            self.backup_bar.setRange(0, 0)
        if text and self.cancel_backup_button.isEnabled():  # 正在取消 stays once asked
            self._say_backup(f"正在自动备份：{text}")

    def _backup_ended(self, message: str) -> None:
        self.backup_row.hide()
        self.button.setEnabled(True)
        self.button.setToolTip(BUTTON_TIP)
        self._say_backup(message)

    def _say_backup(self, what: str) -> None:
        """The result line: what the packet result says, then how the backup stands (if anything), its notes."""
        done_text, notes = self._backup_text
        self.status.setText((f"{done_text}；{what}" if what else done_text) + notes)

    def _backup_done(self, message: Any) -> None:
        # backup_after_packet returns "" when the automatic backup was switched off meanwhile.
        self._backup_ended(str(message or ""))

    def _backup_failed(self, exc: BaseException) -> None:
        # backup_after_packet never raises; this only guards against a bug in it.
        log.error("automatic backup failed", exc_info=exc)
        self._backup_ended("自动备份失败（程序内部错误），请在“备份”页手动备份")

    def _failed(self, exc: BaseException) -> None:
        self._reset()
        if isinstance(exc, UserError):
            self.status.setText("未生成")
            QMessageBox.warning(self, "未能生成打印材料", str(exc))
        else:
            log.error("packet failed", exc_info=exc)
            self.status.setText("未生成")
            QMessageBox.critical(
                self,
                "未能生成打印材料",
                f"程序内部错误（{type(exc).__name__}），原有的打印材料没有改动；详细信息已写入日志",
            )

    def _cancelled(self) -> None:
        self._reset()
        self.status.setText("已取消，原有的打印材料没有改动")


class PacketPreviewDialog(QDialog):
    """The packet as it will print, its bookmarks on the left; 打印 and 打开所在文件夹."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"打印材料预览 — {path.name}")
        from desktop_app.ui.sizing import fit_to_screen

        fit_to_screen(self, 1000, 660)  # issue 15: fits 1366×768 with the taskbar
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.bookmarks = QPdfBookmarkModel(self)
        self.bookmarks.setDocument(self.document)
        self.tree = QTreeView(self)
        self.tree.setModel(self.bookmarks)
        self.tree.setHeaderHidden(True)
        self.tree.expandToDepth(0)
        self.tree.activated.connect(self.go_to_bookmark)
        self.tree.clicked.connect(self.go_to_bookmark)
        splitter = QSplitter(self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.view)
        splitter.setSizes([260, 740])
        self.where = QLabel(f"保存位置：{path}")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        print_button = QPushButton("打印…")
        folder_button = QPushButton("打开所在文件夹")
        close_button = QPushButton("关闭")
        print_button.clicked.connect(self.print_packet)
        folder_button.clicked.connect(self.open_folder)
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.where, 1)
        for button in (print_button, folder_button, close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def go_to_bookmark(self, index: QModelIndex) -> None:
        """Show the page a bookmark points to."""
        page = index.data(int(QPdfBookmarkModel.Role.Page))
        if page is not None:
            self.view.pageNavigator().jump(int(page), QPointF(), 0)

    def open_folder(self) -> bool:
        """Open the folder holding the packet in the system's file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))

    def print_packet(self) -> None:
        """Choose a printer and print every page, fitted to the paper."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印打印材料")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_document(self.document, printer, self)


def print_document(document: QPdfDocument, printer: QPrinter, parent: QWidget | None = None) -> int:
    """Render each page at the printer's resolution (at most 300 dpi) onto the paper; returns pages printed."""
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(count, printer.toPage()) - 1
    dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
    progress = QProgressDialog("正在发送到打印机…", "取消", 0, last - first + 1, parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    painter = QPainter()
    if not painter.begin(printer):
        QMessageBox.warning(parent, "无法打印", "打印机无法开始打印：请检查打印机是否已连接并处于就绪状态")
        return 0
    printed = 0
    try:
        for index in range(first, last + 1):
            if progress.wasCanceled():
                break
            if printed:
                printer.newPage()
            size_pt = document.pagePointSize(index)
            pixels = QSize(round(size_pt.width() * dpi / 72), round(size_pt.height() * dpi / 72))
            image = document.render(index, pixels)
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(
                QRectF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2, w, h),
                image,
            )
            printed += 1
            progress.setValue(printed)
            QApplication.processEvents()
    finally:
        painter.end()
        progress.close()
    return printed

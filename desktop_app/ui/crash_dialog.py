"""What the person sees when something unexpected goes wrong: a Chinese dialog instead of a vanished window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.logging_setup import current_log_file, mask_personal
from desktop_app.os_errors import for_person

log = logging.getLogger(__name__)

TITLE = "程序出现意外错误"


def describe(exc_type: type[BaseException], exc: BaseException | None) -> str:
    """One masked line naming the error, for the dialog (the full traceback goes to the log)."""
    text = str(exc) if exc is not None else ""
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:300] + "……"
    return mask_personal(f"{exc_type.__name__}：{text}" if text else exc_type.__name__)


class CrashDialog(QDialog):
    """Explains an unexpected error: what happened, that the draft is safe, where the log is."""

    def __init__(self, summary: str, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("crash_dialog")
        self.log_file = log_file
        layout = QVBoxLayout(self)
        self.message = QLabel(
            "<p><b>刚才的操作没有完成：程序遇到了一个意外错误。</b></p>"
            "<p>您已填写的内容是安全的：每一项在填写时就已自动保存到草稿，不会因为这个错误丢失。"
            "可以关闭本提示继续使用；如果同一操作反复出错，请重新启动程序。</p>"
            f"<p>错误信息：{_escape(mask_personal(summary))}</p>"
            f"<p>详细情况已写入日志文件：<br>{_escape(str(log_file))}<br>"
            "需要求助时，请把日志文件夹中的文件发给技术支持人员（日志中的身份证号和手机号已隐去部分数字）。</p>"
        )
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumWidth(480)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.open_logs_button = buttons.addButton("打开日志文件夹", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_logs_button.clicked.connect(self.open_log_folder)
        self.continue_button = buttons.addButton("继续使用", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The dialog's message as plain text (for tests and copying)."""
        doc = self.message.text()
        from PySide6.QtGui import QTextDocument

        plain = QTextDocument()
        plain.setHtml(doc)
        return plain.toPlainText()

    def open_log_folder(self) -> bool:
        """Show the log folder in the system's file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Relay(QObject):
    """Carries errors from any thread to the GUI thread (queued signal)."""

    error = Signal(str)
    notice = Signal(str)


class CrashHandler:
    """Installs sys.excepthook and threading.excepthook: log the error, then show CrashDialog once at a time."""

    def __init__(self, log_file: Callable[[], Path] = current_log_file) -> None:
        self.log_file = log_file
        self.dialog: CrashDialog | None = None
        self.shown = 0
        self._relay = _Relay()
        # The relay lives in the GUI thread, so a signal emitted from a worker arrives there.
        self._relay.error.connect(self.show_dialog, Qt.ConnectionType.QueuedConnection)
        self._relay.notice.connect(self.show_notice, Qt.ConnectionType.QueuedConnection)
        self.notice_box: QMessageBox | None = None
        self._previous_sys: Any = None
        self._previous_threading: Any = None

    def install(self) -> CrashHandler:
        """Take over sys.excepthook and threading.excepthook."""
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self.handle_thread
        return self

    def uninstall(self) -> None:
        """Give the hooks back (tests)."""
        if self._previous_sys is not None:
            sys.excepthook = self._previous_sys
        if self._previous_threading is not None:
            threading.excepthook = self._previous_threading

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """sys.excepthook: log with traceback (masked by the log formatter) and tell the person."""
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        known = for_person(exc)
        if known is not None:
            # An error with a message for the person that a slot did not catch (or a full disk, a read-only
            # folder): say it, it is no crash.
            log.warning("unhandled user error: %s", exc)
            self._relay.notice.emit(mask_personal(str(known)))
            return
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        self._relay.error.emit(describe(exc_type, exc))

    def handle_thread(self, args: threading.ExceptHookArgs) -> None:
        """threading.excepthook: same as handle(), from a worker thread."""
        if args.exc_value is None:
            return
        log.critical(
            "unexpected error in thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        known = for_person(args.exc_value)
        if known is not None:
            self._relay.notice.emit(mask_personal(str(known)))
            return
        self._relay.error.emit(describe(args.exc_type, args.exc_value))

    def show_dialog(self, summary: str) -> None:
        """Show the dialog (non-blocking); while one is open, further errors only go to the log."""
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.shown += 1
        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(summary, self.log_file(), parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()

    def show_notice(self, message: str) -> None:
        """Show a Chinese one-line message of a UserError (non-blocking)."""
        self.notice_box = QMessageBox(
            QMessageBox.Icon.Warning, "无法完成操作", message, parent=QApplication.activeWindow()
        )
        self.notice_box.setObjectName("user_error_box")
        self.notice_box.open()

"""Rotating log in the user log folder; ID and phone numbers are masked before anything is written."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
from pathlib import Path

from desktop_app.paths import log_dir, restrict_to_owner

LOG_NAME = "zhicheng.log"
_ID = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_fault_file = None
_qt_handler_installed = False


def mask_personal(text: str) -> str:
    """Mask resident ID numbers (530102********002X) and mobile numbers (138****5678)."""
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskingFormatter(logging.Formatter):
    """Formats the record, traceback included, then masks personal numbers."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal(super().format(record))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are owner-only (0600) and whose failures never reach the terminal.

    On a full disk or a read-only log folder a record is lost, but the person is not shown the
    "--- Logging error ---" traceback logging prints by default: the command's own message says what happened.
    """

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        restrict_to_owner(Path(self.baseFilename))
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = getattr(self, "failed", 0) + 1


def current_log_file() -> Path:
    """Path of the active log file."""
    return log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Configure the root logger once; returns the log file."""
    global _fault_file
    root = logging.getLogger()
    try:
        path = current_log_file()
    except OSError:  # the log folder cannot even be created (read-only or full disk)
        path = Path(LOG_NAME)
    if any(getattr(h, "_zhicheng", False) for h in root.handlers):
        return path
    try:
        if not path.parent.is_dir() or path == Path(LOG_NAME):
            raise OSError("no log folder")
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        # No log on a read-only or full disk: the command still runs and says what is wrong itself.
        handler = logging.NullHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._zhicheng = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    if _fault_file is None and not isinstance(handler, logging.NullHandler):
        # faulthandler writes raw tracebacks of hard crashes (no personal data: only code locations).
        crash_log = path.with_name("crash.log")
        try:
            fd = os.open(crash_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            restrict_to_owner(crash_log)
            _fault_file = open(fd, "a", encoding="utf-8")  # noqa: SIM115
            faulthandler.enable(_fault_file)
        except OSError:
            _fault_file = None
    return path


_QT_LEVELS = {
    "QtDebugMsg": logging.DEBUG,
    "QtInfoMsg": logging.INFO,
    "QtWarningMsg": logging.WARNING,
    "QtCriticalMsg": logging.ERROR,
    "QtFatalMsg": logging.CRITICAL,
}


def log_qt_message(kind: object, category: str, message: str) -> None:
    """Write one Qt message to the log (masked like every other record)."""
    name = getattr(kind, "name", str(kind)).split(".")[-1]
    level = _QT_LEVELS.get(name, logging.WARNING)
    logging.getLogger("qt" + (f".{category}" if category and category != "default" else "")).log(
        level, "%s", message
    )


def install_qt_message_handler() -> None:
    """Route Qt's own messages (qWarning and friends) into the rotating log instead of stderr."""
    global _qt_handler_installed
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind: object, context: object, message: str) -> None:
        try:
            log_qt_message(kind, getattr(context, "category", "") or "", message)
        except Exception:  # a logging failure must never take the GUI down
            pass

    # Keep a reference: Qt holds only a raw pointer to the Python callable.
    install_qt_message_handler.handler = handler  # type: ignore[attr-defined]
    qInstallMessageHandler(handler)
    _qt_handler_installed = True


def shutdown_logging() -> None:
    """Detach and close the app's log handlers (so a temporary log folder can be removed)."""
    global _fault_file, _qt_handler_installed
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_zhicheng", False)]:
        root.removeHandler(handler)
        handler.close()
    if _qt_handler_installed:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)
        _qt_handler_installed = False
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None

"""Rotating log in the user log folder; ID and phone numbers are masked before anything is written."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import re
from pathlib import Path

from desktop_app.paths import log_dir

LOG_NAME = "zhicheng.log"
_ID = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_fault_file = None


def mask_personal(text: str) -> str:
    """Mask resident ID numbers (530102********002X) and mobile numbers (138****5678)."""
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskingFormatter(logging.Formatter):
    """Formats the record, traceback included, then masks personal numbers."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal(super().format(record))


def current_log_file() -> Path:
    """Path of the active log file."""
    return log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Configure the root logger once; returns the log file."""
    global _fault_file
    path = current_log_file()
    root = logging.getLogger()
    if any(getattr(h, "_zhicheng", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._zhicheng = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    if _fault_file is None:
        # faulthandler writes raw tracebacks of hard crashes (no personal data: only code locations).
        _fault_file = open(path.with_name("crash.log"), "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_fault_file)
    return path

"""Guard against a PySide6 wheel bug that frees None/True/False on CPython 3.11.

PySide6-Essentials 6.12.0 drops a reference to None on every void call and to True/False on every
signal emit; about 5 000 Qt calls later CPython 3.11 aborts with "none_dealloc" (measured here:
300 000 × QPushButton.setText aborts on 6.12.0, survives on 6.11.3). CPython 3.12 made these
objects immortal; this gives them the same protection on 3.11. It runs when desktop_app is
imported, so the GUI, the CLI (QtPdf rendering), the smoke test and the tests are all covered.
"""

from __future__ import annotations

import ctypes
import sys
from importlib import metadata

# Wheels measured to have the bug (see module docstring).
REFCOUNT_BUG_VERSIONS = ("6.12.0",)
_applied = False


def affected_version() -> str | None:
    """The installed PySide6 version when it has the bug on this Python, else None."""
    if sys.version_info >= (3, 12):
        return None
    try:
        version = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        try:
            import PySide6

            version = PySide6.__version__
        except ImportError:
            return None
    return version if version in REFCOUNT_BUG_VERSIONS else None


def guard_refcount_bug() -> bool:
    """Raise the refcounts of None/True/False far beyond what a session can drop; True when applied."""
    global _applied
    if _applied:
        return True
    if affected_version() is None:
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    _applied = True
    return True

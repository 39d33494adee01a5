"""Guard against a PySide6 wheel bug that frees None/True/False on CPython 3.11.

PySide6-Essentials 6.12.0 drops a reference to None on every void call and to True/False on every
signal emit; about 5 000 Qt calls later CPython 3.11 aborts with "none_dealloc" (measured here:
300 000 × QPushButton.setText aborts on 6.12.0, survives on 6.11.3). CPython 3.12 made these
objects immortal; this gives them the same protection on 3.11. It runs when desktop_app is
imported, so the GUI, the CLI (QtPdf rendering), the smoke test and the tests are all covered.
"""

from __future__ import annotations

import ctypes
import re
import sys
from pathlib import Path

# Wheels measured to have the bug (see module docstring).
REFCOUNT_BUG_VERSIONS = ("6.12.0",)
_applied = False


def config_version() -> str | None:
    """The version PySide6's own _config.py states, found without importing PySide6 or importlib.metadata
    (together ~15 ms of every command); None where it is not a readable file (a frozen build)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("PySide6")
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        text = (Path(folders[0]) / "_config.py").read_text(encoding="utf-8") if folders else ""
    except (ImportError, ValueError, OSError, UnicodeDecodeError):
        return None
    match = re.search(r'^version = "([^"]+)"$', text, re.MULTILINE)
    return match.group(1) if match else None


def affected_version() -> str | None:
    """The installed PySide6 version when it has the bug on this Python, else None."""
    if sys.version_info >= (3, 12):
        return None
    version = config_version()
    if version is not None:
        return version if version in REFCOUNT_BUG_VERSIONS else None
    from importlib import metadata

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

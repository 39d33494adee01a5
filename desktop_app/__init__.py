"""职称申报材料助手 — offline helper for Kunming professional-title applications."""

__version__ = "0.1.0"

from desktop_app.qt_compat import guard_refcount_bug as _guard_refcount_bug  # noqa: E402

_guard_refcount_bug()

"""Default window sizes that fit a 1366×768 Windows screen with its taskbar, also at 125 % scaling.

A 768-px screen leaves about 728 px under the taskbar, title bar included: no window opens taller than
700 px or wider than 1340 px, and none is larger than the screen's free area it opens on.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MAX_WIDTH = 1340
MAX_HEIGHT = 700
# Title bar and frame the window system adds around a window's client area.
FRAME_WIDTH = 16
FRAME_HEIGHT = 40
# A 1366×768 screen at 125 %: 1093×614 logical pixels, less a 32-px taskbar and the title bar.
SCALED_SCREEN = (1093, 550)
# Tests turn this off to see the sizes a window asks for, whatever the test screen is.
CLAMP_TO_SCREEN = True


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the wanted size, never beyond 1340×700 nor beyond the free area of the screen."""
    w, h = min(width, MAX_WIDTH), min(height, MAX_HEIGHT)
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if CLAMP_TO_SCREEN and screen is not None:
        area = screen.availableGeometry()
        w = min(w, max(area.width() - FRAME_WIDTH, 320))
        h = min(h, max(area.height() - FRAME_HEIGHT, 240))
    widget.resize(w, h)

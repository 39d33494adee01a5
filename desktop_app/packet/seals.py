"""Where a seal goes: a dashed circle a real round seal (up to 46 mm) fits into, its label outside the
circle (wrapped, never below 8 pt), and the 年 月 日 line the seal is stamped across, as on paper forms."""

from __future__ import annotations

from desktop_app.packet.layout import REGULAR, Circle, Op, Text, wrap

MM = 72 / 25.4
SEAL_DIAMETER = 46.5 * MM  # round official seals are 38–42 mm; 46 mm leaves room for a slightly tilted stamp
SEAL_RADIUS = SEAL_DIAMETER / 2
LABEL_SIZE = 9.0
LABEL_LEADING = 11.5
DATE_TEXT = "　　年　　月　　日"


def seal_label_lines(label: str, width: float) -> list[str]:
    """The label wrapped to the width (at 9 pt: never shrunk)."""
    return wrap(label, width, REGULAR, LABEL_SIZE)


def seal_height(label: str, width: float) -> float:
    """Height a seal place takes: its label lines above, the circle below them."""
    return len(seal_label_lines(label, width)) * LABEL_LEADING + 4 + SEAL_DIAMETER


def seal_place(cx: float, top: float, label: str, width: float, date: bool = True) -> list[Op]:
    """A seal place centred at `cx` whose label starts at `top` (label above the circle, date inside it)."""
    ops: list[Op] = []
    lines = seal_label_lines(label, width)
    y = top
    for line in lines:
        ops.append(Text(cx, y - LABEL_SIZE, line, REGULAR, LABEL_SIZE, "center"))
        y -= LABEL_LEADING
    cy = y - 4 - SEAL_RADIUS
    ops.append(Circle(cx, cy, SEAL_RADIUS, 0.8, (3, 3)))
    if date:
        # The seal is stamped across the date, as offices do ("骑年盖月").
        ops.append(Text(cx, cy - SEAL_RADIUS * 0.45, DATE_TEXT, REGULAR, 10.5, "center"))
    return ops

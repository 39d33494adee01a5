"""调整四角: place the four corners of the paper on a photo by hand, when the app could not find them.

The picture is shown upright and as taken; each corner is a handle to drag, and a magnified view of the
corner being moved shows exactly where the paper's edge is. The result is four corners as fractions of
the picture (top-left, top-right, bottom-right, bottom-left), stored as the attachment's flatten edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

HANDLE_RADIUS = 9
GRAB_DISTANCE = 28
VIEW_SIDE = 620
LOUPE_SIDE = 200
LOUPE_ZOOM = 4
# Where the corners start when nothing was found: a little inside the picture's edges.
DEFAULT_CORNERS = ((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9))
CORNER_NAMES = ("左上角", "右上角", "右下角", "左下角")


class CornerCanvas(QWidget):
    """The picture with the paper's outline; drag a corner handle to move it."""

    corner_moved = Signal(int)

    def __init__(
        self, picture: QImage, corners: Sequence[Sequence[float]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.picture = picture
        scale = min(VIEW_SIDE / max(1, picture.width()), VIEW_SIDE / max(1, picture.height()), 1.0)
        self.shown = QPixmap.fromImage(picture).scaled(
            round(picture.width() * scale),
            round(picture.height() * scale),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.setFixedSize(self.shown.size())
        self.corners = [QPointF(float(x), float(y)) for x, y in corners]
        self.active = 0
        self._dragging = False
        self.setMouseTracking(False)

    def fractions(self) -> list[list[float]]:
        """The four corners as fractions of the picture (top-left, top-right, bottom-right, bottom-left)."""
        return [[round(p.x(), 5), round(p.y(), 5)] for p in self.corners]

    def _to_view(self, point: QPointF) -> QPointF:
        return QPointF(point.x() * self.width(), point.y() * self.height())

    def set_corner(self, index: int, view_point: QPointF) -> None:
        """Move one corner to a point of the view (kept inside the picture)."""
        x = min(1.0, max(0.0, view_point.x() / max(1, self.width())))
        y = min(1.0, max(0.0, view_point.y() / max(1, self.height())))
        self.corners[index] = QPointF(x, y)
        self.active = index
        self.update()
        self.corner_moved.emit(index)

    def nearest(self, view_point: QPointF) -> int | None:
        """The corner handle under a point of the view, if any is within reach."""
        best, best_distance = None, float(GRAB_DISTANCE)
        for index, corner in enumerate(self.corners):
            shown = self._to_view(corner)
            distance = ((shown.x() - view_point.x()) ** 2 + (shown.y() - view_point.y()) ** 2) ** 0.5
            if distance <= best_distance:
                best, best_distance = index, distance
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.nearest(event.position())
        if index is not None:
            self._dragging = True
            self.active = index
            self.corner_moved.emit(index)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._dragging:
            self.set_corner(self.active, event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._dragging = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, self.shown)
        outline = QPolygonF([self._to_view(p) for p in self.corners])
        painter.setPen(QPen(QColor("#1e88e5"), 2))
        painter.setBrush(QBrush(QColor(30, 136, 229, 40)))
        painter.drawPolygon(outline)
        for index, corner in enumerate(self.corners):
            colour = QColor("#e53935") if index == self.active else QColor("#1e88e5")
            painter.setPen(QPen(QColor("white"), 2))
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(self._to_view(corner), HANDLE_RADIUS, HANDLE_RADIUS)
        painter.end()


class Loupe(QLabel):
    """A magnified view of the picture around one corner, with cross-hairs on the exact point."""

    def __init__(self, picture: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = picture
        self.setFixedSize(LOUPE_SIDE, LOUPE_SIDE)
        self.setStyleSheet("border: 1px solid #888;")

    def show_corner(self, fraction: QPointF) -> None:
        """Draw the neighbourhood of a corner (fractions of the picture) magnified."""
        x, y = fraction.x() * self.source.width(), fraction.y() * self.source.height()
        half = LOUPE_SIDE / LOUPE_ZOOM / 2
        pixmap = QPixmap(LOUPE_SIDE, LOUPE_SIDE)
        pixmap.fill(QColor("#444"))
        painter = QPainter(pixmap)
        painter.drawImage(
            QRectF(0, 0, LOUPE_SIDE, LOUPE_SIDE), self.source, QRectF(x - half, y - half, 2 * half, 2 * half)
        )
        painter.setPen(QPen(QColor("#e53935"), 1))
        middle = LOUPE_SIDE / 2
        painter.drawLine(QPointF(middle, 0), QPointF(middle, LOUPE_SIDE))
        painter.drawLine(QPointF(0, middle), QPointF(LOUPE_SIDE, middle))
        painter.end()
        self.setPixmap(pixmap)


class CornerEditorDialog(QDialog):
    """调整四角: drag the corners onto the paper's corners; 确定 straightens the photo to that paper."""

    def __init__(
        self,
        picture: QImage,
        corners: Sequence[Sequence[float]] | None = None,
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("调整纸张四角")
        layout = QVBoxLayout(self)
        intro = QLabel(
            (message + "\n" if message else "")
            + "把四个圆点拖到纸张的四个角上，右侧放大显示正在调整的角。点击“确定”后，程序按这四个角把纸张拉正，"
            "并把纸面调白。原照片不会被修改，随时可以撤销。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.canvas = CornerCanvas(picture, corners or DEFAULT_CORNERS)
        row.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        self.loupe = Loupe(picture)
        self.loupe_label = QLabel()
        side.addWidget(self.loupe_label)
        side.addWidget(self.loupe)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.canvas.corner_moved.connect(self._show_corner)
        self._show_corner(0)

    def _show_corner(self, index: int) -> None:
        self.loupe_label.setText(f"放大：{CORNER_NAMES[index]}")
        self.loupe.show_corner(self.canvas.corners[index])

    def corners(self) -> list[list[float]]:
        """The corners placed (fractions of the picture: top-left, top-right, bottom-right, bottom-left)."""
        return self.canvas.fractions()

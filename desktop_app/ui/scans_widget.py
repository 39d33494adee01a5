"""The scans of one entry (or of 基本信息 / the cover): thumbnails with naming verdicts, add by dialog or
drag-and-drop, rotate, delete, choose the material type, and 一键规范命名.

Everything slow (checking and storing files, making thumbnails, decoding a scan for 裁剪 or counting its
pages for 选择页面) runs through ui.worker off the GUI thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRubberBand,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.worker import run_in_background

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

THUMB_SIDE = 132
FILE_FILTER = (
    "图片或PDF (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.heic *.heif *.gif *.pdf);;所有文件 (*)"
)
VERDICT_COLOURS = {"ok": "#2e7d32", "warn": "#b26a00", "fail": "#c62828"}


def make_thumbnail(blob_path: Path, media_type: str, edits: dict[str, Any]) -> QImage:
    """A small upright picture of the first chosen page (runs on a worker thread: QImage only)."""
    from desktop_app.usecases.scans import thumbnail_picture

    picture = thumbnail_picture(blob_path, media_type, edits, THUMB_SIDE)
    if picture is None:
        return QImage()
    return to_qimage(picture)


def to_qimage(picture: Any) -> QImage:
    """A QImage owning a copy of an RGB PIL picture's pixels."""
    picture = picture.convert("RGB")
    raw = picture.tobytes()
    return QImage(raw, picture.width, picture.height, picture.width * 3, QImage.Format.Format_RGB888).copy()


FLATTENED = "已整理为扫描件"
NOT_FOUND = "未能自动识别纸张边缘"


def flatten_state(edits: Any) -> str:
    """What the thumbnail says about a photo: flattened, or its paper not found (empty for everything else)."""
    if "flatten" in edits:
        return FLATTENED
    if edits.get("flatten_missed"):
        return NOT_FOUND
    return ""


class CropLabel(QLabel):
    """The picture; drag a rectangle over it to choose what to keep."""

    def __init__(self, pixmap: QPixmap) -> None:
        super().__init__()
        self.setPixmap(pixmap)
        self.setFixedSize(pixmap.size())
        self.band = QRubberBand(QRubberBand.Shape.Rectangle, self)
        self.origin = QPoint()
        self.selection = QRect()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.origin = event.position().toPoint()
        self.band.setGeometry(QRect(self.origin, QSize()))
        self.band.show()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.band.setGeometry(QRect(self.origin, event.position().toPoint()).normalized())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.selection = QRect(self.origin, event.position().toPoint()).normalized().intersected(self.rect())

    def fractions(self) -> list[float] | None:
        """The chosen rectangle as [left, top, right, bottom] fractions, None when nothing sensible was drawn."""
        rect = self.selection
        if rect.width() < 10 or rect.height() < 10:
            return None
        w, h = self.width(), self.height()
        return [
            round(rect.left() / w, 4),
            round(rect.top() / h, 4),
            round((rect.right() + 1) / w, 4),
            round((rect.bottom() + 1) / h, 4),
        ]


# The crop dialog fits a 1366×768 screen at 125 % (issue 15): picture plus text and buttons ≤ 550 px.
CROP_PICTURE_SIDE = 460


class CropDialog(QDialog):
    """裁剪: drag over the picture; only the stored edit changes, never the file."""

    def __init__(self, picture: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("裁剪扫描件")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("在图片上拖出要保留的区域，然后点击“确定”。原文件不会被修改。"))
        pixmap = QPixmap.fromImage(picture)
        self.label = CropLabel(pixmap)
        layout.addWidget(self.label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Reset
        )
        buttons.button(QDialogButtonBox.StandardButton.Reset).setText("不裁剪")
        buttons.button(QDialogButtonBox.StandardButton.Reset).clicked.connect(self._no_crop)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cleared = False

    def _no_crop(self) -> None:
        self.cleared = True
        self.accept()


class AttachmentsWidget(QWidget):
    """Thumbnails of the scans attached to one entry, with add / rotate / delete / 一键规范命名."""

    changed = Signal()
    # Emitted when a batch of imports and its thumbnails are done (tests and progress displays).
    idle = Signal()

    def __init__(
        self,
        services: Services,
        app_id: int,
        section_key: str,
        entry_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.app_id = app_id
        self.section = services.forms.section(section_key)
        self.entry_id = entry_id
        self._thumbs: dict[str, QPixmap] = {}
        self._busy = 0
        # Background print-page preparation (at most one live job). The list, not self, is bound to
        # `destroyed`: the job is cancelled when the entry is closed, without touching the dying widget.
        self._prepare_jobs: list[Any] = []
        self.destroyed.connect(lambda *_args, jobs=self._prepare_jobs: [job.cancel() for job in jobs])
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        kinds = "、".join(k.label for k in self.section.attachments)
        title = QLabel(f"扫描件（{kinds}）" if kinds else "扫描件")
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        hint = QLabel(
            "可点击“添加扫描件”选择多个文件，或把文件拖到这里；文件须按材料内容命名，原文件不会被修改。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.list.setGridSize(QSize(THUMB_SIDE + 70, THUMB_SIDE + 64))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMinimumHeight(THUMB_SIDE + 80)
        self.list.currentItemChanged.connect(self._selection_changed)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加扫描件…")
        self.add_button.clicked.connect(self.choose_files)
        self.kind_box = QComboBox()
        self.kind_box.addItem("材料类型：未指定", "")
        for kind in self.section.attachments:
            self.kind_box.addItem(kind.label, kind.key)
        self.kind_box.activated.connect(self._kind_chosen)
        self.left_button = QPushButton("向左旋转")
        self.left_button.clicked.connect(lambda: self.rotate_selected(-90))
        self.right_button = QPushButton("向右旋转")
        self.right_button.clicked.connect(lambda: self.rotate_selected(90))
        self.crop_button = QPushButton("裁剪…")
        self.crop_button.clicked.connect(self.crop_selected)
        self.flatten_button = QPushButton("撤销整理")
        self.flatten_button.setToolTip(
            "手机照片已自动找出纸张、拉正并调白；点此恢复为拍摄原样，再点一次重新整理"
        )
        self.flatten_button.clicked.connect(self.toggle_flatten)
        self.corners_button = QPushButton("调整四角…")
        self.corners_button.setToolTip(
            "手动标出照片中纸张的四个角，程序按这四个角把纸张拉正并调白（原文件不变）"
        )
        self.corners_button.clicked.connect(self.edit_corners)
        self.pages_button = QPushButton("选择页面…")
        self.pages_button.setToolTip("多页的 PDF 或 TIFF 只保留需要的页面（原文件不变）")
        self.pages_button.clicked.connect(self.choose_pages)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_selected)
        self.rename_button = QPushButton("一键规范命名")
        self.rename_button.setToolTip(
            "把文件名改为按材料内容命名的建议名称（只改显示和导出的名称，原文件不变）"
        )
        self.rename_button.clicked.connect(self.apply_names)
        self.ocr_button = QPushButton("核对内容（文字识别）")
        self.ocr_button.setToolTip("在后台识别每个扫描件上的文字，文字与文件名不符时提示（每页约需数秒）")
        self.ocr_button.clicked.connect(self.check_contents)
        from desktop_app.scans.ocr import is_available

        self.ocr_button.setVisible(is_available())
        self._ocr_warnings: dict[str, str] = {}
        for widget in (
            self.add_button,
            self.kind_box,
            self.left_button,
            self.right_button,
            self.crop_button,
            self.flatten_button,
            self.corners_button,
            self.pages_button,
            self.delete_button,
            self.rename_button,
            self.ocr_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.set_entry_id(entry_id)

    # Data -----------------------------------------------------------------------------------------

    def _mine(self, app: Any) -> list[Any]:
        """This entry's scans; single sections also show section-level ones, the cover the application's."""
        out = []
        for a in app.attachments:
            if self.entry_id is not None and a.entry_id == self.entry_id:
                out.append(a)
            elif not self.section.repeatable and a.section == self.section.key and a.entry_id is None:
                out.append(a)
            elif self.section.key == "cover" and a.section is None:
                out.append(a)
        return out

    def set_entry_id(self, entry_id: int | None) -> None:
        """Point the widget at an entry (a new entry gets one once its first field is stored)."""
        self.entry_id = entry_id
        usable = entry_id is not None or not self.section.repeatable
        for widget in (self.add_button, self.list):
            widget.setEnabled(usable)
        self.setAcceptDrops(usable)
        if not usable:
            self.status.setText("请先填写本条内容，再添加扫描件。")
        elif self.status.text() == "请先填写本条内容，再添加扫描件。":
            self.status.setText("")  # issue 15: the hint no longer applies once 添加扫描件 is enabled
        self.refresh()

    def refresh(self) -> None:
        """Reload the list, the verdicts and any missing thumbnails."""
        from desktop_app.usecases.scans import name_verdicts

        app = self.services.load(self.app_id)
        verdicts = name_verdicts(self.services, app)
        mine = self._mine(app)
        current = self.selected_ids()
        self.list.clear()
        missing = []
        for attachment in mine:
            verdict = verdicts.get(attachment.id)
            text = f"{attachment.display_name}\n{verdict.label if verdict else ''}"
            state = flatten_state(attachment.edits)
            item = QListWidgetItem(text + (f"\n{state}" if state else ""))
            item.setData(Qt.ItemDataRole.UserRole, attachment.id)
            if verdict is not None:
                item.setForeground(QColor(VERDICT_COLOURS[verdict.level]))
                tips = [f"原文件名：{attachment.original_name}"]
                tips += list(verdict.problems)
                if verdict.proposed and verdict.proposed != attachment.display_name:
                    tips.append(f"建议名称：{verdict.proposed}")
                if self._ocr_warnings.get(self._thumb_key(attachment)):
                    tips.append(f"内容核对：{self._ocr_warnings[self._thumb_key(attachment)]}")
                item.setToolTip("\n".join(tips))
            key = self._thumb_key(attachment)
            if key in self._thumbs:
                item.setIcon(QIcon(self._thumbs[key]))
            else:
                missing.append(attachment)
            self.list.addItem(item)
            if attachment.id in current:
                item.setSelected(True)
        if missing:
            self._make_thumbnails(missing)

    def _thumb_key(self, attachment: Any) -> str:
        return str(attachment.sha256) + json.dumps(dict(attachment.edits), sort_keys=True, ensure_ascii=False)

    def _make_thumbnails(self, attachments: Sequence[Any]) -> None:
        jobs = [
            (self._thumb_key(a), self.services.scan_path(a.sha256), a.media_type, dict(a.edits))
            for a in attachments
        ]

        def work(progress: Any) -> list[tuple[str, QImage]]:
            out = []
            for done, (key, path, media_type, edits) in enumerate(jobs):
                progress.raise_if_cancelled()
                out.append((key, make_thumbnail(path, media_type, edits)))
                progress.update(done + 1, len(jobs), "正在生成缩略图")
            return out

        self._busy += 1
        run_in_background(work, on_done=self._thumbnails_ready, on_error=self._job_failed, owner=self)

    def _thumbnails_ready(self, images: list[tuple[str, QImage]]) -> None:
        for key, image in images:
            if not image.isNull():
                self._thumbs[key] = QPixmap.fromImage(image)
        app = self.services.load(self.app_id)
        by_id = {a.id: a for a in app.attachments}
        for row in range(self.list.count()):
            item = self.list.item(row)
            attachment = by_id.get(item.data(Qt.ItemDataRole.UserRole))
            if attachment is not None and self._thumb_key(attachment) in self._thumbs:
                item.setIcon(QIcon(self._thumbs[self._thumb_key(attachment)]))
        self._done_one()

    def _done_one(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            self.idle.emit()

    @property
    def is_busy(self) -> bool:
        """Whether imports or thumbnails are still being made."""
        return self._busy > 0

    def _job_failed(self, exc: BaseException) -> None:
        self._show_error(exc)
        self._done_one()

    def _show_error(self, exc: BaseException) -> None:
        from desktop_app.os_errors import failure_message

        self.status.setText(failure_message(exc, log, what="scan action"))
        self.status.setStyleSheet("color: #c62828;")

    # Adding -----------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        """The file dialog (several files at once)."""
        paths, _ = QFileDialog.getOpenFileNames(self, "选择扫描件", str(Path.home()), FILE_FILTER)
        if paths:
            self.add_files([Path(p) for p in paths])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        for folder in (p for p in paths if p.is_dir()):
            files.extend(sorted(f for f in folder.iterdir() if f.is_file()))
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    def add_files(self, paths: Sequence[Path], *, allow_duplicate: bool = False, password: str = "") -> None:
        """Check and store files in the background, then show the outcome and ask about duplicates."""
        from desktop_app.usecases.scans import Target, attach_files

        target = Target(self.section.key, self.entry_id)
        services, app_id = self.services, self.app_id
        files = list(paths)

        def work(progress: Any) -> list[Any]:
            outcomes = []
            # Reading, checking and preparing the print pages run ahead on other threads (issue 5).
            batch = attach_files(
                services, app_id, target, files, allow_duplicate=allow_duplicate, password=password
            )
            try:
                for done, outcome in enumerate(batch):
                    outcomes.append(outcome)
                    progress.update(done + 1, len(files), f"正在添加 {outcome.name}")
                    progress.raise_if_cancelled()
            finally:
                batch.close()  # on cancel: waits only for the files already being read
            return outcomes

        self._busy += 1
        self.status.setStyleSheet("")
        self.status.setText(f"正在添加 {len(files)} 个文件……")
        run_in_background(
            work,
            on_done=self._imported,
            on_error=self._job_failed,
            on_progress=lambda d, t, _text: self.status.setText(f"正在添加：{d}/{t}"),
            owner=self,
            cancel_with_owner=False,
        )

    def _imported(self, outcomes: list[Any]) -> None:
        from desktop_app.usecases.scans import DUPLICATE, NEEDS_PASSWORD, REFUSED, STORED

        stored = [o for o in outcomes if o.status == STORED]
        refused = [o for o in outcomes if o.status == REFUSED]
        lines = [f"已添加 {len(stored)} 个文件。"] if stored else []
        lines += [n for o in stored for n in o.notices if "动图" in n or "修复" in n]
        flattened = [o for o in stored if FLATTENED in o.notices]
        if flattened:
            lines.append(
                f"{len(flattened)} 张手机照片已整理为扫描件（找出纸张、拉正、调白；可点“撤销整理”恢复原样）。"
            )
        missed = [(o.name, n) for o in stored for n in o.notices if n.startswith(NOT_FOUND)]
        if len(missed) > 3:  # a long batch gets one line, not one per photo (each thumbnail says it too)
            lines.append(
                f"{len(missed)} 张照片{NOT_FOUND}，保留原样：可选中后点“调整四角…”手动标出纸张的四个角。"
            )
        else:
            lines += [f"{name}：{notice}" for name, notice in missed]
        lines += [f"未添加 {o.name}：{o.message}" for o in refused]
        self.status.setText("\n".join(lines))
        self.status.setStyleSheet("color: #c62828;" if refused else "")
        self.refresh()
        if stored:
            self.changed.emit()
            self._prepare_print_pages()
        self._done_one()
        duplicates = [o for o in outcomes if o.status == DUPLICATE]
        if duplicates and self.ask_duplicates(duplicates):
            self.add_files([o.source for o in duplicates if o.source is not None], allow_duplicate=True)
        for outcome in (o for o in outcomes if o.status == NEEDS_PASSWORD and o.source is not None):
            password = self.ask_password(outcome.name)
            if password:
                self.add_files([outcome.source], password=password)

    def _prepare_print_pages(self) -> None:
        """Issue 5: prepare the new scans' print pages now, in the background, so 生成打印材料 is quick later."""
        services, app_id = self.services, self.app_id
        for earlier in self._prepare_jobs:
            earlier.cancel()  # the new run covers every scan, the earlier ones' too
        self._prepare_jobs.clear()

        def work(progress: Any) -> int:  # PrepareCancelled is the worker's Cancelled: no adapter
            from desktop_app.usecases.packet import prepare_attachment_pages

            return prepare_attachment_pages(services, app_id, is_cancelled=lambda: progress.cancelled)

        # A failure here is not the person's concern: the packet prepares whatever is missing itself.
        self._prepare_jobs.append(
            run_in_background(
                work,
                on_error=lambda exc: log.warning("background print-page preparation failed", exc_info=exc),
            )
        )

    def ask_duplicates(self, duplicates: Sequence[Any]) -> bool:
        """Ask whether to add files whose content is already attached (tests replace this)."""
        text = "\n".join(f"{o.name} 与 {'、'.join(o.duplicates)} 内容完全相同" for o in duplicates)
        answer = QMessageBox.question(
            self,
            "重复的文件",
            f"{text}\n\n仍要再添加一次吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_password(self, name: str) -> str:
        """Ask for an encrypted PDF's password ("" when the person cancels)."""
        text, ok = QInputDialog.getText(
            self, "PDF 需要密码", f"“{name}”设置了打开密码，请输入密码：", QLineEdit.EchoMode.Password
        )
        return str(text) if ok else ""

    # Editing ----------------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """Ids of the selected scans."""
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]

    def _selection_changed(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if current is None:
            return
        app = self.services.load(self.app_id)
        attachment = next(
            (a for a in app.attachments if a.id == current.data(Qt.ItemDataRole.UserRole)), None
        )
        if attachment is not None:
            index = self.kind_box.findData(attachment.kind)
            self.kind_box.setCurrentIndex(max(0, index))
            self._show_flatten_state(attachment)

    def _show_flatten_state(self, attachment: Any) -> None:
        """撤销整理 for a flattened photo, 重新整理 for one undone; pictures only."""
        is_image = attachment.media_type != "application/pdf"
        flattened = "flatten" in attachment.edits
        self.flatten_button.setText(
            "撤销整理" if flattened or "flatten_undone" not in attachment.edits else "重新整理"
        )
        self.flatten_button.setEnabled(is_image and (flattened or "flatten_undone" in attachment.edits))
        self.corners_button.setEnabled(is_image)

    def _selected_attachment(self) -> Any:
        app = self.services.load(self.app_id)
        return next((a for a in app.attachments if a.id in self.selected_ids()), None)

    def toggle_flatten(self) -> None:
        """One click: the photo as taken again, or flattened again (only the stored edit changes)."""
        from desktop_app.usecases.scans import set_flattening

        attachment = self._selected_attachment()
        if attachment is None:
            return
        on = "flatten" not in attachment.edits
        set_flattening(self.services, attachment, on)
        self.status.setStyleSheet("")
        self.status.setText("已重新整理为扫描件。" if on else "已恢复为拍摄原样（原文件一直未被修改）。")
        self.refresh()
        self.changed.emit()
        self._prepare_print_pages()
        current = self._selected_attachment()
        if current is not None:
            self._show_flatten_state(current)

    def edit_corners(self) -> None:
        """调整四角: open the photo as taken (off the GUI thread) and let the person place the paper's corners."""
        from desktop_app.usecases.scans import thumbnail_picture

        attachment = self._selected_attachment()
        if attachment is None or attachment.media_type == "application/pdf":
            return
        blob_path, media_type = self.services.scan_path(attachment.sha256), attachment.media_type
        raw = attachment.edits.get("flatten") or attachment.edits.get("flatten_undone") or {}
        corners = raw.get("corners") if isinstance(raw, dict) else None

        def work(_progress: Any) -> QImage | None:
            picture = thumbnail_picture(blob_path, media_type, {}, 1400)  # upright, as taken
            return None if picture is None else to_qimage(picture)

        def opened(picture: QImage | None) -> None:
            self._action_ended(self.corners_button)
            if picture is None:
                return
            from desktop_app.ui.corner_editor import CornerEditorDialog

            message = NOT_FOUND if attachment.edits.get("flatten_missed") else ""
            dialog = CornerEditorDialog(picture, corners, message, self)
            if not self.run_dialog(dialog):
                return
            self.set_corners(attachment.id, dialog.corners(), (picture.width(), picture.height()))

        self._action_started(self.corners_button, "正在打开……")
        run_in_background(
            work,
            on_done=opened,
            on_error=lambda exc: self._action_failed(self.corners_button, exc),
            owner=self,
        )

    def set_corners(
        self, attachment_id: int, corners: list[list[float]], size: tuple[int, int] | None = None
    ) -> None:
        """Flatten a photo to corners placed by hand (`size`: the upright picture they were placed on)."""
        from desktop_app.usecases.scans import set_flattening

        attachment = next(
            (a for a in self.services.load(self.app_id).attachments if a.id == attachment_id), None
        )
        if attachment is None:
            return  # removed meanwhile
        set_flattening(self.services, attachment, True, corners=corners, size=size)
        self.status.setStyleSheet("")
        self.status.setText("已按标出的四个角整理为扫描件。")
        self.refresh()
        self.changed.emit()
        self._prepare_print_pages()

    def _kind_chosen(self, index: int) -> None:
        kind = self.kind_box.itemData(index) or ""
        for attachment_id in self.selected_ids():
            self.services.set_scan_kind(attachment_id, kind)
        self.refresh()
        self.changed.emit()

    def rotate_selected(self, degrees: int) -> None:
        """Turn the selected scans; stored as an edit, the file itself is never rewritten."""
        app = self.services.load(self.app_id)
        for attachment in (a for a in app.attachments if a.id in self.selected_ids()):
            edits = dict(attachment.edits)
            edits["rotate"] = (int(edits.get("rotate", 0) or 0) + degrees) % 360
            if not edits["rotate"]:
                del edits["rotate"]
            self.services.set_scan_edits(attachment.id, edits)
        self.refresh()
        self.changed.emit()

    def crop_selected(self) -> None:
        """Let the person drag the part of the selected picture to keep (stored as an edit)."""
        from desktop_app.usecases.scans import thumbnail_picture

        app = self.services.load(self.app_id)
        attachment = next((a for a in app.attachments if a.id in self.selected_ids()), None)
        if attachment is None:
            return
        if attachment.media_type == "application/pdf":
            self.status.setText("PDF 文件请用“选择页面…”只保留需要的页面，不能裁剪。")
            return
        edits = {k: v for k, v in attachment.edits.items() if k != "crop"}
        blob_path, media_type = self.services.scan_path(attachment.sha256), attachment.media_type

        def work(_progress: Any) -> QImage | None:
            # Decoding a large scan takes a moment: off the GUI thread, so the window never freezes.
            picture = thumbnail_picture(blob_path, media_type, edits, CROP_PICTURE_SIDE)
            return None if picture is None else to_qimage(picture)

        def opened(picture: QImage | None) -> None:
            self._action_ended(self.crop_button)
            if picture is not None:
                self._crop(attachment.id, edits, picture)

        self._action_started(self.crop_button, "正在打开……")
        run_in_background(
            work, on_done=opened, on_error=lambda exc: self._action_failed(self.crop_button, exc), owner=self
        )

    def _crop(self, attachment_id: int, edits: dict[str, Any], picture: QImage) -> None:
        current = next(
            (a for a in self.services.load(self.app_id).attachments if a.id == attachment_id), None
        )
        if current is None:
            return  # removed while the picture was being opened
        if {k: v for k, v in current.edits.items() if k != "crop"} != edits:
            # Turned while the picture was being opened: a crop drawn on the old picture would cut the wrong part.
            self.status.setText("图片在打开期间被旋转了，请重新点击“裁剪…”。")
            return
        dialog = CropDialog(picture, self)
        if not self.run_dialog(dialog):
            return
        crop = None if dialog.cleared else dialog.label.fractions()
        if crop is None and not dialog.cleared:
            return
        self.services.crop_scan(attachment_id, crop)  # None (cleared) removes it
        self.refresh()
        self.changed.emit()

    def _action_started(self, button: QPushButton, text: str) -> None:
        """A background step of a button's action began: say so and keep the button from starting it twice."""
        button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _action_ended(self, button: QPushButton) -> None:
        button.setEnabled(True)
        self.status.setText("")

    def _action_failed(self, button: QPushButton, exc: BaseException) -> None:
        button.setEnabled(True)
        self._show_error(exc)

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a modal dialog (tests replace this)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def choose_pages(self) -> None:
        """Ask which pages of the selected multi-page scan to keep (the pages are counted in the background)."""
        from desktop_app.errors import UserError
        from desktop_app.usecases.scans import choose_pages, page_count

        services = self.services
        app = services.load(self.app_id)
        attachment = next((a for a in app.attachments if a.id in self.selected_ids()), None)
        if attachment is None:
            return
        button = self.pages_button

        def counted(count: int) -> None:
            self._action_ended(button)
            if count < 2:
                self.status.setText("这个文件只有 1 页。")
                return
            current = ",".join(str(p) for p in attachment.edits.get("pages") or ())
            text, ok = QInputDialog.getText(
                self,
                "选择页面",
                f"共 {count} 页，要保留哪些页？（例如 1,3-4；留空为全部）",
                QLineEdit.EchoMode.Normal,
                current,
            )
            if not ok:
                return
            try:  # with the count in hand, storing the choice is one quick write
                pages = choose_pages(services, attachment, str(text), count=count)
            except UserError as exc:
                self._show_error(exc)
                return
            self.status.setText(f"保留第 {'、'.join(str(p) for p in pages)} 页。")
            self.refresh()
            self.changed.emit()

        self._action_started(button, "正在打开……")
        run_in_background(
            lambda _progress: page_count(services, attachment),
            on_done=counted,
            on_error=lambda exc: self._action_failed(button, exc),
            owner=self,
        )

    def delete_selected(self) -> None:
        """Remove the selected scans from this entry (the original files stay where they are)."""
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self, "删除扫描件", f"从本条中删除选中的 {len(ids)} 个扫描件吗？（原文件不受影响）"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        for attachment_id in ids:
            self.services.delete_scan(attachment_id)
        self.refresh()
        self.changed.emit()

    def apply_names(self) -> None:
        """一键规范命名 for this entry's scans."""
        from desktop_app.usecases.scans import apply_proposed_names

        mine = self._mine(self.services.load(self.app_id))
        if not self._ask_unknown_materials(mine):
            return
        ids = [a.id for a in mine]
        changed = apply_proposed_names(self.services, self.app_id, ids)
        self.status.setStyleSheet("")
        self.status.setText(
            f"已按材料内容重新命名 {changed} 个文件（原文件不变）。" if changed else "文件名已符合规范。"
        )
        self.refresh()
        if changed:
            self.changed.emit()

    def _ask_unknown_materials(self, attachments: list[Any]) -> bool:
        """Issue 15: a scan whose type and name say nothing (IMG_1234.jpg) is not renamed “…_材料”: ask what it is."""
        from desktop_app.scans.naming import says_material

        labels = [k.label for k in self.section.attachments]
        for attachment in attachments:
            if attachment.kind or says_material(attachment.display_name) or not labels:
                continue
            label = self.ask_material(attachment.display_name, labels)
            if label is None:
                self.status.setText("未重命名：请先选择每个扫描件是什么材料。")
                return False
            kind = self.section.attachments[labels.index(label)].key
            self.services.set_scan_kind(attachment.id, kind)
        return True

    def ask_material(self, name: str, labels: list[str]) -> str | None:
        """Which material a scan is; None when the person cancels."""
        from PySide6.QtWidgets import QInputDialog

        label, ok = QInputDialog.getItem(
            self, "这是什么材料？", f"从文件名“{name}”看不出是什么材料，请选择：", labels, 0, False
        )
        return str(label) if ok else None

    def check_contents(self) -> None:
        """Optional OCR: read each scan in the background and warn where its text contradicts its name."""
        from desktop_app.usecases.scans import content_check

        services, app_id = self.services, self.app_id
        app = services.load(app_id)
        targets = self._mine(app)
        if not targets:
            return

        def work(progress: Any) -> list[tuple[str, str, str]]:
            out = []
            for done, attachment in enumerate(targets):
                progress.raise_if_cancelled()
                progress.update(done, len(targets), attachment.display_name)
                check = content_check(services, app, attachment)
                out.append(
                    (self._thumb_key(attachment), attachment.display_name, check.warning if check else "")
                )
            return out

        def finished(results: list[tuple[str, str, str]]) -> None:
            self._ocr_warnings.update({key: warning for key, _name, warning in results})
            warnings = [f"{name}：{warning}" for _key, name, warning in results if warning]
            self.status.setStyleSheet("color: #b26a00;" if warnings else "")
            self.status.setText("\n".join(warnings) or f"已核对 {len(results)} 个扫描件，内容与文件名相符。")
            self.refresh()
            self._done_one()

        self._busy += 1
        self.status.setText("正在识别扫描件上的文字……")
        run_in_background(
            work,
            on_done=finished,
            on_error=self._job_failed,
            on_progress=lambda d, t, text: self.status.setText(f"正在识别（{d + 1}/{t}）：{text}"),
            owner=self,
        )

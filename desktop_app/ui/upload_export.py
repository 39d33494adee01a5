"""导出上传材料… on the review page: the upload-ready images for the online system, in the background."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from desktop_app.os_errors import failure_message
from desktop_app.ui.worker import run_in_background
from desktop_app.usecases.scans import DEFAULT_MAX_KB, MIN_MAX_KB, upload_export

log = logging.getLogger(__name__)


class UploadExportWidget(QWidget):
    """Choose a folder and a per-file size limit; writes a folder per section plus 清单.txt."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: Any = None
        self.last_folder: Path | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton("导出上传材料…")
        self.button.setToolTip(
            "把全部扫描件导出为按材料内容命名的 JPG 图片，每个分节一个文件夹，便于在申报系统中上传"
        )
        self.limit = QSpinBox()
        self.limit.setRange(MIN_MAX_KB, 20_480)
        self.limit.setValue(DEFAULT_MAX_KB)
        self.limit.setSuffix(" KB")
        self.limit.setToolTip("申报系统对单个文件的大小上限（指南未规定，默认 2048 KB）")
        self.status = QLabel("")
        self.open_button = QPushButton("打开所在文件夹")
        self.open_button.hide()
        layout.addWidget(self.button)
        layout.addWidget(QLabel("单个文件不超过"))
        layout.addWidget(self.limit)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.open_button)
        self.button.clicked.connect(self.choose_and_export)
        self.open_button.clicked.connect(self.open_folder)

    def default_target(self, parent: Path) -> Path:
        """A new folder under `parent` named after the person and year (never an existing one)."""
        app = self.session.services.load(self.session.app_id)
        base = parent / f"{app.person_name or '申报'}_{app.year}年_上传材料"
        target, n = base, 2
        while target.exists():
            target = base.with_name(f"{base.name}（{n}）")
            n += 1
        return target

    def choose_and_export(self) -> None:
        """Ask where, then export in the background."""
        parent = QFileDialog.getExistingDirectory(self, "选择导出位置（将在其中新建一个文件夹）")
        if parent:
            self.export_to(self.default_target(Path(parent)))

    def export_to(self, target: Path) -> None:
        """Export into `target` (new or empty) off the GUI thread."""
        services, app_id, max_kb = self.session.services, self.session.app_id, self.limit.value()
        self.button.setEnabled(False)
        self.open_button.hide()
        self.status.setText("正在导出…")

        def work(progress: Any) -> Any:
            return upload_export(
                services,
                app_id,
                target,
                max_kb,
                progress=lambda done, total: progress.update(done, total, "正在导出"),
            )

        self.job = run_in_background(
            work,
            on_done=self._done,
            on_error=self._failed,
            on_progress=lambda done, total, _t: self.status.setText(f"正在导出 {done}/{total}"),
            owner=self,
        )

    def _done(self, result: Any) -> None:
        self.button.setEnabled(True)
        self.last_folder = Path(result.out_dir)
        text = f"已导出 {len(result.files)} 个文件到 {result.out_dir}"
        if result.problems:
            text += f"；{len(result.problems)} 项未能导出：" + "；".join(result.problems[:3])
        self.status.setText(text)
        self.open_button.show()

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.status.setText(failure_message(exc, log, prefix="未导出：", what="upload export"))

    def open_folder(self) -> bool:
        """Show the exported folder in the file manager."""
        return self.last_folder is not None and QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.last_folder))
        )

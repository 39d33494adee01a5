"""导入新版名录: choose a folder, see what changes, confirm — the current tables stay until then."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import UserError
from desktop_app.usecases.reference_update import StagedImport, confirm_import, prepare_import

if TYPE_CHECKING:
    from desktop_app.services import Services


class ReferenceDialog(QDialog):
    """Validate a newer edition of the committees / review plan / HR offices and switch to it on confirmation."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.staged: StagedImport | None = None
        self.setWindowTitle("导入新版名录")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"当前使用的名录：{services.reference.edition} 年版（评委会目录、评审计划表、各县（市）区人社部门）。\n"
            "人社部门发布新一年度的名录后，可以选择存放新版名录文件的文件夹导入。"
            "程序会先检查文件并列出全部变化，确认后才启用；不确认则继续使用当前名录。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.choose_button = QPushButton("选择文件夹…")
        self.choose_button.clicked.connect(self.choose_folder)
        row.addWidget(self.choose_button)
        self.folder_label = QLabel("尚未选择文件夹")
        self.folder_label.setWordWrap(True)
        row.addWidget(self.folder_label, 1)
        layout.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.changes = QListWidget()
        self.changes.setWordWrap(True)
        layout.addWidget(self.changes, 1)
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton("确认导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

    def choose_folder(self) -> None:
        """Ask for the folder holding the new edition's files."""
        folder = QFileDialog.getExistingDirectory(self, "选择新版名录所在的文件夹")
        if folder:
            self.load_folder(Path(folder))

    def load_folder(self, folder: Path) -> bool:
        """Validate the folder and list its changes; returns whether it can be imported."""
        self.folder_label.setText(str(folder))
        self.changes.clear()
        self.staged = None
        self.confirm_button.setEnabled(False)
        try:
            staged = prepare_import(self.services, folder)
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self.staged = staged
        for change in staged.changes:
            self.changes.addItem(change.line())
        if staged.is_identical:
            self._say(staged.summary() + "。与正在使用的名录完全相同，无需导入。")
            return False
        self._say(staged.summary() + "。核对无误后请点“确认导入”。")
        self.confirm_button.setEnabled(True)
        return True

    def confirm(self) -> None:
        """Import the validated edition and start using it."""
        if self.staged is None:
            return
        try:
            confirm_import(self.services, self.staged)
        except UserError as exc:
            self._say(str(exc), error=True)
            self.confirm_button.setEnabled(False)
            return
        self.accept()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

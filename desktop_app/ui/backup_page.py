"""备份: each year's backups with date, size and verified state; 立即备份 / 校验 / 从备份恢复 with progress and cancel."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.os_errors import failure_message
from desktop_app.ui.worker import Job, Progress, run_in_background
from desktop_app.usecases import backup as ub

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

VERIFIED_TEXT = {"ok": "已校验，完好", "damaged": "已损坏", "": "未校验"}
COLUMNS = ["申报人", "申报年度", "备份时间", "大小", "加密", "校验状态"]


class PassphraseDialog(QDialog):
    """Asks for a passphrase; for a new one, twice and after the lost-passphrase warning."""

    def __init__(self, parent: QWidget | None, new: bool) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle("设置备份口令" if new else "输入备份口令")
        layout = QVBoxLayout(self)
        if new:
            warning = QLabel(ub.LOST_PASSPHRASE_WARNING)
            warning.setWordWrap(True)
            warning.setStyleSheet("color: #b3261e;")
            layout.addWidget(warning)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("口令", self.first)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        if new:
            form.addRow("再输入一次", self.second)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.first.text():
            self.error.setText("口令不能为空")
            return
        if self.new and self.first.text() != self.second.text():
            self.error.setText("两次输入的口令不一致，请重新输入")
            return
        self.accept()

    @property
    def passphrase(self) -> str:
        """The passphrase typed (never stored anywhere)."""
        return self.first.text()


class BackupDialog(QDialog):
    """The 备份 page: settings, the list of backups, the three actions, one progress bar with 取消."""

    restored = Signal(int)

    def __init__(self, services: Services, app_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.app_id = app_id
        self.job: Job | None = None
        self.listed: list[ub.BackupListing] = []
        self.setWindowTitle("备份")
        self.resize(900, 560)
        layout = QVBoxLayout(self)

        settings = QFormLayout()
        folder_row = QHBoxLayout()
        self.folder_label = QLabel("")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton("更改…")
        change.clicked.connect(self.choose_folder)
        open_folder = QPushButton("打开文件夹")
        open_folder.clicked.connect(self.open_folder)
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(change)
        folder_row.addWidget(open_folder)
        settings.addRow("备份文件夹", folder_row)
        self.keep = QSpinBox()
        self.keep.setRange(1, 100)
        self.keep.setValue(ub.keep_per_year(services))
        self.keep.setSuffix(" 份")
        self.keep.setToolTip("每个申报年度保留最近的几份备份；最新的一份永远不会被删除")
        self.keep.valueChanged.connect(lambda n: ub.set_keep_per_year(services, n))
        settings.addRow("每个年度保留", self.keep)
        self.auto = QCheckBox("每次生成打印材料后自动备份")
        self.auto.setChecked(ub.is_auto_backup_on(services))
        self.auto.toggled.connect(lambda flag: ub.set_auto_backup(services, flag))
        settings.addRow("", self.auto)
        self.encrypt = QCheckBox("加密备份（需要设置口令；口令遗失则无法恢复）")
        settings.addRow("", self.encrypt)
        layout.addLayout(settings)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("备份文件夹中还没有备份。")
        self.empty.setStyleSheet("color: #5f6368;")
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.backup_button = QPushButton("立即备份")
        self.backup_button.setEnabled(app_id is not None)
        self.backup_button.setToolTip(
            "把当前申报的填写内容、全部扫描件和最近的打印材料备份为一个 zip 文件，写完后逐个核对"
        )
        self.verify_button = QPushButton("校验")
        self.verify_button.setToolTip("重新读取选中的备份，核对每个文件的校验值")
        self.restore_button = QPushButton("从备份恢复")
        self.restore_button.setToolTip(
            "把选中的备份（或另选一个备份文件）恢复为一份新的申报，不会覆盖已有申报"
        )
        self.carry_button = QPushButton("从备份开始新年度")
        self.carry_button.setToolTip("恢复往年的备份，并据此新建一个年度的申报（内容标记“请核对”）")
        self.backup_button.clicked.connect(self.start_backup)
        self.verify_button.clicked.connect(self.start_verify)
        self.restore_button.clicked.connect(lambda: self.start_restore(new_year=False))
        self.carry_button.clicked.connect(lambda: self.start_restore(new_year=True))
        for button in (self.backup_button, self.verify_button, self.restore_button, self.carry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # Issue 15: say why 立即备份 is grey when the page is opened from the start screen.
        self.no_app_hint = QLabel(
            "“立即备份”备份的是一份打开的申报：请在申报列表中打开要备份的申报，"
            "再到“检查与导出”点击“备份…”。在这里可以校验和恢复已有的备份。"
        )
        self.no_app_hint.setWordWrap(True)
        self.no_app_hint.setStyleSheet("color: #5f6368;")
        self.no_app_hint.setVisible(app_id is None)
        layout.addWidget(self.no_app_hint)

        progress_row = QHBoxLayout()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.hide()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.bar)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        self.load()

    # List -------------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the backup folder again."""
        self.folder_label.setText(str(ub.backup_folder(self.services)))
        self.listed = ub.list_backups(self.services)
        self.table.setRowCount(len(self.listed))
        for row, item in enumerate(self.listed):
            values = [
                item.person_name,
                f"{item.year} 年",
                item.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                f"{item.size / (1 << 20):.1f} MB",
                "是" if item.encrypted else "否",
                VERIFIED_TEXT[item.verified]
                + (f"（{item.verified_at.replace('T', ' ')}）" if item.verified_at else ""),
            ]
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if col == 5 and item.verified == "damaged":
                    cell.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, cell)
        self.empty.setVisible(not self.listed)
        self.verify_button.setEnabled(bool(self.listed))
        if self.listed:
            self.table.selectRow(0)

    def selected(self) -> ub.BackupListing | None:
        """The backup of the selected row."""
        row = self.table.currentRow()
        return self.listed[row] if 0 <= row < len(self.listed) else None

    def choose_folder(self) -> None:
        """Pick another backup folder (for example a USB stick)."""
        folder = QFileDialog.getExistingDirectory(
            self, "选择备份文件夹", str(ub.backup_folder(self.services))
        )
        if folder:
            ub.set_backup_folder(self.services, Path(folder))
            self.load()

    def open_folder(self) -> None:
        """Show the backup folder in the file manager."""
        folder = ub.backup_folder(self.services)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # Jobs -------------------------------------------------------------------------------------------

    def _busy(self, flag: bool, text: str = "") -> None:
        for button in (self.backup_button, self.verify_button, self.restore_button, self.carry_button):
            button.setEnabled(not flag)
        if not flag:
            self.backup_button.setEnabled(self.app_id is not None)
            self.verify_button.setEnabled(bool(self.listed))
        self.bar.setVisible(flag)
        self.cancel_button.setVisible(flag)
        self.cancel_button.setEnabled(flag)
        self.bar.setValue(0)
        if text:
            self.status.setStyleSheet("")
            self.status.setText(text)

    def _run(self, text: str, work: Any, on_done: Any) -> Job:
        self._busy(True, text)

        def wrapped(progress: Progress) -> Any:
            return work(progress.update, lambda: progress.cancelled)  # ub.Cancelled is the worker's Cancelled

        self.job = run_in_background(
            wrapped,
            on_done=lambda value: self._finished(on_done, value),
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._cancelled,
            owner=self,
        )
        return self.job

    def _progress(self, done: int, total: int, text: str) -> None:
        if total:
            self.bar.setRange(0, 100)
            self.bar.setValue(min(100, 100 * done // total))
        else:
            self.bar.setRange(0, 0)
        if text:
            self.status.setText(text + "…")

    def _finished(self, on_done: Any, value: Any) -> None:
        self._busy(False)
        self.load()
        on_done(value)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.load()
        self._say(failure_message(exc, log, what="backup job"), error=True)

    def _cancelled(self) -> None:
        self._busy(False)
        self.load()
        self._say("已取消，未留下不完整的文件")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e;" if error else "color: #137333;")
        self.status.setText(text)

    def cancel(self) -> None:
        """Ask the running job to stop; it removes what it half-wrote."""
        if self.job is not None and not self.job.is_finished:
            self.cancel_button.setEnabled(False)
            self.status.setText("正在取消…")
            self.job.cancel()

    # Actions ----------------------------------------------------------------------------------------

    def _ask_passphrase(self, new: bool) -> str | None:
        dialog = PassphraseDialog(self, new)
        return dialog.passphrase if dialog.exec() == QDialog.DialogCode.Accepted else None

    def start_backup(self) -> Job | None:
        """立即备份 the current application (asking for a passphrase when 加密 is ticked)."""
        if self.app_id is None:
            return None
        passphrase = None
        if self.encrypt.isChecked():
            passphrase = self._ask_passphrase(new=True)
            if passphrase is None:
                return None
            ub.acknowledge_encryption(self.services)
        app_id = self.app_id
        return self._run(
            "正在备份…",
            lambda progress, cancel: ub.create_backup(
                self.services, app_id, passphrase=passphrase, progress=progress, cancel=cancel
            ),
            lambda result: self._say(result.message + "".join(f"；{n}" for n in result.notes)),
        )

    def start_verify(self) -> Job | None:
        """校验 the selected backup and list what is damaged."""
        item = self.selected()
        if item is None:
            return None
        passphrase = self._ask_passphrase(new=False) if item.encrypted else None
        if item.encrypted and passphrase is None:
            return None
        return self._run(
            f"正在校验 {item.path.name}…",
            lambda progress, cancel: ub.verify_backup(
                self.services, item.path, passphrase, progress=progress, cancel=cancel
            ),
            self._verified,
        )

    def _verified(self, result: Any) -> None:
        if result.ok:
            self._say("备份完好：每个文件的 SHA-256 均已核对")
        else:
            lines = "\n".join(str(p) for p in result.problems[:20])
            more = f"\n……另有 {len(result.problems) - 20} 处" if len(result.problems) > 20 else ""
            heading = (
                "备份未通过内容检查，不能直接恢复"
                if result.content_refused
                else "备份已损坏，请改用另一份备份"
            )
            self._say(f"{heading}：\n" + lines + more, error=True)

    def _restore_source(self) -> Path | None:
        item = self.selected()
        if item is not None:
            answer = QMessageBox.question(
                self,
                "从备份恢复",
                f"从选中的备份恢复？\n{item.path.name}\n\n选“否”可以另选一个备份文件。",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Yes:
                return item.path
            if answer == QMessageBox.StandardButton.Cancel:
                return None
        name, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(ub.backup_folder(self.services)), "职称申报备份 (*.zip *.enc)"
        )
        return Path(name) if name else None

    def start_restore(
        self,
        new_year: bool = False,
        path: Path | None = None,
        passphrase: str | None = None,
        replace_id: int | None = None,
        allow_duplicate: bool = False,
        without_bad_items: bool = False,
    ) -> Job | None:
        """从备份恢复 into a new application; asks before replacing one of the same person and year."""
        path = path or self._restore_source()
        if path is None:
            return None
        if passphrase is None and ub.is_encrypted(path):
            passphrase = self._ask_passphrase(new=False)
            if passphrase is None:
                return None
        if new_year:
            year, ok = QInputDialog.getInt(
                self, "从备份开始新年度", "新的申报年度：", self.services.today.year + 1, 2000, 2100
            )
            if not ok:
                return None
            return self._run(
                "正在恢复并新建年度申报…",
                lambda progress, cancel: ub.restore_into_new_year(
                    self.services, path, year, passphrase, progress=progress, cancel=cancel
                ),
                self._restored,
            )

        def work(progress: Any, cancel: Any) -> Any:
            try:
                return ub.restore_backup(
                    self.services,
                    path,
                    passphrase,
                    replace_id=replace_id,
                    allow_duplicate=allow_duplicate,
                    without_bad_items=without_bad_items,
                    progress=progress,
                    cancel=cancel,
                )
            except (ub.SameApplicationExists, ub.BadItems) as exc:
                return exc

        return self._run(
            "正在恢复…",
            work,
            lambda value: self._after_restore(value, path, passphrase, replace_id, allow_duplicate),
        )

    def _offer_without_bad_items(
        self, value: Any, path: Path, passphrase: str | None, replace_id: int | None, allow_duplicate: bool
    ) -> None:
        """Show every item that failed the checks; restore only if the person accepts leaving them out."""
        self._say(value.message)
        box = QMessageBox(self)
        box.setObjectName("bad_items_box")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("备份中有未通过检查的内容")
        shown = "\n".join(f"· {p}" for p in value.problems[:12])
        more = f"\n……另有 {len(value.problems) - 12} 项" if len(value.problems) > 12 else ""
        box.setText(
            f"{value.message}。\n\n{shown}{more}\n\n可以不含这些有问题的项目继续恢复，恢复后请在相应页面重新填写。"
        )
        go = box.addButton("不含这些有问题的项目继续恢复", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is go:
            self.start_restore(
                path=path,
                passphrase=passphrase,
                replace_id=replace_id,
                allow_duplicate=allow_duplicate,
                without_bad_items=True,
            )

    def _after_restore(
        self,
        value: Any,
        path: Path,
        passphrase: str | None,
        replace_id: int | None = None,
        allow_duplicate: bool = False,
    ) -> None:
        if isinstance(value, ub.BadItems):
            self._offer_without_bad_items(value, path, passphrase, replace_id, allow_duplicate)
            return
        if isinstance(value, ub.SameApplicationExists):
            self._say("")
            box = QMessageBox(self)
            box.setWindowTitle("已有同一年度的申报")
            box.setText(f"{value.message}。\n\n要怎样恢复？替换时，原申报会保留到恢复成功之后才删除。")
            as_new = box.addButton("另存为新申报", QMessageBox.ButtonRole.AcceptRole)
            replace = box.addButton("替换原申报", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is as_new:
                self.start_restore(path=path, passphrase=passphrase, allow_duplicate=True)
            elif box.clickedButton() is replace:
                self.start_restore(path=path, passphrase=passphrase, replace_id=value.existing_id)
            return
        self._restored(value)

    def _restored(self, result: Any) -> None:
        text = f"已恢复为 {result.person_name} {result.year} 年的申报（编号 {result.app_id}）"
        if result.replaced_id is not None:
            text += "，并替换了原申报"
        self._say("；".join([text, *result.notes]))
        self.restored.emit(result.app_id)


class BackupButton(QPushButton):
    """备份… on the review page: opens the 备份 page for the open application."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__("备份…", parent)
        self.session = session
        self.setToolTip("备份本申报（含全部扫描件），查看、校验和恢复各年度的备份")
        self.dialog: BackupDialog | None = None
        self.clicked.connect(self.open_dialog)

    def open_dialog(self) -> BackupDialog:
        """Show the 备份 page."""
        flush = getattr(self.window(), "wizard", None)
        if flush is not None:
            flush.flush()
        self.dialog = BackupDialog(self.session.services, self.session.app_id, self)
        self.dialog.restored.connect(self._after_restored)
        self.dialog.open()
        return self.dialog

    def _after_restored(self, app_id: int) -> None:
        window = self.window()
        start = getattr(window, "start", None)
        if start is not None:
            start.load()
        # 替换原申报 on the open application: keep working in the restored one, not in a deleted draft.
        if not self.session.services.application_exists(self.session.app_id) and hasattr(
            window, "open_application"
        ):
            window.open_application(app_id)


def install_backup_menu(window: QMainWindow, services: Services) -> QAction:
    """Add 备份 → 备份与恢复… to the main window's menu bar (works with or without an open application)."""
    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "").startswith("帮助")), None)
    menu = QMenu("备份", window)
    # 帮助 stays the last menu, as on every platform.
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)
    action = QAction("备份与恢复…", window)
    menu.addAction(action)

    def show() -> None:
        wizard = getattr(window, "wizard", None)
        app_id = wizard.session.app_id if wizard is not None else None
        if wizard is not None:
            wizard.flush()
        dialog = BackupDialog(services, app_id, window)
        start = getattr(window, "start", None)
        if start is not None:
            dialog.restored.connect(lambda _app_id: start.load())
        window.backup_dialog = dialog  # type: ignore[attr-defined]
        dialog.open()

    action.triggered.connect(show)
    return action

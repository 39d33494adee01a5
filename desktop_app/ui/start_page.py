"""The start screen: the applications, 新建 / 打开 / 删除 and 从往年申报继续."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import UserError
from desktop_app.ui.form_view import ERROR_STYLE, HELP_STYLE, heading
from desktop_app.ui.pages import EntryTable, ask_confirmation
from desktop_app.usecases.wizard import carry_forward

if TYPE_CHECKING:
    from desktop_app.services import Services

WELCOME_TEXT = (
    "本程序帮您准备{city}职称评审的申报材料，全程不需要联网：\n"
    "1. 按网上申报系统左侧菜单的顺序填写基本信息、职称申报封面和 13 项申报信息，并添加各项材料的扫描件；\n"
    "2. 按{guide}检查是否齐全、是否规范，指出要完善的地方；\n"
    "3. 生成按审核顺序排好的打印材料，用“填报助手”对照填写网上申报系统，并备份当年的电子材料。\n"
    "点击“新建”开始填写自己的申报；不确定怎么填，可以先点“看看示例”，打开一份填好的示例申报。"
)


def edition_notice(edition: int, year: int, guide_title: str) -> str:
    """Which edition of the guide's tables is in use, and what to do when the declaration year is later."""
    text = f"所用名录：{guide_title}{edition} 年版（系列、评审委员会、评审计划、县（市）区人社部门）。"
    if year > edition:
        text += (
            f"{year} 年度申报请以市人力资源和社会保障局和各评委会当年的申报通知为准；"
            "有新版名录时，用“帮助 → 导入新版名录”导入。"
        )
    return text


class YearDialog(QDialog):
    """Asks for a name (new application) and a declaration year."""

    def __init__(self, parent: QWidget, title: str, year: int, with_name: bool, hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        if hint:
            label = QLabel(hint)
            label.setWordWrap(True)
            label.setStyleSheet(HELP_STYLE)
            layout.addWidget(label)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("与身份证上的姓名一致")
        # Sized to its content: the placeholder is never clipped.
        self.name.setMinimumWidth(self.name.fontMetrics().horizontalAdvance(self.name.placeholderText()) + 48)
        if with_name:
            form.addRow("申报人姓名", self.name)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        form.addRow("申报年度", self.year)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.with_name = with_name
        # A hint gets room to read in a few lines instead of a narrow column.
        self.setMinimumWidth(460 if hint else 360)

    def accept(self) -> None:  # noqa: D102 - refuses an empty name with a message
        if self.with_name and not self.name.text().strip():
            self.error.setText("请填写申报人姓名")
            self.name.setFocus()
            return
        super().accept()


class StartPage(QWidget):
    """Lists the applications; emits `open_requested(app_id)`."""

    open_requested = Signal(int)

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.confirm: Callable[[str], bool] = lambda text: ask_confirmation(self, text)
        self.dialog: YearDialog | None = None
        self.app_ids: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading("职称申报材料助手", 8))
        intro = QLabel(
            f"按{services.reference.procedure.city}职称申报系统的顺序逐项填写，所有内容自动保存在本机。"
            "选择一份申报继续填写，或新建一份。"
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HELP_STYLE)
        layout.addWidget(intro)
        self.edition = QLabel("")
        self.edition.setWordWrap(True)
        self.edition.setStyleSheet(HELP_STYLE)
        layout.addWidget(self.edition)
        # Shown instead of the empty table: what the app does and the two ways to begin.
        self.welcome = QWidget()
        welcome_layout = QVBoxLayout(self.welcome)
        welcome_layout.setContentsMargins(0, 16, 0, 16)
        welcome_layout.addWidget(heading("还没有申报", 3))
        self.what = QLabel(
            WELCOME_TEXT.format(
                city=services.reference.procedure.city, guide=services.reference.procedure.guide_title
            )
        )
        self.what.setWordWrap(True)
        welcome_layout.addWidget(self.what)
        begin = QHBoxLayout()
        self.welcome_new_button = QPushButton("新建")
        self.demo_button = QPushButton("看看示例")
        self.demo_button.setToolTip(
            "新建一份填好的示例申报（高级工程师，县区国有企业），可以随意查看、修改或删除"
        )
        self.welcome_new_button.clicked.connect(self.ask_new)
        self.demo_button.clicked.connect(self.open_demo)
        begin.addWidget(self.welcome_new_button)
        begin.addWidget(self.demo_button)
        begin.addStretch(1)
        welcome_layout.addLayout(begin)
        welcome_layout.addStretch(1)
        layout.addWidget(self.welcome, 1)
        self.table = EntryTable(0, 4)
        self.table.setHorizontalHeaderLabels(["申报人", "申报年度", "申报职称", "完成度"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.open_requested.connect(self.open_selected)
        layout.addWidget(self.table, 1)
        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.new_button = QPushButton("新建")
        self.open_button = QPushButton("打开")
        self.delete_button = QPushButton("删除")
        self.carry_button = QPushButton("从往年申报继续")
        for button, slot in (
            (self.new_button, self.ask_new),
            (self.open_button, self.open_selected),
            (self.delete_button, self.delete_selected),
            (self.carry_button, self.ask_carry),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addWidget(self.button_row)

    def load(self) -> None:
        """Read the list again."""
        listed = self.services.list_applications()
        self.app_ids = [item.summary.id for item in listed]
        self.table.setRowCount(len(listed))
        for row, item in enumerate(listed):
            values = [
                item.summary.person_name,
                f"{item.summary.year} 年",
                item.summary.title_sought or "（未选择）",
                f"{item.percent}%",
            ]
            for col, text in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.setVisible(bool(listed))
        self.welcome.setVisible(not listed)
        # The welcome has its own 新建; 打开 / 删除 / 从往年申报继续 have nothing to act on yet.
        self.button_row.setVisible(bool(listed))
        years = [item.summary.year for item in listed] or [self.services.today.year]
        self.edition.setText(
            edition_notice(
                self.services.reference.edition, max(years), self.services.reference.procedure.guide_title
            )
        )
        for button in (self.open_button, self.delete_button, self.carry_button):
            button.setEnabled(bool(listed))
        if listed:
            self.table.selectRow(0)

    def open_demo(self) -> int:
        """看看示例: create the sample application and open it."""
        from desktop_app.demo import create_demo

        app_id = int(create_demo(self.services))
        self.load()
        self.open_requested.emit(app_id)
        return app_id

    def selected_id(self) -> int | None:
        """The application of the selected row."""
        row = self.table.currentRow()
        return self.app_ids[row] if 0 <= row < len(self.app_ids) else None

    def open_selected(self) -> None:
        """Open the selected application."""
        app_id = self.selected_id()
        if app_id is not None:
            self.open_requested.emit(app_id)

    def ask_new(self) -> YearDialog:
        """Ask name and year, then create and open the application."""
        dialog = YearDialog(self, "新建申报", self.services.today.year, with_name=True)
        dialog.accepted.connect(lambda: self._create(dialog.name.text(), dialog.year.value()))
        self.dialog = dialog
        dialog.open()
        dialog.name.setFocus()
        return dialog

    def _create(self, name: str, year: int) -> None:
        try:
            app_id = self.services.new_application(name, year)
        except UserError as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return
        self.load()
        self.open_requested.emit(app_id)

    def delete_selected(self) -> None:
        """Delete the selected application after confirmation."""
        app_id = self.selected_id()
        if app_id is None:
            return
        row = self.app_ids.index(app_id)
        who_item, year_item = self.table.item(row, 0), self.table.item(row, 1)
        who = who_item.text() if who_item is not None else ""
        year = year_item.text() if year_item is not None else ""
        if not self.confirm(f"确定删除 {who} 的 {year} 申报吗？其中填写的全部内容将被删除，不能恢复。"):
            return
        self.services.delete_application(app_id)
        self.load()

    def ask_carry(self) -> YearDialog | None:
        """Start a new year from the selected earlier application."""
        app_id = self.selected_id()
        if app_id is None:
            return None
        source = self.services.load(app_id)
        dialog = YearDialog(
            self,
            "从往年申报继续",
            max(source.year + 1, self.services.today.year),
            with_name=False,
            hint=f"以 {source.person_name} 的 {source.year} 年申报为基础新建一份申报：基本信息、学历、"
            "经历、现有职称和各项业绩都会带入，并标记“请核对”；年度考核按新的申报年度列出近五年。",
        )
        dialog.accepted.connect(lambda: self._carry(app_id, dialog.year.value()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _carry(self, app_id: int, year: int) -> None:
        try:
            new_id = carry_forward(self.services, app_id, year)
        except UserError as exc:
            QMessageBox.warning(self, "无法带入", str(exc))
            return
        self.load()
        self.open_requested.emit(new_id)

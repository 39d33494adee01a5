"""填报助手: a small always-on-top window beside the browser that carries every answer into the online system.

It walks the same sequence as `copy-sheet` (usecases.copy_sheet): step by step in the online system's menu
order, entry by entry; a click on a value (or Ctrl+C) copies it and moves to the next line; each entry's scans
are listed under their upload names and can be opened in a folder of their own, ready to drag into the
browser's upload box; ticks are remembered with the application.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.os_errors import failure_message
from desktop_app.ui.form_view import HELP_STYLE, heading
from desktop_app.ui.sizing import fit_to_screen
from desktop_app.usecases.copy_sheet import (
    CopyEntry,
    CopySection,
    build_copy_sheet,
    export_scans,
    section_progress,
    set_tick,
    ticks,
)

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

VALUE_ROLE = Qt.ItemDataRole.UserRole
TICK_ROLE = Qt.ItemDataRole.UserRole + 1
SHOWN_CHARS = 60


class CopyTree(QTreeWidget):
    """The list of lines; Ctrl+C asks the window to copy the value (the view's own copy takes the label)."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FillHelperWindow(QWidget):
    """The 填报助手 window of one application."""

    def __init__(self, services: Services, app_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.services = services
        self.app_id = app_id
        self.setWindowTitle("填报助手 — 对照填写网上申报系统")
        self.sections: list[CopySection] = []
        self.done: set[str] = set()
        self.last_folder: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        intro = QLabel(
            "按网上申报系统左侧菜单的顺序逐项填写：单击“内容”或按 Ctrl+C 复制，"
            "再到浏览器中粘贴（Ctrl+V）；填好一项就勾选。"
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HELP_STYLE)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.previous_button = QPushButton("上一节")
        self.section_box = QComboBox()
        self.next_button = QPushButton("下一节")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        row.addWidget(self.previous_button)
        row.addWidget(self.section_box, 1)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        self.menu_path = QLabel("")
        self.menu_path.setWordWrap(True)
        self.menu_path.setStyleSheet(HELP_STYLE)
        layout.addWidget(self.menu_path)
        self.progress = heading("", 1)
        layout.addWidget(self.progress)
        self.tree = CopyTree()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["项目（申报系统中的名称）", "内容（单击复制）"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 200)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemChanged.connect(self._ticked)
        layout.addWidget(self.tree, 1)
        self.tree.copy_requested.connect(self.copy_current)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(HELP_STYLE)
        layout.addWidget(self.status)
        self.section_box.currentIndexChanged.connect(self.show_section)
        self.reload()
        # Narrow enough to sit beside a browser on a 1366-px screen; fits 768 px with the taskbar.
        fit_to_screen(self, 480, 640)

    # Content -------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the application again (answers, scans, ticks) and keep the current step."""
        current = self.section_box.currentIndex()
        self.sections = build_copy_sheet(self.services, self.app_id)
        self.done = ticks(self.services, self.app_id)
        self.section_box.blockSignals(True)
        self.section_box.clear()
        for section in self.sections:
            self.section_box.addItem(self._section_text(section))
        self.section_box.blockSignals(False)
        self.section_box.setCurrentIndex(max(current, 0))
        self.show_section(self.section_box.currentIndex())

    def _section_text(self, section: CopySection) -> str:
        ticked, total = section_progress(section, self.done)
        if section.not_applicable:
            return f"{section.title}（无此项）"
        mark = "✓ " if total and ticked == total else ""
        return f"{mark}{section.title}（{ticked}/{total}）"

    def current_section(self) -> CopySection | None:
        """The step shown."""
        index = self.section_box.currentIndex()
        return self.sections[index] if 0 <= index < len(self.sections) else None

    def show_section(self, index: int) -> None:
        """Fill the list with one step's entries, fields and scans."""
        self.tree.blockSignals(True)
        self.tree.clear()
        section = self.current_section()
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.sections) - 1)
        if section is None:
            self.tree.blockSignals(False)
            return
        self.menu_path.setText(f"申报系统中：{section.menu_path}")
        if section.not_applicable:
            self._note("本项已标记为“无此项”：在申报系统中不用新增。")
        elif not section.entries:
            self._note("本项尚未填写。")
        for entry in section.entries:
            self._add_entry(section, entry)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self.update_progress()
        first = self._rows()[:1]
        if first:
            self.tree.setCurrentItem(first[0])

    def _note(self, text: str) -> None:
        item = QTreeWidgetItem([text, ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(item)

    def _add_entry(self, section: CopySection, entry: CopyEntry) -> None:
        title = entry.title or section.title
        head = QTreeWidgetItem([f"{title}（在申报系统中点击“新增”）" if entry.title else title, ""])
        head.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        head.setData(0, TICK_ROLE, entry.tick_key())
        head.setCheckState(
            0, Qt.CheckState.Checked if entry.tick_key() in self.done else Qt.CheckState.Unchecked
        )
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        self.tree.addTopLevelItem(head)
        head.setFirstColumnSpanned(True)
        for field in entry.fields:
            shown = field.value.replace("\n", " ")
            if len(shown) > SHOWN_CHARS:
                shown = shown[:SHOWN_CHARS] + f"…（共 {len(field.value)} 字，复制全部）"
            item = QTreeWidgetItem([field.label, shown])
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setData(1, VALUE_ROLE, field.value)
            item.setToolTip(1, field.value)
            key = entry.tick_key(field.key)
            item.setData(0, TICK_ROLE, key)
            item.setCheckState(0, Qt.CheckState.Checked if key in self.done else Qt.CheckState.Unchecked)
            head.addChild(item)
        if entry.scans:
            for scan in entry.scans:
                for name in scan.upload_names:
                    item = QTreeWidgetItem([f"扫描件：{scan.material}", name])
                    item.setToolTip(0, f"上传扫描件（{scan.material}）")
                    item.setToolTip(1, name)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    item.setData(1, VALUE_ROLE, name)
                    head.addChild(item)
            holder = QTreeWidgetItem(["", ""])
            holder.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.addChild(holder)
            button = QPushButton("打开本条扫描件文件夹")
            button.setToolTip("文件夹中只有本条的扫描件（已按上传名称命名），可直接拖进申报系统的上传框")
            button.clicked.connect(lambda _c=False, e=entry: self.open_scans(e))
            self.tree.setItemWidget(holder, 1, button)

    def _rows(self) -> list[QTreeWidgetItem]:
        """The copyable lines of the step, top to bottom."""
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            if head is None:
                continue
            for j in range(head.childCount()):
                child = head.child(j)
                if child is not None and child.data(1, VALUE_ROLE) is not None:
                    out.append(child)
        return out

    # Actions -------------------------------------------------------------------------------------

    def step(self, delta: int) -> None:
        """上一节 / 下一节."""
        index = self.section_box.currentIndex() + delta
        if 0 <= index < len(self.sections):
            self.section_box.setCurrentIndex(index)

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 1 and item.data(1, VALUE_ROLE) is not None:
            self.copy_item(item)

    def copy_current(self) -> None:
        """Ctrl+C: copy the selected line's value and select the next line."""
        item = self.tree.currentItem()
        if item is not None and item.data(1, VALUE_ROLE) is not None:
            self.copy_item(item)

    def copy_item(self, item: QTreeWidgetItem) -> None:
        """Put one value on the clipboard (exactly as stored, long text whole) and move to the next line."""
        QGuiApplication.clipboard().setText(str(item.data(1, VALUE_ROLE)))
        self.status.setText(f"已复制“{item.text(0)}”，请到申报系统中粘贴（Ctrl+V）。")
        rows = self._rows()
        if item in rows:
            index = rows.index(item)
            if index + 1 < len(rows):
                self.tree.setCurrentItem(rows[index + 1])

    def _ticked(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, TICK_ROLE)
        if column != 0 or not key:
            return
        self.done = set_tick(
            self.services, self.app_id, str(key), item.checkState(0) == Qt.CheckState.Checked
        )
        self.update_progress()

    def update_progress(self) -> None:
        """“本节已填完” when every line of the step is ticked; the count otherwise."""
        section = self.current_section()
        if section is None:
            return
        ticked, total = section_progress(section, self.done)
        if section.not_applicable or not total:
            self.progress.setText("本节没有需要填写的内容")
        elif ticked == total:
            self.progress.setText("本节已填完 ✓")
            self.progress.setStyleSheet("color: #137333;")
        else:
            self.progress.setText(f"本节已填 {ticked}/{total} 项")
            self.progress.setStyleSheet("")
        index = self.section_box.currentIndex()
        self.section_box.setItemText(index, self._section_text(section))

    def open_scans(self, entry: CopyEntry) -> None:
        """Write just this entry's scans (upload-ready, named) into a fresh folder, off the GUI thread, and open it."""
        from desktop_app.ui.worker import run_in_background

        services, app_id = self.services, self.app_id
        ids = [s.attachment_id for s in entry.scans]
        self.status.setText("正在准备扫描件……")

        def failed(exc: BaseException) -> None:
            self.status.setText(
                failure_message(exc, log, prefix="未能准备扫描件：", what="preparing the entry's scans")
            )

        run_in_background(
            lambda _progress: export_scans(services, app_id, ids),
            on_done=self._scans_ready,
            on_error=failed,
            owner=self,
        )

    def _scans_ready(self, folder: Any) -> None:
        self.last_folder = folder
        self.status.setText(f"扫描件已放在：{folder}（可直接拖进申报系统的上传框）")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

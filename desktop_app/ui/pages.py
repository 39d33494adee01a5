"""Wizard pages generated from forms/: one class for single sections, one for repeatable sections."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.formspec.dynamic import dynamic_choices
from desktop_app.formspec.model import SectionSpec
from desktop_app.formspec.types import format_value
from desktop_app.ui.form_view import ERROR_STYLE, HELP_STYLE, WARNING_STYLE, FormView, heading
from desktop_app.ui.session import DraftSaver, Session
from desktop_app.ui.sizing import fit_to_screen
from desktop_app.usecases.wizard import confirm_reviewed

if TYPE_CHECKING:
    from desktop_app.ui.scans_widget import AttachmentsWidget

NOTICE_STYLE = "background: #fff4e5; color: #6b3e00; padding: 6px; border-radius: 4px;"


def ask_confirmation(parent: QWidget, text: str) -> bool:
    """A yes/no question in Chinese; True for 是."""
    answer = QMessageBox.question(
        parent,
        "请确认",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def refresh_dynamic(form: FormView, session: Session, cover: Mapping[str, Any]) -> list[str]:
    """Offer each reference-backed field the choices that fit the other answers; returns fields cleared."""
    cleared: list[str] = []
    texts: dict[str, Any] = {k: v for k, v in form.texts().items() if v}
    for key, editor in form.editors.items():
        spec = editor.spec
        if not spec.choices_from:
            continue
        base_cover = texts if form.section.key == "cover" else cover
        choices = dynamic_choices(spec, texts, base_cover, session.services.reference)
        if editor.set_choices(choices):
            cleared.append(key)
            texts.pop(key, None)
    return cleared


class PageHeader(QWidget):
    """Title, the guide's help text and the notices that concern the whole step."""

    def __init__(self, section: SectionSpec) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(section.title, 5))
        if section.help:
            help_label = QLabel(section.help)
            help_label.setWordWrap(True)
            help_label.setStyleSheet(HELP_STYLE)
            layout.addWidget(help_label)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setVisible(False)
        layout.addWidget(self.notice)

    def set_notices(self, lines: list[str]) -> None:
        """Show step-level findings (eligibility, missing years …); hidden when there are none."""
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))


class SectionPage(QWidget):
    """Common part of every step page."""

    def __init__(self, session: Session, section: SectionSpec) -> None:
        super().__init__()
        self.session = session
        self.section = section
        self.header = PageHeader(section)

    def load(self) -> None:
        """Show what is stored."""

    def flush(self) -> None:
        """Store pending edits now (leaving the page, closing the window)."""

    def go_to(self, entry_id: int | None, field: str | None) -> None:
        """Show an entry and focus a field."""

    def refresh(self) -> None:
        """Update notices after a save elsewhere."""
        report = self.session.report()
        # A missing scan names its material (“职称申报承诺书：尚未上传扫描件…”), not just “尚未上传扫描件”.
        lines = [
            f"• {f.field_label}：{f.message}" if f.field_label else f"• {f.message}"
            for f in report.findings
            if f.section == self.section.key and f.field is None and f.entry is None
        ]
        self.header.set_notices(lines)


class SinglePage(SectionPage):
    """A single section (基本信息, the cover, the work summary): the form itself is the page."""

    def __init__(self, session: Session, section: SectionSpec) -> None:
        super().__init__(session, section)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(16, 12, 16, 12)
        self.body_layout.addWidget(self.header)
        self.reviewed_button = QPushButton("已核对带入的内容")
        self.reviewed_button.setVisible(False)
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.body_layout.addWidget(self.reviewed_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.form = FormView(section, session.services.today)
        self.body_layout.addWidget(self.form)
        self.attachments = attachments_widget(
            session, section, session.services.entry_id(session.app_id, section.key)
        )
        if self.attachments is not None:
            self.body_layout.addWidget(self.attachments)
        self.scroll_area.setWidget(body)
        outer.addWidget(self.scroll_area)
        entry_id = session.services.entry_id(session.app_id, section.key)
        self.saver = DraftSaver(session, section.key, self.form, entry_id)
        self.form.field_edited.connect(self.on_field_edited)

    def load(self) -> None:
        app = self.session.services.load(self.session.app_id)
        self.form.set_values(
            app.single(self.section.key), self.session.drafts_for(self.section.key, self.saver.entry_id)
        )
        entries = app.section(self.section.key).entries
        self.reviewed_button.setVisible(bool(entries and entries[0].review_note))
        self.after_load(app.single("cover"))
        self.refresh()

    def mark_reviewed(self) -> None:
        """The person checked what was carried over from the earlier year."""
        self.saver.flush()
        if self.saver.entry_id is not None:
            confirm_reviewed(self.session.services, self.saver.entry_id)
        self.reviewed_button.setVisible(False)
        self.session.changed()

    def after_load(self, cover: Mapping[str, Any]) -> None:
        """Hook for pages with dependent choices."""
        refresh_dynamic(self.form, self.session, cover)

    def on_field_edited(self, key: str) -> None:
        """Hook: a field changed (before it is saved)."""

    def flush(self) -> None:
        self.saver.flush()

    def go_to(self, entry_id: int | None, field: str | None) -> None:
        self.form.focus_field(field)
        editor = self.form.editors.get(field or "")
        if editor is not None:
            self.scroll_area.ensureWidgetVisible(editor.widget)


class EntryTable(QTableWidget):
    """The entries of a repeatable section; Enter opens the selected entry like a double click."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.open_requested.emit()
            return
        super().keyPressEvent(event)


class EntryDialog(QDialog):
    """The editor of one entry, generated from the section's form; saves as the person types."""

    def __init__(self, session: Session, section: SectionSpec, entry_id: int | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self.setWindowTitle(f"{section.title}（{'新增' if entry_id is None else '编辑'}）")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.note = QWidget()
        note_layout = QHBoxLayout(self.note)
        note_layout.setContentsMargins(0, 0, 0, 0)
        self.note_label = QLabel("")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTICE_STYLE)
        self.reviewed_button = QPushButton("已核对")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        note_layout.addWidget(self.note_label, 1)
        note_layout.addWidget(self.reviewed_button)
        self.note.setVisible(False)
        layout.addWidget(self.note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.form = FormView(section, session.services.today)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        self.saved_label = QLabel("每项修改都会自动保存，无需点击保存。")
        self.saved_label.setStyleSheet(HELP_STYLE)
        self.saved_label.setWordWrap(True)
        self.warned_missing = False
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        self.done_button = QPushButton("完成")
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.finish)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.saver = DraftSaver(session, section.key, self.form, entry_id)
        self.form.field_edited.connect(self._edited)
        # Scans of this entry (a new entry can take scans once its first field is stored).
        self.attachments = attachments_widget(session, section, entry_id)
        if self.attachments is not None:
            layout.insertWidget(layout.indexOf(scroll) + 1, self.attachments)
            self.saver.entry_created.connect(self.attachments.set_entry_id)
        app = session.services.load(session.app_id)
        self.cover = app.single("cover")
        entry = next((e for e in app.section(section.key).entries if e.id == entry_id), None)
        self.form.set_values(entry.answers if entry else {}, session.drafts_for(section.key, entry_id))
        refresh_dynamic(self.form, session, self.cover)
        if entry is not None and entry.review_note:
            self.note_label.setText(entry.review_note)
            self.note.setVisible(True)
        # Fits a 1366×768 screen with the taskbar; the form scrolls, the scans stay visible.
        fit_to_screen(self, 880, 660)

    @property
    def entry_id(self) -> int | None:
        """The entry edited (None until the first change of a new entry is stored)."""
        return self.saver.entry_id

    def finish(self) -> None:
        """完成: first points out empty required fields under each of them; pressed again, it closes."""
        self.saver.flush()
        missing = self.form.show_missing()
        if missing and not self.warned_missing:
            self.warned_missing = True
            self.saved_label.setText(
                f"本条还有 {len(missing)} 项必填内容未填写（已在各项下方标出）。"
                "已填的内容已保存；再按一次“完成”可先关闭，稍后再填。"
            )
            self.saved_label.setStyleSheet(ERROR_STYLE)
            self.form.focus_field(missing[0])
            return
        self.accept()

    def _edited(self, key: str) -> None:
        for cleared in refresh_dynamic(self.form, self.session, self.cover):
            self.saver.mark(cleared)

    def mark_reviewed(self) -> None:
        """The person checked a carried-over entry."""
        self.saver.flush()
        if self.saver.entry_id is not None:
            confirm_reviewed(self.session.services, self.saver.entry_id)
            self.session.changed()
        self.note.setVisible(False)

    def done(self, result: int) -> None:  # noqa: D102 - Qt override: store before closing
        self.saver.flush()
        super().done(result)


class TablePage(SectionPage):
    """A repeatable section: a table of entries with 新增 / 编辑 / 删除 / 上移 / 下移 and 无此项."""

    def __init__(self, session: Session, section: SectionSpec) -> None:
        super().__init__(session, section)
        self.confirm: Callable[[str], bool] = lambda text: ask_confirmation(self, text)
        self.editor: EntryDialog | None = None
        self.entry_ids: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.header)
        self.not_applicable = QCheckBox("无此项（没有需要填写的内容）")
        self.not_applicable.setVisible(section.allow_not_applicable)
        self.not_applicable.toggled.connect(self._toggle_not_applicable)
        layout.addWidget(self.not_applicable)
        self.columns = [section.field(k) for k in section.summary_fields if section.has_field(k)]
        if not self.columns:
            self.columns = [s for s in section.fields if not s.derived][:4]
        self.table = EntryTable(0, len(self.columns) + 1)
        self.table.setHorizontalHeaderLabels([c.label for c in self.columns] + ["提示"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.open_requested.connect(self.edit_selected)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        for button, slot in (
            (self.add_button, self.add_entry),
            (self.edit_button, self.edit_selected),
            (self.delete_button, self.delete_selected),
            (self.up_button, lambda: self.move_selected(-1)),
            (self.down_button, lambda: self.move_selected(1)),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.extra = QLabel("")
        self.extra.setWordWrap(True)
        self.extra.setVisible(False)
        layout.addWidget(self.extra)

    # Showing -------------------------------------------------------------------------------------

    def load(self) -> None:
        app = self.session.services.load(self.session.app_id)
        data = app.section(self.section.key)
        report = self.session.report()
        problems: dict[int, int] = {}
        for f in report.errors:
            if f.section == self.section.key and f.entry_id is not None:
                problems[f.entry_id] = problems.get(f.entry_id, 0) + 1
        selected = self.selected_entry_id()
        self.entry_ids = [e.id for e in data.entries]
        self.table.setRowCount(len(data.entries))
        for row, entry in enumerate(data.entries):
            for col, spec in enumerate(self.columns):
                self.table.setItem(
                    row, col, QTableWidgetItem(format_value(spec, entry.answers.get(spec.key)))
                )
            tips = []
            if problems.get(entry.id):
                tips.append(f"有 {problems[entry.id]} 处需完善")
            if entry.review_note:
                tips.append(entry.review_note)
            if self.session.drafts_for(self.section.key, entry.id):
                tips.append("有未通过检查的内容")
            tip = QTableWidgetItem("；".join(tips))
            if tips:
                tip.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, len(self.columns), tip)
        self.table.resizeRowsToContents()
        if selected in self.entry_ids:
            self.table.selectRow(self.entry_ids.index(selected))
        elif self.entry_ids and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.not_applicable.blockSignals(True)
        self.not_applicable.setChecked(data.not_applicable)
        self.not_applicable.blockSignals(False)
        self.table.setEnabled(not data.not_applicable or bool(data.entries))
        self.add_button.setEnabled(not data.not_applicable)
        self.refresh()
        self.update_extra(app)

    def update_extra(self, app: Any) -> None:
        """Hook: information under the table (seniority on 现有职称情况)."""

    def refresh(self) -> None:
        super().refresh()

    # Actions -------------------------------------------------------------------------------------

    def selected_entry_id(self) -> int | None:
        """The entry of the selected row."""
        row = self.table.currentRow()
        if 0 <= row < len(self.entry_ids):
            return self.entry_ids[row]
        return None

    def add_entry(self) -> None:
        """Open an empty editor; the entry is created with the first change."""
        self.open_editor(None, None)

    def edit_selected(self) -> None:
        """Open the selected entry."""
        entry_id = self.selected_entry_id()
        if entry_id is not None:
            self.open_editor(entry_id, None)

    def open_editor(self, entry_id: int | None, field: str | None) -> EntryDialog:
        """Show the entry editor (non-blocking) and focus a field."""
        if self.editor is not None:
            self.editor.close()
        dialog = EntryDialog(self.session, self.section, entry_id, self)
        dialog.finished.connect(lambda _result: self._editor_closed(dialog))
        dialog.saver.entry_created.connect(lambda _eid: self.load())
        self.editor = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.form.focus_field(field)
        return dialog

    def _editor_closed(self, dialog: EntryDialog) -> None:
        if self.editor is dialog:
            self.editor = None
        self.load()
        if dialog.entry_id in self.entry_ids:
            self.table.selectRow(self.entry_ids.index(dialog.entry_id))
        self.table.setFocus()

    def delete_selected(self) -> None:
        """Delete the selected entry after confirmation."""
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return
        row = self.entry_ids.index(entry_id)
        if not self.confirm(f"确定删除{self.section.title}的第 {row + 1} 条吗？删除后不能恢复。"):
            return
        self.session.services.delete_entry(entry_id)
        self.session.drop_entry_drafts(self.section.key, entry_id)
        self.session.changed()
        self.load()
        if self.entry_ids:
            self.table.selectRow(min(row, len(self.entry_ids) - 1))

    def move_selected(self, delta: int) -> None:
        """Move the selected entry up or down (the order is the order in the online system)."""
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return
        self.session.services.move_entry(entry_id, delta)
        self.session.changed()
        self.load()
        self.table.selectRow(self.entry_ids.index(entry_id))

    def _toggle_not_applicable(self, flag: bool) -> None:
        if (
            flag
            and self.entry_ids
            and not self.confirm(
                f"{self.section.title}已有 {len(self.entry_ids)} 条内容。仍标记为“无此项”吗？（已填的内容不会删除）"
            )
        ):
            self.not_applicable.blockSignals(True)
            self.not_applicable.setChecked(False)
            self.not_applicable.blockSignals(False)
            return
        self.session.services.set_not_applicable(self.session.app_id, self.section.key, flag)
        self.session.changed()
        self.load()

    def flush(self) -> None:
        if self.editor is not None:
            self.editor.saver.flush()

    def go_to(self, entry_id: int | None, field: str | None) -> None:
        if entry_id is not None and entry_id in self.entry_ids:
            self.table.selectRow(self.entry_ids.index(entry_id))
            self.open_editor(entry_id, field)
        elif self.not_applicable.isVisible() and not self.entry_ids:
            self.add_button.setFocus()
        else:
            self.table.setFocus()


def attachments_widget(
    session: Session, section: SectionSpec, entry_id: int | None
) -> AttachmentsWidget | None:
    """The scans widget for a section that expects scans (None for sections without any)."""
    if not section.attachments:
        return None
    from desktop_app.ui.scans_widget import AttachmentsWidget

    widget = AttachmentsWidget(session.services, session.app_id, section.key, entry_id)
    widget.changed.connect(session.changed)
    return widget


def warning_label(text: str) -> QLabel:
    """A wrapped label in the warning colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    return label

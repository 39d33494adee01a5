"""What the review page offers once the materials are complete: the steps in the online system (guide 五（一）–（二）),
the latest print packet (open / folder / print, also after a restart), the 填报助手 and the 申报记录."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.formspec.validators import check_date
from desktop_app.ui.form_view import ERROR_STYLE, HELP_STYLE
from desktop_app.ui.sizing import fit_to_screen
from desktop_app.usecases.submissions import (
    ACTIONS,
    CHANCES_RULE,
    RETURNED_BY,
    UNIT_WARNING,
    SubmissionRound,
    load_rounds,
    record_summary,
    save_rounds,
)

if TYPE_CHECKING:
    from desktop_app.domain import ApplicationData
    from desktop_app.services import Services

READY_TEXT = "材料已齐全，可以到网上申报系统提交"


def submit_steps(services: Services, app: ApplicationData) -> list[str]:
    """The steps from here to the committee, in the guide's words (五（一）–（三）) and this application's chain."""
    from desktop_app.reference import approval_chain

    procedure = services.reference.procedure
    cover = app.single("cover")
    chain = ""
    try:
        if cover.get("unit_type") and cover.get("committee_level"):
            tiers = approval_chain(
                str(cover["unit_type"]),
                str(cover["committee_level"]),
                cover.get("dispatched") == "是",
                str(cover.get("employer_nature") or ""),
                procedure=procedure,
            )
            chain = " → ".join(t.name for t in tiers)
    except ValueError:
        chain = ""
    sections = "、".join(f"“{s.title}”" for s in services.forms if s.is_numbered_section)
    chain_text = (
        f"：申报人签字后依次为 {chain}。"
        if chain
        else "。（在封面选择单位类型和评委会级别后，这里列出本申报的顺序）"
    )
    values = {
        "address": procedure.online_address,
        "sections": sections,
        "chances": CHANCES_RULE,
        "unit_warning": UNIT_WARNING,
        "chain": chain_text,
    }
    return [step.format_map(values) for step in procedure.online_steps]


class SubmitGuideWidget(QGroupBox):
    """到网上申报系统提交: the guide's steps for this application."""

    def __init__(self) -> None:
        super().__init__("到网上申报系统提交（申报指南五、系统填报说明）")
        layout = QVBoxLayout(self)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)

    def show_steps(self, steps: list[str]) -> None:
        """Show the steps, one per line."""
        self.text.setText("\n".join(steps))


class LatestPacketWidget(QWidget):
    """The latest print packet of the application: 打开打印材料 / 打开所在文件夹 / 打印, found again after a restart."""

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.path: Path | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.where = QLabel("")
        self.where.setWordWrap(True)
        self.where.setStyleSheet(HELP_STYLE)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where, 1)
        self.open_button = QPushButton("打开打印材料")
        self.folder_button = QPushButton("打开所在文件夹")
        self.print_button = QPushButton("打印…")
        self.open_button.clicked.connect(self.open_packet)
        self.folder_button.clicked.connect(self.open_folder)
        self.print_button.clicked.connect(self.print_packet)
        for button in (self.open_button, self.folder_button, self.print_button):
            layout.addWidget(button)
        self.preview: Any = None
        # A packet made on this page appears here without leaving it (the packet widget is another feature's).
        self.timer = QTimer(self)
        self.timer.setInterval(1500)
        self.timer.timeout.connect(self.refresh)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.refresh()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Look for the latest packet (the remembered path, checked to still exist)."""
        from desktop_app.usecases.packet import latest_packet, packet_was_made

        services, app_id = self.session.services, self.session.app_id
        self.path = latest_packet(services, app_id)
        if self.path is not None:
            made = datetime.fromtimestamp(self.path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            self.where.setText(f"最近生成的打印材料（{made}）：{self.path}")
        elif packet_was_made(services, app_id):
            self.where.setText(
                "上次生成的打印材料已不在原来的位置（可能被移动或删除）：请点击“生成打印材料”重新生成。"
            )
        else:
            self.where.setText("还没有生成打印材料。")
        for button in (self.open_button, self.folder_button, self.print_button):
            button.setEnabled(self.path is not None)

    def open_packet(self) -> None:
        """The packet in the app's preview (bookmarks, 打印, 打开所在文件夹)."""
        self.refresh()
        if self.path is None:
            return
        from desktop_app.ui.packet_widgets import PacketPreviewDialog

        self.preview = PacketPreviewDialog(self.path, self)
        self.preview.show()

    def open_folder(self) -> bool:
        """The folder holding the packet in the system's file manager."""
        self.refresh()
        return self.path is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))

    def print_packet(self) -> None:
        """Choose a printer and print the latest packet."""
        self.refresh()
        if self.path is None:
            return
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from desktop_app.ui.packet_widgets import print_document

        document = QPdfDocument(self)
        document.load(str(self.path))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印打印材料")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_document(document, printer, self)


class SubmissionLogDialog(QDialog):
    """申报记录: one row per round with the online system; the chances left and the guide's warning."""

    COLUMNS = ("提交日期", "退回日期", "退回方", "处理结果", "审核意见", "修改了什么")

    def __init__(self, services: Services, app_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.app_id = app_id
        self.setWindowTitle("申报记录 — 与网上申报系统的每一轮往来")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "每次在申报系统中提交、被退回或审核通过后记一笔：提交日期、谁退回（返回修改或重置流程）、"
            "审核意见和您修改了什么。记录随申报一起保存，也在备份中。"
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HELP_STYLE)
        layout.addWidget(intro)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.warning)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for col, width in enumerate((110, 110, 150, 100)):
            self.table.setColumnWidth(col, width)
        for col in (4, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("新增一轮")
        self.delete_button = QPushButton("删除所选")
        self.close_button = QPushButton("保存并关闭")
        self.add_button.clicked.connect(lambda: self.add_round(SubmissionRound()))
        self.delete_button.clicked.connect(self.delete_selected)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        for round_ in load_rounds(services, app_id):
            self.add_round(round_)
        self.table.itemChanged.connect(lambda _item: self.store())
        self.update_summary()
        fit_to_screen(self, 960, 520)

    def add_round(self, round_: SubmissionRound) -> int:
        """Append a row (date boxes, two choices, two free texts); returns its index."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, value in enumerate((round_.submitted_on, round_.returned_on)):
            edit = QLineEdit(value)
            edit.setPlaceholderText("例如 2026-06-20")
            edit.editingFinished.connect(self.store)
            self.table.setCellWidget(row, col, edit)
        for col, (choices, value) in enumerate(
            ((RETURNED_BY, round_.returned_by), (ACTIONS, round_.action)), start=2
        ):
            combo = QComboBox()
            combo.addItems(list(choices))
            combo.setCurrentText(value)
            combo.currentIndexChanged.connect(lambda _i: self.store())
            self.table.setCellWidget(row, col, combo)
        for col, value in enumerate((round_.comments, round_.changes), start=4):
            self.table.setItem(row, col, QTableWidgetItem(value))
        return row

    def rounds(self) -> list[SubmissionRound]:
        """The rows as rounds."""
        out: list[SubmissionRound] = []
        for row in range(self.table.rowCount()):
            texts = [self.table.cellWidget(row, c).text() for c in (0, 1)]  # type: ignore[attr-defined]
            choices = [self.table.cellWidget(row, c).currentText() for c in (2, 3)]  # type: ignore[attr-defined]
            items = [self.table.item(row, c) for c in (4, 5)]
            notes = [item.text() if item is not None else "" for item in items]
            out.append(
                SubmissionRound(
                    texts[0].strip(), texts[1].strip(), choices[0], choices[1], notes[0], notes[1]
                )
            )
        return out

    def store(self) -> bool:
        """Check the dates and store every round; False (with a message) when a date is not a date."""
        for index, round_ in enumerate(self.rounds(), start=1):
            for what, text in (("提交日期", round_.submitted_on), ("退回日期", round_.returned_on)):
                if text and not check_date(text).ok:
                    self.error.setText(f"第 {index} 轮的{what}“{text}”不是日期：请写成 2026-06-20 这样的形式")
                    return False
        self.error.setText("")
        save_rounds(self.services, self.app_id, self.rounds())
        self.update_summary()
        return True

    def update_summary(self) -> None:
        """Chances left and the guide's warning after the third round of unit review problems."""
        summary, warning = record_summary([r for r in self.rounds() if not r.is_empty])
        self.summary.setText(summary)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))

    def delete_selected(self) -> None:
        """Remove the selected round after confirmation."""
        row = self.table.currentRow()
        if row < 0:
            return
        answer = QMessageBox.question(self, "请确认", f"删除第 {row + 1} 轮的记录吗？")
        if answer == QMessageBox.StandardButton.Yes:
            self.table.removeRow(row)
            self.store()

    def accept(self) -> None:  # noqa: D102 - stores first; stays open when a date is wrong
        if self.store():
            super().accept()

"""检查与导出: every finding of the shared completeness check, grouped by step, each with 去完善."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import ApplicationData
from desktop_app.formspec.completeness import Finding
from desktop_app.ui.form_view import ERROR_STYLE, HELP_STYLE, WARNING_STYLE, heading
from desktop_app.ui.session import Session
from desktop_app.ui.submit_widgets import (
    READY_TEXT,
    LatestPacketWidget,
    SubmissionLogDialog,
    SubmitGuideWidget,
    submit_steps,
)
from desktop_app.usecases.submissions import load_rounds, record_summary

GoTo = Callable[[str, "int | None", "str | None", str], None]


class ReviewPage(QWidget):
    """The last step. Later features add their buttons with `add_action_widget` (into `actions_layout`)."""

    def __init__(self, session: Session, go_to: GoTo) -> None:
        super().__init__()
        self.session = session
        self.go_to = go_to
        self.links: list[tuple[Finding, QPushButton]] = []
        self.other_links: list[tuple[Finding, QPushButton]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading("检查与导出", 5))
        self.summary = heading("", 2)
        layout.addWidget(self.summary)
        # Where 生成打印材料 / 导出上传材料 / 备份 are added by their features.
        actions = QWidget()
        self.actions_layout = QHBoxLayout(actions)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        self.actions_layout.addStretch(1)
        layout.addWidget(actions)
        # Full-width lines under the actions for their results (e.g. where the packet and its backup went).
        self.messages_layout = QVBoxLayout()
        self.messages_layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.messages_layout)
        # The latest packet, found again after a restart; the way on to the online system.
        self.latest = LatestPacketWidget(session)
        layout.addWidget(self.latest)
        online = QHBoxLayout()
        self.helper_button = QPushButton("打开填报助手")
        self.helper_button.setToolTip("在浏览器旁显示每一项内容，单击即复制，对照填写网上申报系统")
        self.helper_button.clicked.connect(self.open_fill_helper)
        self.record_button = QPushButton("申报记录…")
        self.record_button.clicked.connect(self.open_record)
        self.record_summary = QLabel("")
        self.record_summary.setWordWrap(True)
        self.record_summary.setStyleSheet(HELP_STYLE)
        online.addWidget(self.helper_button)
        online.addWidget(self.record_button)
        online.addWidget(self.record_summary, 1)
        layout.addLayout(online)
        self.record_warning = QLabel("")
        self.record_warning.setWordWrap(True)
        self.record_warning.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.record_warning)
        self.fill_helper: QWidget | None = None
        self.record_dialog: QWidget | None = None
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll_area, 1)

    def add_action_widget(self, widget: QWidget) -> None:
        """Add a button (or any widget) to the row of actions under the summary line, left to right."""
        self.actions_layout.insertWidget(self.actions_layout.count() - 1, widget)

    def add_message_widget(self, widget: QWidget) -> None:
        """Give an action's result label a full-width line under the row of actions (moved out of its widget)."""
        self.messages_layout.addWidget(widget)

    def load(self) -> None:
        """Run the check and list its findings."""
        report = self.session.report(fresh=True)
        errors = report.errors
        warnings = [f for f in report.findings if not f.is_error]
        if errors:
            self.summary.setText(f"还有 {len(errors)} 项需要完善")
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            self.summary.setText(
                READY_TEXT + (f"（另有 {len(warnings)} 条提醒，建议核对）" if warnings else "")
            )
            self.summary.setStyleSheet("color: #137333;")
        self.show_record(self.session.app())  # loaded by the report just now
        body = QWidget()
        body_layout = QVBoxLayout(body)
        if not errors:
            steps = SubmitGuideWidget()
            steps.show_steps(submit_steps(self.session.services, self.session.app()))
            body_layout.addWidget(steps)
            self.steps = steps
        self.links = []
        self.other_links = []
        by_section: dict[str, list[Finding]] = {}
        for finding in report.findings:
            by_section.setdefault(finding.section, []).append(finding)
        for section in self.session.services.forms:
            findings = by_section.get(section.key)
            if not findings:
                continue
            count = sum(1 for f in findings if f.is_error)
            group = QGroupBox(
                f"{section.title}（{count} 项需完善，{len(findings) - count} 条提醒）"
                if len(findings) > count
                else f"{section.title}（{count} 项需完善）"
            )
            grid = QGridLayout(group)
            grid.setColumnStretch(1, 1)
            for row, finding in enumerate(findings):
                kind = QLabel("需完善" if finding.is_error else "提醒")
                kind.setStyleSheet(ERROR_STYLE if finding.is_error else WARNING_STYLE)
                where = " ".join(
                    p for p in (f"第{finding.entry}条" if finding.entry else "", finding.field_label) if p
                )
                text = QLabel(f"{where}：{finding.message}" if where else finding.message)
                text.setWordWrap(True)
                link = QPushButton("去完善")
                link.setFlat(True)
                link.setStyleSheet("QPushButton { color: #1a73e8; text-decoration: underline; }")
                link.clicked.connect(
                    lambda _c=False, f=finding: self.go_to(f.section, f.entry_id, f.field, f.message)
                )
                grid.addWidget(kind, row, 0)
                grid.addWidget(text, row, 1)
                grid.addWidget(link, row, 2)
                self.links.append((finding, link))
                if finding.other is not None:
                    self.add_other_link(grid, row, finding)
            body_layout.addWidget(group)
        if not report.findings:
            done = QLabel("所有必填项都已填写并通过检查。")
            done.setStyleSheet(HELP_STYLE)
            body_layout.addWidget(done)
        body_layout.addStretch(1)
        self.scroll_area.setWidget(body)

    def show_record(self, app: ApplicationData | None = None) -> None:
        """The 申报记录 in one line, and the guide's warning when it applies (`app`: already loaded)."""
        summary, warning = record_summary(load_rounds(self.session.services, self.session.app_id, app))
        self.record_summary.setText(f"申报记录：{summary}")
        self.record_warning.setText(warning)
        self.record_warning.setVisible(bool(warning))

    def open_fill_helper(self) -> QWidget:
        """The 填报助手 beside the browser (one window per application; shown again when already open)."""
        from desktop_app.ui.fill_helper import FillHelperWindow

        if self.fill_helper is None:
            self.fill_helper = FillHelperWindow(self.session.services, self.session.app_id, self)
        else:
            self.fill_helper.reload()  # type: ignore[attr-defined]
        self.fill_helper.show()
        self.fill_helper.raise_()
        self.fill_helper.activateWindow()
        return self.fill_helper

    def open_record(self) -> QWidget:
        """申报记录 (non-blocking); the summary line follows when it closes."""
        dialog = SubmissionLogDialog(self.session.services, self.session.app_id, self)
        dialog.finished.connect(lambda _r: self.show_record())
        self.record_dialog = dialog
        dialog.open()
        return dialog

    def add_other_link(self, grid: QGridLayout, row: int, finding: Finding) -> None:
        """A contradiction's second 去完善, to the other field it names (issue 13)."""
        other = finding.other
        assert other is not None
        link = QPushButton(f"去完善：{other.location()}")
        link.setFlat(True)
        link.setStyleSheet("QPushButton { color: #1a73e8; text-decoration: underline; }")
        link.clicked.connect(
            lambda _c=False, o=other, m=finding.message: self.go_to(o.section, o.entry_id, o.field, m)
        )
        grid.addWidget(link, row, 3)
        self.other_links.append((finding, link))

    def flush(self) -> None:
        """Nothing to store on this page."""

    def refresh(self) -> None:
        """The review is rebuilt when shown."""

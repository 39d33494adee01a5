"""Main window: the start screen, then the wizard (left menu in the online system's order, pages, review)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.form_view import ERROR_STYLE, HELP_STYLE, FormView
from desktop_app.ui.pages import SectionPage, SinglePage, TablePage
from desktop_app.ui.review_page import ReviewPage
from desktop_app.ui.session import Session
from desktop_app.ui.sizing import fit_to_screen
from desktop_app.ui.special_pages import SPECIAL_PAGES
from desktop_app.ui.start_page import StartPage
from desktop_app.usecases.wizard import (
    FILLED,
    HAS_PROBLEMS,
    IN_PROGRESS,
    NOT_APPLICABLE,
    NOT_FILLED,
    section_statuses,
)

if TYPE_CHECKING:
    from desktop_app.services import Services

REVIEW = "review"
STATUS_COLOURS = {
    NOT_FILLED: "#5f6368",
    IN_PROGRESS: "#8a5300",
    FILLED: "#137333",
    HAS_PROBLEMS: "#b3261e",
    NOT_APPLICABLE: "#1a73e8",
}


class WizardWidget(QWidget):
    """One open application: menu, page stack, 上一步 / 下一步."""

    def __init__(self, session: Session, back_to_list: Any) -> None:
        super().__init__()
        self.session = session
        services = session.services
        self.keys: list[str] = [*services.forms.keys, REVIEW]
        self.pages: dict[str, Any] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.person = QLabel("")
        self.person.setWordWrap(True)
        self.person.setContentsMargins(8, 8, 8, 0)
        left.addWidget(self.person)
        self.menu = QTreeWidget()
        self.menu.setColumnCount(2)
        self.menu.setHeaderLabels(["填写步骤", "状态"])
        self.menu.setRootIsDecorated(False)
        self.menu.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.menu.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.menu.header().setStretchLastSection(False)
        self.menu.setFixedWidth(300)
        for section in services.forms:
            text = f"{section.number}. {section.title}" if section.is_numbered_section else section.title
            self.menu.addTopLevelItem(QTreeWidgetItem([text, ""]))
        self.menu.addTopLevelItem(QTreeWidgetItem(["检查与导出", ""]))
        self.menu.currentItemChanged.connect(self._menu_changed)
        left.addWidget(self.menu, 1)
        back = QPushButton("返回申报列表")
        back.clicked.connect(back_to_list)
        left.addWidget(back)
        layout.addLayout(left)
        right = QVBoxLayout()
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        nav = QHBoxLayout()
        nav.setContentsMargins(16, 4, 16, 8)
        saved = QLabel("所有修改自动保存")
        saved.setStyleSheet(HELP_STYLE)
        nav.addWidget(saved)
        # Why 下一步 stayed on the page (empty required fields), shown beside the buttons.
        self.nav_message = QLabel("")
        self.nav_message.setWordWrap(True)
        self.nav_message.setStyleSheet(ERROR_STYLE)
        nav.addWidget(self.nav_message, 1)
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        self.back_button.setShortcut("Ctrl+PgUp")
        self.next_button.setShortcut("Ctrl+PgDown")
        self.back_button.setToolTip("上一步（Ctrl+PageUp）")
        self.next_button.setToolTip("下一步（Ctrl+PageDown）")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        right.addLayout(nav)
        layout.addLayout(right, 1)
        self.status_timer = QTimer(self)
        self.status_timer.setSingleShot(True)
        self.status_timer.setInterval(150)
        self.status_timer.timeout.connect(self.refresh_status)
        session.saved.connect(self.status_timer.start)
        self.statuses: dict[str, str] = {}
        self.current = ""
        # The page whose empty required fields 下一步 has already pointed out (a second press goes on).
        self.warned_page = ""
        self.refresh_status()
        start = session.page if session.page in self.keys else "basic"
        self.show_page(start)

    # Pages ---------------------------------------------------------------------------------------

    def page(self, key: str) -> Any:
        """The page of a step, built from forms/ on first use."""
        if key not in self.pages:
            if key == REVIEW:
                page: Any = ReviewPage(self.session, self.go_to)
                from desktop_app.ui.packet_widgets import PacketWidget

                packet = PacketWidget(self.session)
                page.add_action_widget(packet)
                page.add_message_widget(packet.status)
                page.add_message_widget(packet.backup_row)
                # Without waiting for its timer (or for the automatic backup): 打印… works at once.
                packet.made.connect(page.latest.refresh)
                from desktop_app.ui.backup_page import BackupButton

                page.add_action_widget(BackupButton(self.session))
                from desktop_app.ui.upload_export import UploadExportWidget

                page.add_action_widget(UploadExportWidget(self.session))
            else:
                section = self.session.services.forms.section(key)
                cls = SPECIAL_PAGES.get(key) or (TablePage if section.repeatable else SinglePage)
                page = cls(self.session, section)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def show_page(self, key: str) -> Any:
        """Leave the current page (storing its edits) and show another."""
        if self.current and self.current in self.pages:
            leaving = self.pages[self.current]
            leaving.flush()
            form = getattr(leaving, "form", None)
            if isinstance(form, FormView) and key != self.current:
                # Coming back later, the person finds each empty required field marked under it.
                form.show_missing()
        if key != self.current:
            self.warned_page = ""
            self.nav_message.setText("")
        page = self.page(key)
        page.load()
        self.stack.setCurrentWidget(page)
        self.current = key
        index = self.keys.index(key)
        self.menu.blockSignals(True)
        item = self.menu.topLevelItem(index)
        if item is not None:
            self.menu.setCurrentItem(item)
        self.menu.blockSignals(False)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.keys) - 1)
        self.session.set_page(key)
        if key == REVIEW:
            # The review runs the check afresh; the menu marks must agree with it.
            self.refresh_status()
        return page

    def _menu_changed(self, item: QTreeWidgetItem | None, _previous: Any) -> None:
        if item is not None:
            self.show_page(self.keys[self.menu.indexOfTopLevelItem(item)])

    def step(self, delta: int) -> None:
        """下一步 / 上一步; 下一步 first points out the page's empty required fields (pressed again, it goes on)."""
        form = getattr(self.pages.get(self.current), "form", None)
        if delta > 0 and isinstance(form, FormView) and self.warned_page != self.current:
            missing = form.show_missing()
            if missing:
                self.warned_page = self.current
                self.nav_message.setText(
                    f"本页还有 {len(missing)} 项必填内容未填写（已在各项下方标出）。"
                    "可以先填写；再按一次“下一步”则先跳过，稍后再填。"
                )
                self.pages[self.current].go_to(None, missing[0])
                return
        index = self.keys.index(self.current) + delta
        if 0 <= index < len(self.keys):
            self.show_page(self.keys[index])

    def go_to(self, section: str, entry_id: int | None, field: str | None, message: str = "") -> None:
        """Open the page, entry and field a finding points at, focus the field and show the finding there."""
        page = self.show_page(section)
        page.go_to(entry_id, field)
        form = getattr(getattr(page, "editor", None), "form", None) or getattr(page, "form", None)
        if (
            message
            and field
            and form is not None
            and field in form.messages
            and not form.messages[field].text()
        ):
            form.show_message(field, message)

    def flush(self) -> None:
        """Store the current page's pending edits."""
        if self.current in self.pages:
            self.pages[self.current].flush()

    def refresh_status(self) -> None:
        """Recompute the menu marks and the current page's notices."""
        report = self.session.report()
        app = self.session.app()  # the one the report was made from: no second load
        self.statuses = section_statuses(
            self.session.services, self.session.app_id, report, self.session.drafts, app
        )
        for index, key in enumerate(self.keys[:-1]):
            item = self.menu.topLevelItem(index)
            if item is None:
                continue
            status = self.statuses.get(key, "")
            item.setText(1, status)
            item.setForeground(1, QColor(STATUS_COLOURS.get(status, "#000000")))
        errors = len(report.errors)
        last = self.menu.topLevelItem(len(self.keys) - 1)
        if last is not None:
            last.setText(1, f"{errors} 项" if errors else "已齐全")
        self.person.setText(
            f"{app.person_name or '（未填姓名）'} · {app.year} 年申报 · 完成度 {report.percent}%"
        )
        self.window().setWindowTitle(f"职称申报材料助手 — {app.person_name} {app.year} 年申报")
        page = self.pages.get(self.current)
        if isinstance(page, SectionPage) and not isinstance(page, ReviewPage):
            page.refresh()


class MainWindow(QMainWindow):
    """The application's main window."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("职称申报材料助手")
        self.stack = QStackedWidget()
        self.start = StartPage(services)
        self.start.open_requested.connect(self.open_application)
        self.stack.addWidget(self.start)
        self.wizard: WizardWidget | None = None
        self.setCentralWidget(self.stack)
        # Usable down to a 1366×768 screen at 125 % (see ui/sizing.py); the pages scroll below that.
        self.setMinimumSize(960, 540)
        fit_to_screen(self, 1340, 700)
        self.start.load()
        last = services.last_application()
        if last in self.start.app_ids:
            self.start.table.selectRow(self.start.app_ids.index(last))

    def open_application(self, app_id: int) -> WizardWidget:
        """Show the wizard for an application, on the page it was left at."""
        self.close_application()
        session = Session(self.services, app_id)
        self.wizard = WizardWidget(session, self.show_start)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.services.remember_last_application(app_id)
        app = self.services.load(app_id)
        self.setWindowTitle(f"职称申报材料助手 — {app.person_name} {app.year} 年申报")
        return self.wizard

    def close_application(self) -> None:
        """Store pending edits and drop the wizard."""
        if self.wizard is not None:
            self.wizard.flush()
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None

    def show_start(self) -> None:
        """Back to the list of applications."""
        self.close_application()
        self.setWindowTitle("职称申报材料助手")
        self.start.load()
        self.stack.setCurrentWidget(self.start)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override: nothing typed is lost
        if self.wizard is not None:
            self.wizard.flush()
        super().closeEvent(event)

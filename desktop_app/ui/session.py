"""The open application as the wizard sees it: services, id, the saved page and the unsaved drafts."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.ui.form_view import FormView
from desktop_app.usecases.wizard import save_field, update_ui_state

if TYPE_CHECKING:
    from desktop_app.domain import ApplicationData
    from desktop_app.services import Services

# A change is stored at most this long after the first unsaved keystroke (the issue allows one second).
SAVE_DELAY_MS = 400


class Session(QObject):
    """One open application; `saved` is emitted after every stored change (menu marks, notices follow)."""

    saved = Signal()

    def __init__(self, services: Services, app_id: int) -> None:
        super().__init__()
        self.services = services
        self.app_id = app_id
        state = dict(services.load(app_id).ui_state)
        self.page: str = str(state.get("page") or "basic")
        self.drafts: dict[str, str] = {str(k): str(v) for k, v in dict(state.get("drafts") or {}).items()}
        self.save_times: list[float] = []
        self._report: Any = None
        # The application as last stored, kept from the last save so the status refresh does not load it again.
        self._app: ApplicationData | None = None

    @staticmethod
    def draft_key(section: str, entry_id: int | None, field: str) -> str:
        """Where a not-yet-valid text is kept in ui_state."""
        return f"{section}:{entry_id or 0}:{field}"

    def drafts_for(self, section: str, entry_id: int | None) -> dict[str, str]:
        """Draft texts of one entry by field key."""
        prefix = f"{section}:{entry_id or 0}:"
        return {k[len(prefix) :]: v for k, v in self.drafts.items() if k.startswith(prefix)}

    def set_draft(self, section: str, entry_id: int | None, field: str, text: str | None) -> bool:
        """Keep (text) or drop (None) a draft; True when something changed."""
        key = self.draft_key(section, entry_id, field)
        if text is None:
            return self.drafts.pop(key, None) is not None
        if self.drafts.get(key) == text:
            return False
        self.drafts[key] = text
        return True

    def drop_entry_drafts(self, section: str, entry_id: int) -> None:
        """Forget the drafts of a deleted entry."""
        prefix = f"{section}:{entry_id}:"
        for key in [k for k in self.drafts if k.startswith(prefix)]:
            del self.drafts[key]
        self.save_ui_state()

    def set_page(self, page: str) -> None:
        """Remember the page so reopening the application lands there."""
        if page != self.page:
            self.page = page
            self.save_ui_state()

    def save_ui_state(self) -> dict[str, Any]:
        """Store page and drafts in the application's ui_state; returns the ui_state now stored."""
        # Other keys of ui_state (填报助手 ticks, 申报记录) belong to other windows and are kept.
        state = update_ui_state(self.services, self.app_id, {"page": self.page, "drafts": dict(self.drafts)})
        if self._app is not None:
            self._app = replace(self._app, ui_state=state)
        return state

    def app(self) -> ApplicationData:
        """The application as stored (cached until the next change; a save hands over what it stored)."""
        if self._app is None:
            self._app = self.services.load(self.app_id)
        return self._app

    def report(self, fresh: bool = False) -> Any:
        """The completeness report (cached until the next save)."""
        if fresh:
            self._app = None
        if fresh or self._report is None:
            self._report = self.services.check(self.app_id, self.app())
        return self._report

    def changed(self, app: ApplicationData | None = None) -> None:
        """Something was stored: drop the cached report and tell the pages.

        `app` is the application after the change when the caller knows it (a field save builds it in
        memory); otherwise it is loaded again when next needed.
        """
        self._report = None
        self._app = app if app is not None and app.id == self.app_id else None
        self.saved.emit()


class DraftSaver(QObject):
    """Saves a form's edits by itself: at most SAVE_DELAY_MS after the first unsaved change, never blocking.

    Valid text is stored through the shared use case; invalid text stays in the box with its message
    and is kept as a draft in ui_state, so nothing typed is ever lost.
    """

    entry_created = Signal(int)

    def __init__(self, session: Session, section: str, form: FormView, entry_id: int | None = None) -> None:
        super().__init__(form)
        self.session = session
        self.section = section
        self.form = form
        self.entry_id = entry_id
        self.pending: list[str] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)
        form.field_edited.connect(self.mark)

    def mark(self, key: str) -> None:
        """A field changed: save it soon (the timer is not restarted, so typing never postpones saving)."""
        if key not in self.pending:
            self.pending.append(key)
        if not self.timer.isActive():
            self.timer.start()

    def flush(self) -> None:
        """Store every pending field now."""
        self.timer.stop()
        if not self.pending:
            return
        started = time.perf_counter()
        keys, self.pending = self.pending, []
        drafts_changed = False
        app: ApplicationData | None = None
        for key in keys:
            spec = self.form.field_spec(key)
            if spec.derived:
                continue
            text = self.form.text(key)
            result = save_field(
                self.session.services, self.session.app_id, self.section, self.entry_id, key, text
            )
            if result.entry_id is not None and result.entry_id != self.entry_id:
                created = self.entry_id is None
                self.entry_id = result.entry_id
                if created:
                    self.entry_created.emit(result.entry_id)
            app = result.app
            if result.ok:
                drafts_changed |= self.session.set_draft(self.section, self.entry_id, key, None)
            else:
                self.form.show_message(key, result.error)
                drafts_changed |= self.session.set_draft(self.section, self.entry_id, key, text)
        if drafts_changed:
            state = self.session.save_ui_state()
            if app is not None:
                app = replace(app, ui_state=state)
        self.session.save_times.append(time.perf_counter() - started)
        self.session.changed(app)

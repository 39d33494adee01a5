"""A form generated from a SectionSpec: label, editor, live message and help per field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from desktop_app.formspec.completeness import abbreviation_hint
from desktop_app.formspec.derived import derived_values
from desktop_app.formspec.model import FieldSpec, SectionSpec
from desktop_app.formspec.types import check_value
from desktop_app.ui.fields import FieldEditor, make_editor, shown_text

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5300;"
HELP_STYLE = "color: #5f6368;"
REQUIRED_MARK = "（必填）"
MISSING_MESSAGE = "必填项，尚未填写"


def heading(text: str, larger_by: int) -> QLabel:
    """A bold label `larger_by` points above the normal text size (page titles, summary lines)."""
    label = QLabel(text)
    font = label.font()
    font.setPointSize(font.pointSize() + larger_by)
    font.setBold(True)
    label.setFont(font)
    return label


class FormView(QWidget):
    """The fields of one entry; emits `field_edited(key)` whenever the person changes a field."""

    field_edited = Signal(str)

    def __init__(
        self, section: SectionSpec, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.today = today
        self.editors: dict[str, FieldEditor] = {}
        self.messages: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        # Every widget of a field's rows, so a field that does not apply can be hidden as a whole.
        self.rows: dict[str, list[QWidget]] = {}
        self.spacers: dict[str, int] = {}
        self.required_by_page: dict[str, bool] = {}
        grid = QGridLayout(self)
        self.grid = grid
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        row = 0
        previous: QWidget | None = None
        for spec in section.fields:
            editor = make_editor(spec)
            label = QLabel(spec.label + (REQUIRED_MARK if spec.required else ""))
            label.setWordWrap(True)
            label.setMinimumWidth(150)
            label.setMaximumWidth(230)
            label.setBuddy(editor.widget)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if spec.help:
                label.setToolTip(spec.help)
                editor.widget.setToolTip(spec.help)
            grid.addWidget(label, row, 0)
            grid.addWidget(editor.widget, row, 1)
            message = QLabel("")
            message.setWordWrap(True)
            message.setVisible(False)
            grid.addWidget(message, row + 1, 1)
            row += 2
            self.rows[spec.key] = [label, editor.widget]
            if spec.help:
                help_label = QLabel(spec.help)
                help_label.setWordWrap(True)
                help_label.setStyleSheet(HELP_STYLE)
                grid.addWidget(help_label, row, 1)
                self.rows[spec.key].append(help_label)
                row += 1
            grid.setRowMinimumHeight(row, 8)
            self.spacers[spec.key] = row
            row += 1
            self.editors[spec.key] = editor
            self.messages[spec.key] = message
            self.labels[spec.key] = label
            editor.edited.connect(lambda key=spec.key: self._on_edited(key))
            if not spec.derived:
                if previous is not None:
                    QWidget.setTabOrder(previous, editor.widget)
                previous = editor.widget
        grid.setRowStretch(row, 1)

    # Values ---------------------------------------------------------------------------------------

    def set_values(self, answers: Mapping[str, Any], drafts: Mapping[str, str] | None = None) -> None:
        """Show stored answers; a draft (text not yet valid) wins over the stored value and shows its error."""
        drafts = drafts or {}
        for key, editor in self.editors.items():
            if key in drafts:
                editor.set_text(drafts[key])
            else:
                editor.set_text(shown_text(answers.get(key)))
            self.check_live(key)
        self._update_derived()
        self.update_conditions()

    def texts(self) -> dict[str, str]:
        """The current text of every field."""
        return {key: editor.text() for key, editor in self.editors.items()}

    def text(self, key: str) -> str:
        """One field's current text."""
        return self.editors[key].text()

    def focus_field(self, key: str | None) -> None:
        """Focus a field (the first editable one when key is None or unknown)."""
        editor = self.editors.get(key or "")
        if editor is None or editor.spec.derived:
            editor = next((e for e in self.editors.values() if not e.spec.derived), None)
        if editor is not None:
            editor.focus()

    # Messages -------------------------------------------------------------------------------------

    def show_message(self, key: str, text: str, error: bool = True) -> None:
        """Show (or clear, with "") the message under a field."""
        label = self.messages[key]
        label.setText(text)
        label.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        label.setVisible(bool(text))

    def check_live(self, key: str) -> bool:
        """Validate the field's text with the shared rules and show the result; True when valid."""
        spec = self.section.field(key)
        if spec.derived:
            return True
        text = self.editors[key].text()
        if not text.strip() and self.messages[key].text() == MISSING_MESSAGE and self.is_required(key):
            # Keep “必填项，尚未填写” once it was shown: the field is still empty.
            return True
        checked = check_value(spec, text, self.today)
        if not checked.ok:
            self.show_message(key, checked.error)
            return False
        warnings = list(checked.warnings)
        if spec.full_name and checked.value:
            hint = abbreviation_hint(str(checked.value))
            if hint:
                warnings.append(hint)
        self.show_message(key, "；".join(warnings), error=False)
        return True

    def _on_edited(self, key: str) -> None:
        self.check_live(key)
        if self.section.field(key).type == "id_number":
            self._update_derived()
        self.update_conditions()
        self.field_edited.emit(key)

    # Conditions -----------------------------------------------------------------------------------

    def set_required_by_page(self, required: Mapping[str, bool]) -> None:
        """Fields whose need the page decides (e.g. the cover's signers, from the approval chain); hidden when not needed."""
        self.required_by_page = dict(required)
        self.update_conditions()

    def is_required(self, key: str) -> bool:
        """Whether a field must be filled given what is on screen now (required, or required by another answer)."""
        spec = self.section.field(key)
        if spec.derived:
            return False
        if spec.required:
            return True
        if key in self.required_by_page:
            return self.required_by_page[key]
        cond = spec.required_if
        # Conditions on another section ("cover.x") are decided by the shared check, not on this form.
        return cond is not None and cond.field in self.editors and self.text(cond.field) in cond.values

    def applies(self, key: str) -> bool:
        """A field applies unless another answer rules it out (a field already holding text always shows)."""
        spec = self.section.field(key)
        if key in self.required_by_page:
            return self.required_by_page[key] or bool(self.text(key).strip())
        cond = spec.required_if
        if cond is None or cond.field not in self.editors or self.text(key).strip():
            return True
        return self.text(cond.field) in cond.values

    def update_conditions(self) -> None:
        """Mark 必填 on fields another answer makes required and hide the fields that do not apply."""
        for spec in self.section.fields:
            if spec.required_if is None and spec.key not in self.required_by_page:
                continue
            required = self.is_required(spec.key)
            self.labels[spec.key].setText(spec.label + (REQUIRED_MARK if required else ""))
            shown = self.applies(spec.key)
            self.set_field_visible(spec.key, shown)
            message = self.messages[spec.key]
            if not shown:
                message.setVisible(False)
            elif not required and message.text() == MISSING_MESSAGE:
                self.show_message(spec.key, "")
            else:
                message.setVisible(bool(message.text()))

    def set_field_visible(self, key: str, shown: bool) -> None:
        """Show or hide a field's label, editor, help and the space after it (no gap where it was)."""
        for widget in self.rows[key]:
            widget.setVisible(shown)
        if not shown:
            self.messages[key].setVisible(False)
        self.grid.setRowMinimumHeight(self.spacers[key], 8 if shown else 0)

    def missing_fields(self) -> list[str]:
        """Required fields (as things stand on screen) that are still empty, in form order."""
        return [
            s.key
            for s in self.section.fields
            if self.applies(s.key) and self.is_required(s.key) and not self.text(s.key).strip()
        ]

    def show_missing(self) -> list[str]:
        """Put “必填项，尚未填写” under every empty required field (leaving the page, 下一步); returns them."""
        missing = self.missing_fields()
        for key in missing:
            if not self.messages[key].text():
                self.show_message(key, MISSING_MESSAGE)
        return missing

    def _update_derived(self) -> None:
        """Birth date and sex follow the ID number as it is typed (services derives them again on save)."""
        id_spec = next((s for s in self.section.fields if s.type == "id_number"), None)
        if id_spec is None:
            return
        targets = [s for s in self.section.fields if s.derived]
        if not targets:
            return
        checked = check_value(id_spec, self.editors[id_spec.key].text(), self.today)
        derived = derived_values(self.section, id_spec, checked.value if checked.ok else None, self.today)
        for spec in targets:
            self.editors[spec.key].set_text(derived.get(spec.key) or "")

    def field_spec(self, key: str) -> FieldSpec:
        """The spec of one field."""
        return self.section.field(key)

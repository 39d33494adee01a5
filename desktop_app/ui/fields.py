"""One editor factory per widget kind of formspec.types.WIDGET_KINDS; every field is edited as text.

Every editor keeps exactly what was typed (an invalid value stays in the box with its message beside
it), so the page decides what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.formspec.model import FieldSpec
from desktop_app.formspec.types import field_type

_EXAMPLES = {
    "integer": "填写整数",
    "number": "填写数字",
    "date": "例如 2019-06-01",
    "year_month": "例如 2019-06",
    "year": "例如 2024",
    "date_range": "例如 2015-09-01~2019-07-01，仍在进行的写 2015-09-01~至今",
    "month_range": "例如 2015-09~2019-07，仍在进行的写 2015-09~至今",
}
CHOOSE = "请选择"


def shown_text(value: object) -> str:
    """A stored value as the text an editor shows."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class FieldEditor(QObject):
    """A field's widget seen as text: `text()`, `set_text()`, and `edited` when the person changes it."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, widget: QWidget) -> None:
        super().__init__(widget)
        self.spec = spec
        self.widget = widget
        self._quiet = False

    def text(self) -> str:
        """The current text."""
        raise NotImplementedError

    def set_text(self, text: str) -> None:
        """Show a text without counting it as the person's edit."""
        self._quiet = True
        try:
            self._set(text)
        finally:
            self._quiet = False

    def _set(self, text: str) -> None:
        raise NotImplementedError

    def _changed(self, *_: object) -> None:
        if not self._quiet:
            self.edited.emit()

    def set_choices(self, choices: Sequence[str] | None) -> bool:
        """Replace the offered choices (combo boxes only); True when the current text had to be cleared."""
        return False

    def set_shown(self, shown: dict[str, str]) -> None:
        """Show some choices in other words (combo boxes only; the stored value stays the same)."""

    def focus(self) -> None:
        """Put the keyboard focus in the field."""
        self.widget.setFocus()

    def set_read_only(self, flag: bool) -> None:
        """Show a computed value that cannot be edited."""
        self.widget.setEnabled(not flag)


class LineEditor(FieldEditor):
    """A one-line text box (text, numbers, dates and periods typed as text)."""

    def __init__(self, spec: FieldSpec, kind: str) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(spec.placeholder or _EXAMPLES.get(kind, ""))
        if spec.max_length:
            # Leave room past the limit so an over-long paste is shown and explained, not cut silently.
            edit.setMaxLength(spec.max_length + 50)
        super().__init__(spec, edit)
        self.edit = edit
        edit.textEdited.connect(self._changed)

    def text(self) -> str:
        return self.edit.text()

    def _set(self, text: str) -> None:
        self.edit.setText(text)
        self.edit.setCursorPosition(0)

    def set_read_only(self, flag: bool) -> None:
        self.edit.setReadOnly(flag)
        # Tab skips a computed box: nothing can be typed there.
        self.edit.setFocusPolicy(Qt.FocusPolicy.NoFocus if flag else Qt.FocusPolicy.StrongFocus)


class TextAreaEditor(FieldEditor):
    """A multi-line box for long text (work summary, content descriptions)."""

    def __init__(self, spec: FieldSpec) -> None:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(spec.placeholder)
        # Tab moves to the next field, as everywhere else in the form.
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(140)
        super().__init__(spec, edit)
        self.edit = edit
        edit.textChanged.connect(self._changed)

    def text(self) -> str:
        return self.edit.toPlainText()

    def _set(self, text: str) -> None:
        self.edit.setPlainText(text)


class ComboEditor(FieldEditor):
    """A drop-down list; editable when the form accepts free text beside the choices."""

    def __init__(self, spec: FieldSpec) -> None:
        combo = QComboBox()
        combo.setEditable(spec.choices_editable)
        combo.setMinimumContentsLength(12)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        line = combo.lineEdit()
        if spec.choices_editable and line is not None:
            line.setPlaceholderText(spec.placeholder or "从列表中选择，或直接填写")
        else:
            combo.setPlaceholderText(CHOOSE)
        super().__init__(spec, combo)
        self.combo = combo
        # Stored value → the words shown for it (e.g. 工程技术人员 shown as 工程系列); the stored value never changes.
        self.shown: dict[str, str] = {}
        self._fill(spec.choices)
        combo.setCurrentIndex(-1)
        if spec.choices_editable:
            combo.editTextChanged.connect(self._changed)
        combo.currentIndexChanged.connect(self._changed)

    def _fill(self, choices: Sequence[str]) -> None:
        self.combo.clear()
        for choice in choices:
            self.combo.addItem(self.shown.get(choice, choice), choice)
            if choice in self.shown:
                self.combo.setItemData(self.combo.count() - 1, choice, Qt.ItemDataRole.ToolTipRole)

    def set_shown(self, shown: dict[str, str]) -> None:
        """Show some choices in other words (the stored value stays the same)."""
        current = self.text()
        self.shown = dict(shown)
        choices = [str(self.combo.itemData(i)) for i in range(self.combo.count())]
        self._quiet = True
        try:
            self._fill(choices)
            self._set(current)
        finally:
            self._quiet = False

    def text(self) -> str:
        index = self.combo.currentIndex()
        if index >= 0 and self.combo.itemText(index) == self.combo.currentText():
            value = self.combo.itemData(index)
            if value is not None:
                return str(value)
        return self.combo.currentText()

    def _set(self, text: str) -> None:
        index = self.combo.findData(text)
        if index < 0:
            index = self.combo.findText(text)
        if self.combo.isEditable():
            self.combo.setCurrentIndex(index)
            self.combo.setEditText(self.combo.itemText(index) if index >= 0 else text)
        elif index < 0 and text:
            # A stored value the list no longer offers stays visible so the person sees what to fix.
            self.combo.addItem(text)
            self.combo.setCurrentIndex(self.combo.count() - 1)
        else:
            self.combo.setCurrentIndex(index)

    def set_choices(self, choices: Sequence[str] | None) -> bool:
        current = self.text()
        wanted = list(choices or ())
        if [self.combo.itemData(i) for i in range(self.combo.count())] == wanted:
            return False
        self._quiet = True
        try:
            self._fill(wanted)
            cleared = False
            if current and current not in wanted and not self.combo.isEditable():
                self.combo.setCurrentIndex(-1)
                cleared = True
            else:
                self._set(current)
        finally:
            self._quiet = False
        return cleared


EditorFactory = Callable[[FieldSpec], FieldEditor]

# One factory per widget kind; a test checks every kind in WIDGET_KINDS has one.
FACTORIES: dict[str, EditorFactory] = {
    "line": lambda spec: LineEditor(spec, "line"),
    "text_area": TextAreaEditor,
    "integer": lambda spec: LineEditor(spec, "integer"),
    "number": lambda spec: LineEditor(spec, "number"),
    "date": lambda spec: LineEditor(spec, "date"),
    "year_month": lambda spec: LineEditor(spec, "year_month"),
    "year": lambda spec: LineEditor(spec, "year"),
    "date_range": lambda spec: LineEditor(spec, "date_range"),
    "month_range": lambda spec: LineEditor(spec, "month_range"),
    "combo": ComboEditor,
}


def make_editor(spec: FieldSpec) -> FieldEditor:
    """The editor for a field, chosen by its type's widget kind; derived fields are read-only boxes."""
    if spec.derived:
        editor = LineEditor(spec, "line")
        editor.set_read_only(True)
        editor.edit.setPlaceholderText("由程序自动得出")
        return editor
    return FACTORIES[field_type(spec.type).widget](spec)

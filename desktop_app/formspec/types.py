"""Registry of field types: each has a validator, a widget kind and a print formatter.

Adding a type means adding one row here; a contract test checks every type used in forms/ is
registered and every row is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from desktop_app.formspec import validators as v
from desktop_app.formspec.model import FieldSpec

Validator = Callable[[str, FieldSpec, date | None], v.Check]
Formatter = Callable[[object, FieldSpec], str]

# Widget kinds the UI knows how to build (desktop_app/ui maps each to a Qt widget).
WIDGET_KINDS = (
    "line",
    "text_area",
    "integer",
    "number",
    "date",
    "year_month",
    "year",
    "date_range",
    "month_range",
    "combo",
)


@dataclass(frozen=True)
class FieldType:
    """How one field type is checked, edited and printed."""

    name: str
    widget: str
    check: Validator
    format: Formatter


def _plain(value: object, spec: FieldSpec) -> str:
    if value is None:
        return ""
    return str(value)


def _format_date(value: object, spec: FieldSpec) -> str:
    """2019-06-01 → 2019年06月01日, the way official forms write dates."""
    text = _plain(value, spec)
    parts = text.split("-")
    if len(parts) == 3:
        return f"{parts[0]}年{parts[1]}月{parts[2]}日"
    return text


def _format_year_month(value: object, spec: FieldSpec) -> str:
    text = _plain(value, spec)
    parts = text.split("-")
    if len(parts) == 2:
        return f"{parts[0]}年{parts[1]}月"
    return text


def _format_year(value: object, spec: FieldSpec) -> str:
    text = _plain(value, spec)
    return f"{text}年" if text else ""


def _format_range(value: object, spec: FieldSpec) -> str:
    text = _plain(value, spec)
    if not text:
        return ""
    start, end = v.parse_range(text)
    one = _format_date if len(start) == 10 else _format_year_month
    if end == "至今":
        return f"{one(start, spec)}至今"
    return f"{one(start, spec)}至{one(end, spec)}"


def _format_number(value: object, spec: FieldSpec) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_text(raw: str, spec: FieldSpec, today: date | None) -> v.Check:
    return v.check_text(
        raw,
        min_length=spec.min_length,
        max_length=spec.max_length,
        pattern=spec.pattern or None,
        pattern_message=spec.pattern_message,
    )


def _check_year(raw: str, spec: FieldSpec, today: date | None) -> v.Check:
    checked = v.check_year(raw, allow_future=spec.allow_future, today=today)
    if checked.ok and isinstance(checked.value, int):
        if spec.minimum is not None and checked.value < spec.minimum:
            return v.Check(None, f"年份不能早于 {int(spec.minimum)} 年：请核对")
        if spec.maximum is not None and checked.value > spec.maximum:
            return v.Check(None, f"年份不能晚于 {int(spec.maximum)} 年：请核对")
    return checked


def _check_choice(raw: str, spec: FieldSpec, today: date | None) -> v.Check:
    # Dynamic choices are checked against the reference data by the completeness check;
    # fixed choices are checked here.
    text = v.normalise_text(raw)
    if not text:
        return v.Check(None)
    if spec.choices and not spec.choices_editable and text not in spec.choices:
        options = "、".join(spec.choices)
        return v.Check(None, f"“{text}”不是可选项：请从 {options} 中选择")
    if spec.max_length is not None and len(text) > spec.max_length:  # editable choices: a typed name
        return v.check_text(text, max_length=spec.max_length)
    return v.Check(text)


FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("text", "line", _check_text, _plain),
        FieldType("long_text", "text_area", _check_text, _plain),
        FieldType(
            "integer",
            "integer",
            lambda raw, s, t: v.check_integer(
                raw,
                minimum=None if s.minimum is None else int(s.minimum),
                maximum=None if s.maximum is None else int(s.maximum),
            ),
            _format_number,
        ),
        FieldType(
            "number",
            "number",
            lambda raw, s, t: v.check_number(raw, minimum=s.minimum, maximum=s.maximum),
            _format_number,
        ),
        FieldType(
            "date",
            "date",
            lambda raw, s, t: v.check_date(raw, allow_future=s.allow_future, today=t),
            _format_date,
        ),
        FieldType(
            "year_month",
            "year_month",
            lambda raw, s, t: v.check_year_month(raw, allow_future=s.allow_future, today=t),
            _format_year_month,
        ),
        FieldType("year", "year", _check_year, _format_year),
        FieldType(
            "date_range",
            "date_range",
            lambda raw, s, t: v.check_date_range(
                raw, precision="day", allow_open_end=s.allow_open_end, allow_future=s.allow_future, today=t
            ),
            _format_range,
        ),
        FieldType(
            "month_range",
            "month_range",
            lambda raw, s, t: v.check_date_range(
                raw, precision="month", allow_open_end=s.allow_open_end, allow_future=s.allow_future, today=t
            ),
            _format_range,
        ),
        FieldType("choice", "combo", _check_choice, _plain),
        FieldType(
            "person_name", "line", lambda raw, s, t: v.check_person_name(raw, max_length=s.max_length), _plain
        ),
        FieldType("id_number", "line", lambda raw, s, t: v.check_id_number(raw, today=t), _plain),
        FieldType("mobile", "line", lambda raw, s, t: v.check_mobile(raw), _plain),
        FieldType("phone", "line", lambda raw, s, t: v.check_phone(raw), _plain),
        FieldType("email", "line", lambda raw, s, t: v.check_email(raw), _plain),
        FieldType("isbn", "line", lambda raw, s, t: v.check_isbn(raw), _plain),
        FieldType("issn", "line", lambda raw, s, t: v.check_issn(raw), _plain),
        FieldType("cn_serial", "line", lambda raw, s, t: v.check_cn_serial(raw), _plain),
        FieldType("patent_number", "line", lambda raw, s, t: v.check_patent_number(raw), _plain),
    )
}


def field_type(name: str) -> FieldType:
    """The registered type; KeyError when unknown."""
    return FIELD_TYPES[name]


def check_value(spec: FieldSpec, raw: object, today: date | None = None) -> v.Check:
    """Validate a raw value (text from the UI or CLI, or an already stored value) for a field."""
    text = "" if raw is None else str(raw)
    # One clean-text rule before any type's own check (typed, set from the CLI or restored alike).
    text, error = v.clean_text(text, multiline=FIELD_TYPES[spec.type].widget == "text_area")
    if error:
        return v.Check(None, error)
    return FIELD_TYPES[spec.type].check(text, spec, today)


def format_value(spec: FieldSpec, value: object) -> str:
    """The printed form of a stored value."""
    return FIELD_TYPES[spec.type].format(value, spec)

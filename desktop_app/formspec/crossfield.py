"""Cross-field rules declared in forms/*.toml ([[rules]]), evaluated for the one completeness check.

Each rule compares two answers (in the same entry, or across pages) and, when they contradict each other,
gives a finding on one field that names the other (`Finding.other`), with the rule's Chinese message and
the guide clause it comes from. Kinds:

- ``order``: `first` before `second` (dates of any precision, years or numbers; `strict = false` allows equal);
  a `first` in another repeatable section counts its earliest value.
- ``equal``: both answers the same.
- ``same_year``: the date `first` lies in the year `second`.
- ``patent_type``: the patent number `first` has the type digit of the patent type `second`.
- ``after_birth``: every date of every page is after the birth date `first`.
- ``implies``: when `when` holds, `then` must hold (values / not_values / empty / filled / listed_in).
Every kind may carry a `when` condition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.domain import ApplicationData, Entry
from desktop_app.formspec.findings import ERROR, WARNING, FieldRef, Finding
from desktop_app.formspec.model import Condition, Expect, FormSet, RuleSpec, SectionSpec
from desktop_app.formspec.validators import patent_type
from desktop_app.reference import Reference

DATE_TYPES = ("date", "year_month", "year", "date_range", "month_range")
_DATE_TEXT = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


@dataclass(frozen=True)
class _Answer:
    ref: FieldRef
    value: Any


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _shown(value: Any) -> str:
    return "未填写" if _empty(value) else str(value)


def _answers(
    forms: FormSet, app: ApplicationData, home: SectionSpec, entry: Entry | None, name: str
) -> list[_Answer]:
    """The answers a rule's field name points at: one for "key" or a single section, all entries' otherwise."""
    section_key, dot, key = name.partition(".")
    if not dot:
        section_key, key = home.key, name
        spec = home
        rows: Sequence[Entry] = (entry,) if entry is not None else ()
    else:
        spec = forms.section(section_key)
        rows = app.section(section_key).entries if spec.repeatable else app.section(section_key).entries[:1]
        if not rows and not spec.repeatable:
            rows = (Entry(id=0, position=0, answers={}),)
    label = spec.field(key).label
    out = []
    for row in rows:
        number = row.position + 1 if spec.repeatable else None
        ref = FieldRef(spec.key, spec.title, number, row.id or None, key, label)
        out.append(_Answer(ref, row.answers.get(key)))
    return out


def _holds(
    cond: Condition | None, forms: FormSet, app: ApplicationData, home: SectionSpec, entry: Entry | None
) -> bool:
    if cond is None:
        return True
    return any(
        not _empty(a.value) and str(a.value) in cond.values
        for a in _answers(forms, app, home, entry, cond.field)
    )


def _point(value: Any) -> str | float | None:
    """A comparable form: numbers as numbers, dates/years as "YYYY[-MM[-DD]]" (a range by its start)."""
    if isinstance(value, bool) or _empty(value):
        return None
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).partition("~")[0]
    return text if _DATE_TEXT.fullmatch(text) else None


def _before(first: str | float, second: str | float, strict: bool) -> bool | None:
    """Whether first comes before second; None when they cannot be compared (or are equal at different precisions)."""
    if isinstance(first, float) or isinstance(second, float):
        if not (isinstance(first, float) and isinstance(second, float)):
            return None
        return first < second if strict else first <= second
    size = min(len(first), len(second))
    a, b = first[:size], second[:size]
    if a == b and len(first) != len(second):
        return None  # 2010-09 and 2010-09-01: the shorter one does not say which came first
    return a < b if strict else a <= b


def _finding(rule: RuleSpec, at: _Answer, other: _Answer) -> Finding:
    clause = f"（指南{rule.clause}）" if rule.clause else ""
    message = (
        f"{rule.message}{clause}：请核对“{other.ref.location()}”（{_shown(other.value)}）"
        f"与“{at.ref.location()}”（{_shown(at.value)}）"
    )
    return Finding(
        section=at.ref.section,
        section_title=at.ref.section_title,
        entry=at.ref.entry,
        entry_id=at.ref.entry_id,
        field=at.ref.field,
        field_label=at.ref.field_label,
        message=message,
        severity=WARNING if rule.severity == "warning" else ERROR,
        other=other.ref,
    )


def _expect_holds(expect: Expect, value: Any, reference: Reference) -> bool:
    if expect.filled:
        return not _empty(value)
    if expect.empty:
        return _empty(value)
    if _empty(value):
        return True  # a missing answer is the required-field check's business
    text = str(value)
    if expect.values and text not in expect.values:
        return False
    if expect.not_values and text in expect.not_values:
        return False
    if expect.listed_in == "committees":
        return (reference.committee_by_name(text) is not None) == expect.listed
    return True


def _check_rule(
    rule: RuleSpec,
    forms: FormSet,
    app: ApplicationData,
    home: SectionSpec,
    entry: Entry | None,
    reference: Reference,
) -> list[Finding]:
    if not _holds(rule.when, forms, app, home, entry):
        return []
    if rule.kind == "implies":
        assert rule.then is not None and rule.when is not None  # the loader requires both
        cause = next(
            (
                a
                for a in _answers(forms, app, home, entry, rule.when.field)
                if not _empty(a.value) and str(a.value) in rule.when.values
            ),
            None,
        )
        if cause is None:
            return []
        return [
            _finding(rule, a, cause)
            for a in _answers(forms, app, home, entry, rule.then.field)
            if not _expect_holds(rule.then, a.value, reference)
        ]
    firsts = [a for a in _answers(forms, app, home, entry, rule.first) if not _empty(a.value)]
    seconds = [a for a in _answers(forms, app, home, entry, rule.second) if not _empty(a.value)]
    if not firsts or not seconds:
        return []
    out: list[Finding] = []
    if rule.kind == "order":
        points = [(p, a) for a in firsts if (p := _point(a.value)) is not None]
        if not points:
            return []
        earliest_point, earliest = min(points, key=lambda item: (isinstance(item[0], float), item[0]))
        for later in seconds:
            point = _point(later.value)
            if point is not None and _before(earliest_point, point, rule.strict) is False:
                out.append(_finding(rule, later, earliest))
    elif rule.kind == "equal":
        for a in seconds:
            if all(str(a.value).strip() != str(b.value).strip() for b in firsts):
                out.append(_finding(rule, a, firsts[0]))
    elif rule.kind == "same_year":
        for a in firsts:
            if str(a.value)[:4] != str(seconds[0].value)[:4]:
                out.append(_finding(rule, a, seconds[0]))
    elif rule.kind == "patent_type":
        for number in firsts:
            kind = patent_type(str(number.value))
            if kind is not None and kind != str(seconds[0].value):
                out.append(_finding(rule, seconds[0], number))
    return out


def _after_birth(rule: RuleSpec, forms: FormSet, app: ApplicationData, home: SectionSpec) -> list[Finding]:
    own = app.section(home.key).entries[:1]
    births = [
        a for a in _answers(forms, app, home, own[0] if own else None, rule.first) if not _empty(a.value)
    ]
    if not births:
        return []
    birth = births[0]
    born = _point(birth.value)
    if not isinstance(born, str):
        return []
    out: list[Finding] = []
    for section in forms:
        rows = (
            app.section(section.key).entries if section.repeatable else app.section(section.key).entries[:1]
        )
        for row in rows:
            for spec in section.fields:
                if spec.type not in DATE_TYPES or spec.derived:
                    continue
                point = _point(row.answers.get(spec.key))
                if isinstance(point, str) and _before(born, point, strict=False) is False:
                    number = row.position + 1 if section.repeatable else None
                    ref = FieldRef(section.key, section.title, number, row.id or None, spec.key, spec.label)
                    out.append(_finding(rule, _Answer(ref, row.answers.get(spec.key)), birth))
    return out


def cross_field_problems(
    app: ApplicationData, forms: FormSet, reference: Reference, today: date | None = None
) -> list[Finding]:
    """Every contradiction between answers that the forms' rules declare, in menu order."""
    out: list[Finding] = []
    for section in forms:
        data = app.section(section.key)
        for rule in section.rules:
            if rule.kind == "after_birth":
                out.extend(_after_birth(rule, forms, app, section))
                continue
            names = [
                rule.first,
                rule.second,
                rule.when.field if rule.when else "",
                rule.then.field if rule.then else "",
            ]
            per_entry = section.repeatable and any(n and "." not in n for n in names)
            if per_entry:
                if data.not_applicable:
                    continue
                for entry in data.entries:
                    out.extend(_check_rule(rule, forms, app, section, entry, reference))
            else:
                single = data.entries[0] if data.entries and not section.repeatable else None
                out.extend(_check_rule(rule, forms, app, section, single, reference))
    return out

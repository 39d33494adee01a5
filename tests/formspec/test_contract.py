"""Contract: every field type has a validator, a widget kind and a print formatter; keys are unique."""

from __future__ import annotations

from desktop_app.formspec import validators
from desktop_app.formspec.loader import load_forms
from desktop_app.formspec.types import FIELD_TYPES, WIDGET_KINDS, check_value, format_value


def test_every_registered_type_is_complete() -> None:
    for name, kind in FIELD_TYPES.items():
        assert kind.name == name
        assert kind.widget in WIDGET_KINDS, name
        assert callable(kind.check) and callable(kind.format)


def test_every_field_in_forms_uses_a_registered_type_and_round_trips_empty() -> None:
    forms = load_forms()
    for section in forms:
        for spec in section.fields:
            assert spec.type in FIELD_TYPES, f"{section.file}: {spec.key}"
            empty = check_value(spec, "")
            assert isinstance(empty, validators.Check) and empty.ok and empty.value is None
            assert format_value(spec, None) == ""


def test_keys_are_unique_and_snake_case() -> None:
    forms = load_forms()
    assert len(set(forms.keys)) == len(forms.keys) == 15
    for section in forms:
        keys = [f.key for f in section.fields]
        assert len(keys) == len(set(keys)), section.key
        assert all(k == k.lower() and k.isidentifier() for k in keys)


def test_formatters_print_dates_the_official_way() -> None:
    forms = load_forms()
    education = forms.section("education")
    assert format_value(education.field("graduated_on"), "2004-07-01") == "2004年07月01日"
    work = forms.section("work_history")
    assert format_value(work.field("period"), "2012-01~至今") == "2012年01月至今"
    assert format_value(work.field("period"), "2004-07~2011-12") == "2004年07月至2011年12月"


def test_year_fields_honour_their_bounds() -> None:
    cover = load_forms().section("cover")
    assert check_value(cover.field("year"), "2026").value == 2026
    low = check_value(cover.field("year"), "1999")
    assert not low.ok and "2000" in low.error

"""Issue 13: one clean-text rule for every field (typed, set from the CLI or restored) and person names."""

from __future__ import annotations

import unicodedata

import pytest

from desktop_app.formspec import validators as v
from desktop_app.formspec.loader import load_forms
from desktop_app.formspec.types import check_value

FORMS = load_forms()
ETHNICITY = FORMS.section("basic").field("ethnicity")
NAME = FORMS.section("basic").field("name")
SUMMARY = next(f for s in FORMS for f in s.fields if f.type == "long_text" and not f.min_length)


@pytest.mark.parametrize(
    ("char", "why"),
    [
        ("\x1b", "控制字符"),
        ("\x00", "空字符"),
        ("\x07", "控制字符"),
        ("\u0085", "控制字符"),
        ("\u009b", "控制字符"),
        ("\u202e", "文字方向"),
        ("\u2066", "文字方向"),
        ("\uffff", "非字符"),
        ("\ufdd0", "非字符"),
        ("\U0010fffe", "非字符"),
        ("\ue000", "私用区"),
        ("\U000f0001", "私用区"),
        ("\udce6", "编码有误"),
    ],
)
def test_forbidden_characters_are_refused_with_their_position(char: str, why: str) -> None:
    checked = check_value(ETHNICITY, f"汉{char}族")
    assert not checked.ok and checked.value is None
    assert "第2个字符" in checked.error and why in checked.error and f"U+{ord(char):04X}" in checked.error


def test_every_field_type_refuses_an_escape_sequence() -> None:
    for section in FORMS:
        for spec in section.fields:
            checked = check_value(spec, "\x1b[2J2020")
            assert not checked.ok, (section.key, spec.key)
            assert "第1个字符是控制字符" in checked.error


def test_newline_only_in_multi_line_fields() -> None:
    assert "换行" in check_value(ETHNICITY, "汉\n族").error
    assert check_value(SUMMARY, "第一段\r\n第二段").value == "第一段\n第二段"


def test_text_is_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë")
    value = check_value(FORMS.section("basic").field("department"), decomposed).value
    assert value == "Zoë" and len(str(value)) == 3


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "䶮Smith", "John Smith", "𠮷野家"])
def test_names_of_chinese_characters_latin_letters_and_dots_are_accepted(name: str) -> None:
    assert check_value(NAME, name).value == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("䶮Smith2", "第7个字符是数字"),
        ("张三３", "数字"),
        ("张_三", "只能包含汉字、英文字母和间隔号"),
        ("·张三", "间隔号"),
        ("张" * 31, "最多30个字"),
    ],
)
def test_names_with_digits_or_other_characters_are_refused(name: str, message: str) -> None:
    checked = check_value(NAME, name)
    assert not checked.ok and message in checked.error


def test_clean_text_returns_the_text_when_nothing_is_wrong() -> None:
    assert v.clean_text("ABC（有限公司）") == ("ABC（有限公司）", "")

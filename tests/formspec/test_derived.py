"""Sex and birth date follow the ID number by one rule, shared by the window and the save (issue 11)."""

from __future__ import annotations

from datetime import date

from desktop_app.formspec.derived import derived_values
from desktop_app.formspec.loader import load_forms
from desktop_app.formspec.validators import id_check_char

TODAY = date(2026, 3, 1)


def _id(body: str) -> str:
    return body + id_check_char(body)


def test_an_id_number_gives_the_birth_date_and_sex_the_basic_page_shows() -> None:
    basic = load_forms().section("basic")
    man = derived_values(basic, basic.field("id_number"), _id("53010219900101001"), TODAY)
    woman = derived_values(basic, basic.field("id_number"), _id("53010219850315002"), TODAY)
    assert man == {"sex": "男", "birth_date": "1990-01-01"}
    assert woman == {"sex": "女", "birth_date": "1985-03-15"}


def test_clearing_the_id_number_clears_what_it_gave() -> None:
    basic = load_forms().section("basic")
    assert derived_values(basic, basic.field("id_number"), None, TODAY) == {"sex": None, "birth_date": None}


def test_other_fields_derive_nothing() -> None:
    basic = load_forms().section("basic")
    assert derived_values(basic, basic.field("name"), "王晓丽", TODAY) == {}

"""Optional OCR content check: the comparison always; real recognition only where the extra is installed."""

from __future__ import annotations

import pytest

from desktop_app.formspec.loader import load_forms
from desktop_app.scans.ocr import compare, kind_in_text

FORMS = load_forms()
EDUCATION = FORMS.section("education")
OTHERS = [(s.title, k) for s in FORMS if s.key != "education" for k in s.attachments]


def test_page_naming_another_kind_contradicts_the_name() -> None:
    text = "学士学位证书\n李明远，男，1982年4月16日生。\n授予工学学士学位。"
    check = compare("02-1_学历情况_本科毕业证书（昆明理工大学）.jpg", text, EDUCATION.attachments, OTHERS)
    assert check.text_kind == "degree_certificate"
    assert "毕业证书" in check.warning and "学位证书" in check.warning


def test_matching_page_and_unreadable_page_give_no_warning() -> None:
    diploma = "毕业证书\n学生李明远于2000年9月至2004年7月在本校学习，准予毕业。"
    assert compare("本科毕业证书.jpg", diploma, EDUCATION.attachments, OTHERS).warning == ""
    assert compare("本科毕业证书.jpg", "", EDUCATION.attachments, OTHERS).warning == ""


def test_kind_is_suggested_from_the_text_even_from_another_section() -> None:
    assert kind_in_text("荣 誉 证 书\n某某同志荣获……", [k for _t, k in OTHERS]).key == "award_certificate"


@pytest.mark.slow
def test_real_ocr_reads_a_rendered_certificate() -> None:
    pytest.importorskip(
        "rapidocr", reason="OCR is an optional extra (pip install .[ocr]); not installed here"
    )
    from desktop_app.scans.ocr import read_text
    from desktop_app.scans.samples import render_certificate

    page = render_certificate("学士学位证书", ["授予工学学士学位。"], issuer="昆明理工大学")
    check = compare("本科毕业证书.jpg", read_text(page), EDUCATION.attachments, OTHERS)
    assert check.text_kind == "degree_certificate" and check.warning

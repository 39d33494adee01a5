"""Issue 13 on the cover page: the 二、10（1）chain explained in the guide's words, the publicity's end date."""

from __future__ import annotations

from tests.ui.conftest import type_text
from tests.ui.test_wizard import _choose


def test_dispatched_to_a_public_institution_shows_the_non_public_chain(window, services, qtbot, demo_app):
    wizard = window.open_application(demo_app)
    page = wizard.show_page("cover")
    editors = page.form.editors
    _choose(editors["unit_type"].combo, "市属国有企事业单位")
    assert page.chain.tier_names() == ["单位", "主管部门"]
    _choose(editors["dispatched"].combo, "是")
    _choose(editors["employer_nature"].combo, "事业单位")
    assert page.chain.tier_names() == ["劳务派遣公司", "用人单位", "属地县（市）区人力资源社会保障部门"]
    text = page.chain.message.text()
    assert "以派遣单位作为其工作单位进行申报评审" in text and "非公有制经济组织和社会组织申报人员" in text
    _choose(editors["employer_nature"].combo, "国有企业")
    assert page.chain.tier_names() == ["劳务派遣公司", "用人单位", "主管部门"]


def test_publicity_end_date_beside_the_start_marked_provisional_when_computed(
    window, services, qtbot, demo_app
):
    wizard = window.open_application(demo_app)
    page = wizard.show_page("cover")
    editor = page.form.editors["publicity_start"]
    editor.set_text("")
    type_text(qtbot, editor.widget, "2026-09-30")
    # 2026 is in the holiday package: 9-30 (1), 10-1 … 10-8 off (国庆 and 中秋), 10-9 … 10-12 …
    assert page.publicity_end.text().startswith("结束日期：2026年10月")
    assert "暂定" not in page.publicity_end.text()
    editor.set_text("")
    type_text(qtbot, editor.widget, "2027-09-27")
    assert page.publicity_end.text() == "结束日期：2027年10月8日（共 5 个工作日）（暂定）"
    assert "国务院办公厅尚未公布" in page.publicity_end.toolTip()

"""Issue 15: the page says what is missing where the person is: 必填 marks, messages under fields, menu marks."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import type_text
from tests.ui.test_wizard import _choose


def test_next_with_an_empty_required_field_shows_its_message_on_the_page(window, services, qtbot):
    app_id = services.new_application("孙七", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    type_text(qtbot, form.editors["ethnicity"].widget, "汉族")
    assert form.messages["profession"].isHidden()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    # Still on 基本信息, and the empty 现从事专业 says so under itself.
    assert wizard.current == "basic"
    assert form.messages["profession"].isVisible()
    assert form.messages["profession"].text() == "必填项，尚未填写"
    assert form.messages["ethnicity"].isHidden()
    assert "必填内容未填写" in wizard.nav_message.text()
    # Typing the answer takes the message away; a second 下一步 goes on even with other fields open.
    type_text(qtbot, form.editors["profession"].widget, "道路桥梁工程")
    assert form.messages["profession"].isHidden()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current == "cover"
    assert wizard.nav_message.text() == ""


def test_leaving_a_page_by_the_menu_marks_its_empty_required_fields(window, services, qtbot):
    app_id = services.new_application("孙八", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    type_text(qtbot, form.editors["ethnicity"].widget, "汉族")
    wizard.menu.setCurrentItem(wizard.menu.topLevelItem(3))
    assert wizard.current == "education"
    wizard.menu.setCurrentItem(wizard.menu.topLevelItem(0))
    assert form.messages["mobile"].text() == "必填项，尚未填写"
    assert form.messages["email"].isHidden()


def test_unit_type_makes_supervisor_required_and_hides_what_does_not_apply(window, services, qtbot):
    app_id = services.new_application("孙九", 2026)
    wizard = window.open_application(app_id)
    page = wizard.show_page("cover")
    form = page.form
    assert form.labels["supervisor"].isHidden() and form.labels["district"].isHidden()
    _choose(form.editors["unit_type"].combo, "县区国有企事业单位")
    assert form.labels["supervisor"].isVisible() and form.labels["supervisor"].text() == "主管部门（必填）"
    assert form.labels["district"].text() == "所在县（市）区（必填）"
    _choose(form.editors["unit_type"].combo, "非公有制经济组织和社会组织")
    assert form.labels["supervisor"].isHidden() and form.editors["supervisor"].widget.isHidden()
    assert form.labels["district"].isVisible()
    # The dispatched company appears only for 劳务派遣.
    assert form.labels["dispatch_company"].isHidden()
    _choose(form.editors["dispatched"].combo, "是")
    assert form.labels["dispatch_company"].text() == "劳务派遣公司（必填）"


def test_freelance_start_is_hidden_after_no_and_degree_number_says_required(window, services, qtbot):
    app_id = services.new_application("孙十", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    _choose(form.editors["is_freelancer"].combo, "是")
    assert form.labels["freelance_started_on"].isVisible()
    assert form.labels["freelance_started_on"].text().endswith("（必填）")
    _choose(form.editors["is_freelancer"].combo, "否")
    assert form.editors["freelance_started_on"].widget.isHidden()
    page = wizard.show_page("education")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.editor
    _choose(dialog.form.editors["degree"].combo, "学士")
    assert dialog.form.labels["degree_number"].text() == "学位证书编号（必填）"
    _choose(dialog.form.editors["education_level"].combo, "大学本科")
    assert dialog.form.labels["diploma_number"].text() == "毕业证书编号（必填）"
    _choose(dialog.form.editors["degree"].combo, "无")
    assert dialog.form.labels["degree_number"].isHidden()


def test_menu_marks_in_progress_then_problem_only_for_a_wrong_value(window, services, qtbot):
    app_id = services.new_application("孙十一", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    assert wizard.menu.topLevelItem(0).text(1) == "未填"
    type_text(qtbot, form.editors["ethnicity"].widget, "汉族")
    qtbot.waitUntil(lambda: wizard.menu.topLevelItem(0).text(1) == "填写中", timeout=2000)
    type_text(qtbot, form.editors["mobile"].widget, "1381234")
    wizard.flush()
    qtbot.waitUntil(lambda: wizard.menu.topLevelItem(0).text(1) == "有问题", timeout=2000)


def test_page_notices_name_each_missing_scan(window, services, qtbot):
    app_id = services.new_application("孙十二", 2026)
    wizard = window.open_application(app_id)
    notice = wizard.pages["basic"].header.notice.text()
    assert "身份证人像面：尚未上传扫描件" in notice and "身份证国徽面：尚未上传扫描件" in notice
    cover = wizard.show_page("cover")
    assert "职称申报承诺书：尚未上传扫描件" in cover.header.notice.text()

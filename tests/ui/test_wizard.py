"""Drive the real widgets: start screen, 基本信息 by keyboard, entries, cover cascade and chain, review links."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.formspec.types import WIDGET_KINDS
from desktop_app.ui.fields import FACTORIES
from desktop_app.ui.session import Session
from tests.ui.conftest import type_text

ID_NUMBER = "53010219800101001X"


def _valid_id() -> str:
    from desktop_app.formspec.validators import id_check_char

    body = "53010219850315002"
    return body + id_check_char(body)


def _flush(window) -> None:
    window.wizard.flush()


def test_every_widget_kind_has_a_factory():
    assert set(FACTORIES) == set(WIDGET_KINDS)


def test_new_application_from_start_screen_then_basic_info_by_keyboard(window, services, qtbot):
    start = window.start
    qtbot.mouseClick(start.welcome_new_button, Qt.MouseButton.LeftButton)
    dialog = start.dialog
    type_text(qtbot, dialog.name, "王晓丽")
    dialog.year.setValue(2026)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard is not None and wizard.current == "basic"
    app_id = wizard.session.app_id
    page = wizard.pages["basic"]
    form = page.form
    id_number = _valid_id()
    type_text(qtbot, form.editors["id_number"].widget, id_number)
    # Birth date and sex appear read-only as soon as the number is valid.
    assert form.editors["birth_date"].text() == "1985-03-15"
    assert form.editors["sex"].text() == "女"
    type_text(qtbot, form.editors["mobile"].widget, "1381234")
    assert "手机" in form.messages["mobile"].text() or form.messages["mobile"].text()
    type_text(qtbot, form.editors["mobile"].widget, "5678")
    assert form.messages["mobile"].isHidden()
    type_text(qtbot, form.editors["unit"].widget, "昆工")
    assert "简称" in form.messages["unit"].text()
    # Saved within a second without any Save button.
    qtbot.waitUntil(lambda: services.get_answer(app_id, "basic.unit") == "昆工", timeout=1000)
    assert services.get_answer(app_id, "basic.id_number") == id_number
    assert services.get_answer(app_id, "basic.mobile") == "13812345678"
    assert services.get_answer(app_id, "basic.sex") == "女"
    assert services.get_answer(app_id, "basic.name") == "王晓丽"


def test_eligibility_warning_appears_on_basic_page(window, services, qtbot):
    app_id = services.new_application("蒋十四", 2026)
    wizard = window.open_application(app_id)
    page = wizard.pages["basic"]
    assert "公务员" not in page.header.notice.text()
    _choose(page.form.editors["is_civil_servant"].combo, "是")
    qtbot.waitUntil(lambda: "公务员" in page.header.notice.text(), timeout=2000)
    assert page.header.notice.isVisible()
    assert wizard.menu.topLevelItem(0).text(1) == "有问题"


def test_continuous_typing_is_saved_while_typing_goes_on(window, services, qtbot):
    app_id = services.new_application("曹十六", 2026)
    wizard = window.open_application(app_id)
    edit = wizard.pages["basic"].form.editors["department"].widget
    edit.setFocus()
    stored_while_typing = set()
    # One keystroke every 100 ms for two seconds: a debounce that restarts on each key would store nothing.
    for char in "abcdefghijklmnopqrst":
        qtbot.keyClicks(edit, char)
        qtbot.wait(100)
        stored_while_typing.add(services.get_answer(app_id, "basic.department"))
    stored_while_typing.discard(None)
    assert len(stored_while_typing) >= 2
    qtbot.waitUntil(
        lambda: services.get_answer(app_id, "basic.department") == "abcdefghijklmnopqrst", timeout=1000
    )


def test_invalid_text_is_kept_as_draft_and_restored(window, services, qtbot):
    app_id = services.new_application("赵一", 2026)
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    type_text(qtbot, form.editors["id_number"].widget, "5301021985")
    _flush(window)
    assert services.get_answer(app_id, "basic.id_number") is None
    assert form.messages["id_number"].isVisible()
    window.show_start()
    wizard = window.open_application(app_id)
    form = wizard.pages["basic"].form
    assert form.editors["id_number"].text() == "5301021985"
    assert form.messages["id_number"].text()


def test_entries_add_edit_delete_reorder(window, services, qtbot):
    app_id = services.new_application("钱二", 2026)
    wizard = window.open_application(app_id)
    page = wizard.show_page("papers")
    titles = [
        "基于深度学习的桥梁裂缝检测方法研究",
        "高原地区混凝土耐久性试验分析",
        "城市综合管廊施工技术探讨",
    ]
    for title in titles:
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        dialog = page.editor
        type_text(qtbot, dialog.form.editors["title"].widget, title)
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
        # 完成 first points out the empty required fields under them; pressed again it closes.
        assert dialog.isVisible() and dialog.form.messages["journal"].text() == "必填项，尚未填写"
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
    stored = [row["title"] for row in services.export_answers(app_id)["papers"]]
    assert stored == titles
    assert page.table.rowCount() == 3
    # Edit the second entry with Enter in the table.
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.editor
    assert dialog is not None and dialog.entry_id == page.entry_ids[1]
    editor = dialog.form.editors["journal"].widget
    type_text(qtbot, editor, "混凝土")
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert services.get_answer(app_id, "papers[2].journal") == "混凝土"
    # Move the third up to the top.
    page.table.selectRow(2)
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    stored = [row["title"] for row in services.export_answers(app_id)["papers"]]
    assert stored == [titles[2], titles[0], titles[1]]
    # Delete asks first; refusing keeps the entry.
    page.confirm = lambda text: False
    page.table.selectRow(0)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert len(services.export_answers(app_id)["papers"]) == 3
    page.confirm = lambda text: True
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    stored = [row["title"] for row in services.export_answers(app_id)["papers"]]
    assert stored == [titles[0], titles[1]]


def test_not_applicable_marks_section_and_menu(window, services, qtbot):
    app_id = services.new_application("孙三", 2026)
    wizard = window.open_application(app_id)
    page = wizard.show_page("patents")
    assert page.not_applicable.isVisible()
    page.not_applicable.setFocus()
    qtbot.keyClick(page.not_applicable, Qt.Key.Key_Space)
    assert services.load(app_id).section("patents").not_applicable
    qtbot.waitUntil(lambda: wizard.statuses.get("patents") == "无此项", timeout=1000)
    assert wizard.menu.topLevelItem(wizard.keys.index("patents")).text(1) == "无此项"
    assert all(f.section != "patents" for f in services.check(app_id).errors)
    # Sections that must be filled offer no 无此项.
    assert not wizard.show_page("education").not_applicable.isVisible()


def _choose(combo, text):
    index = combo.findText(text)
    if index < 0:
        index = combo.findData(text)  # a choice shown in other words (工程技术人员 as 工程系列)
    assert index >= 0, f"{text} not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def test_cover_cascade_and_approval_chain(window, services, qtbot):
    app_id = services.new_application("周四", 2026)
    wizard = window.open_application(app_id)
    page = wizard.show_page("cover")
    editors = page.form.editors
    assert editors["track"].combo.count() == 0
    _choose(editors["series"].combo, "卫生技术人员")
    tracks = [editors["track"].combo.itemText(i) for i in range(editors["track"].combo.count())]
    assert tracks and "护理" in "".join(tracks)
    _choose(editors["track"].combo, next(t for t in tracks if "护理" in t))
    _choose(editors["tier"].combo, "中级")
    titles = [editors["title_name"].combo.itemText(i) for i in range(editors["title_name"].combo.count())]
    assert titles == ["主管护师"]
    _choose(editors["title_name"].combo, "主管护师")
    _choose(editors["committee_level"].combo, "市级")
    _choose(editors["unit_type"].combo, "市属国有企事业单位")
    _choose(editors["dispatched"].combo, "否")
    assert page.chain.tier_names() == ["单位", "主管部门"]
    _choose(editors["unit_type"].combo, "县区国有企事业单位")
    assert page.chain.tier_names() == ["单位", "主管部门", "县（市）区人力资源社会保障部门"]
    _choose(editors["committee_level"].combo, "省级")
    assert page.chain.tier_names()[-1] == "市人力资源和社会保障局"
    _choose(editors["dispatched"].combo, "是")
    assert page.chain.tier_names()[:2] == ["劳务派遣公司", "用人单位"]
    _flush(window)
    cover = services.export_answers(app_id)["cover"]
    assert cover["series"] == "卫生技术人员" and cover["title_name"] == "主管护师"
    assert cover["unit_type"] == "县区国有企事业单位" and cover["committee_level"] == "省级"
    # Choosing the title first fills in its tier.
    editors["title_name"].combo.setCurrentIndex(-1)
    editors["tier"].combo.setCurrentIndex(-1)
    assert editors["tier"].text() == ""
    _choose(editors["title_name"].combo, "副主任护师")
    assert editors["tier"].text() == "副高"
    _flush(window)
    assert services.get_answer(app_id, "cover.tier") == "副高"
    # Changing the series clears the choices that no longer fit, and the cleared values are stored.
    _choose(editors["series"].combo, "工程技术人员")
    assert editors["title_name"].text() == ""
    _flush(window)
    assert services.get_answer(app_id, "cover.title_name") is None


def test_committee_shows_phone_and_review_month(window, services, qtbot, demo_app):
    wizard = window.open_application(demo_app)
    page = wizard.show_page("cover")
    committee = services.get_answer(demo_app, "cover.committee")
    info = services.reference.committee_by_name(committee)
    assert info.phone in page.committee_info.text()
    plan = services.reference.plan_for(committee)
    if plan is not None:
        assert plan.month_text in page.committee_info.text()
    combo = page.form.editors["committee"].combo
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert committee in offered
    # Every offered committee shows its phone when pointed at.
    tip = combo.itemData(offered.index(committee), Qt.ItemDataRole.ToolTipRole)
    assert info.phone in tip
    assert len(offered) < len(services.reference.committees)


def test_review_link_opens_entry_and_focuses_field(window, services, qtbot, demo_app):
    services.set_answer(demo_app, "papers[2].journal", "")
    wizard = window.open_application(demo_app)
    review = wizard.show_page("review")
    before = len(services.check(demo_app).errors)
    assert review.summary.text() == f"还有 {before} 项需要完善"
    finding, link = next((f, b) for f, b in review.links if f.section == "papers" and f.field == "journal")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert wizard.current == "papers"
    dialog = wizard.pages["papers"].editor
    assert dialog is not None and dialog.entry_id == finding.entry_id
    editor = dialog.form.editors["journal"].widget
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor, timeout=1000)
    type_text(qtbot, editor, "中国公路学报")
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    review = wizard.show_page("review")
    assert services.get_answer(demo_app, "papers[2].journal") == "中国公路学报"
    after = len(services.check(demo_app).errors)
    assert after == before - 1
    assert review.summary.text() == (
        f"还有 {after} 项需要完善" if after else "材料已齐全，可以到网上申报系统提交"
    )


def test_review_link_to_single_page_field(window, services, qtbot, demo_app):
    services.set_answer(demo_app, "basic.mobile", "")
    wizard = window.open_application(demo_app)
    review = wizard.show_page("review")
    _finding, link = next((f, b) for f, b in review.links if f.field == "mobile")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    editor = wizard.pages["basic"].form.editors["mobile"].widget
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor, timeout=1000)


def test_reopen_restores_page_and_committed_values(window, services, qtbot):
    app_id = services.new_application("吴五", 2026)
    wizard = window.open_application(app_id)
    page = wizard.show_page("work_summary")
    # The summary needs at least 200 characters (forms/07_work_summary.toml).
    text = "十年来主持完成县域供水管网改造工程设计，" * 12
    type_text(qtbot, page.form.editors["summary"].widget, text)
    qtbot.waitUntil(lambda: services.get_answer(app_id, "work_summary.summary") == text, timeout=1000)
    # Simulated crash: the window goes away without closeEvent or flush; a new one opens on the same data.
    window.wizard = None
    from desktop_app.services import Services
    from desktop_app.ui.main_window import MainWindow

    again = Services(home=services.home, today=services.today)
    try:
        win2 = MainWindow(again)
        qtbot.addWidget(win2)
        wizard2 = win2.open_application(app_id)
        assert wizard2.current == "work_summary"
        assert wizard2.pages["work_summary"].form.editors["summary"].text() == text
    finally:
        again.close()


def test_next_and_back_walk_the_menu_order(window, services, qtbot):
    app_id = services.new_application("郑六", 2026)
    wizard = window.open_application(app_id)
    seen = [wizard.current]
    while wizard.next_button.isEnabled():
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        if wizard.current == seen[-1]:
            # 下一步 stayed to point out the empty required fields; a second press goes on.
            assert "必填内容未填写" in wizard.nav_message.text()
            qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        seen.append(wizard.current)
    assert seen == [*services.forms.keys, "review"]
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.current == "annual_review"
    # The five years before the declaration year are listed for the person.
    years = [row["year"] for row in services.export_answers(app_id)["annual_review"]]
    assert years == [2021, 2022, 2023, 2024, 2025]


def test_enter_on_start_screen_opens_the_application(window, services, qtbot):
    app_id = services.new_application("许十五", 2026)
    window.start.load()
    window.start.table.setFocus()
    qtbot.keyClick(window.start.table, Qt.Key.Key_Return)
    assert window.wizard is not None and window.wizard.session.app_id == app_id


def test_delete_application_asks_first(window, services, qtbot):
    services.new_application("冯七", 2026)
    window.start.load()
    window.start.confirm = lambda text: False
    qtbot.mouseClick(window.start.delete_button, Qt.MouseButton.LeftButton)
    assert len(services.list_applications()) == 1
    window.start.confirm = lambda text: True
    qtbot.mouseClick(window.start.delete_button, Qt.MouseButton.LeftButton)
    assert services.list_applications() == []


def test_carry_forward_from_start_screen(window, services, qtbot, demo_app):
    window.start.load()
    dialog = window.start.ask_carry()
    assert dialog.year.value() == 2027
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    wizard = window.wizard
    new_id = wizard.session.app_id
    assert new_id != demo_app
    assert services.get_answer(new_id, "cover.year") == 2027
    assert services.get_answer(new_id, "basic.id_number") == services.get_answer(demo_app, "basic.id_number")


def test_carried_entry_can_be_marked_as_checked(window, services, qtbot, demo_app):
    from desktop_app.usecases.wizard import carry_forward

    new_id = carry_forward(services, demo_app, 2027)
    wizard = window.open_application(new_id)
    page = wizard.show_page("education")
    assert "从 2026 年带入，请核对" in page.table.item(0, page.table.columnCount() - 1).text()
    page.table.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.editor
    assert dialog.note.isVisible()
    qtbot.mouseClick(dialog.reviewed_button, Qt.MouseButton.LeftButton)
    assert services.load(new_id).section("education").entries[0].review_note == ""
    basic = wizard.show_page("basic")
    assert basic.reviewed_button.isVisible()
    qtbot.mouseClick(basic.reviewed_button, Qt.MouseButton.LeftButton)
    assert services.load(new_id).section("basic").entries[0].review_note == ""


def test_session_draft_keys_are_per_entry(services):
    app_id = services.new_application("陈八", 2026)
    session = Session(services, app_id)
    session.set_draft("papers", 5, "issn", "12")
    assert session.drafts_for("papers", 5) == {"issn": "12"}
    assert session.drafts_for("papers", 6) == {}

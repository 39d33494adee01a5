"""Issue 15: a start that explains, edition honesty, and the small fixes seen by a new applicant."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.scans.samples import render_certificate, to_jpeg
from tests.ui.test_wizard import _choose


def test_empty_start_screen_explains_and_offers_new_and_the_demo(window, services, qtbot):
    start = window.start
    assert start.welcome.isVisible() and not start.table.isVisible()
    assert "不需要联网" in start.what.text() and "生成按审核顺序排好的打印材料" in start.what.text()
    assert start.welcome_new_button.text() == "新建" and start.demo_button.text() == "看看示例"
    qtbot.mouseClick(start.demo_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard is not None
    app = services.load(wizard.session.app_id)
    assert app.person_name == "李明远" and services.check(app.id).is_ready
    window.show_start()
    assert start.table.isVisible() and not start.welcome.isVisible() and start.table.rowCount() == 1


def test_start_and_cover_say_which_edition_and_what_to_check_for_a_later_year(window, services, qtbot):
    edition = services.reference.edition
    start = window.start
    assert f"{edition} 年版" in start.edition.text()
    later = edition + 4
    app_id = services.new_application("钱多多", later)
    start.load()
    assert f"{later} 年度申报请以" in start.edition.text() and "导入新版名录" in start.edition.text()
    cover = window.open_application(app_id).show_page("cover")
    assert f"{edition} 年版" in cover.edition.text() and f"{later} 年度申报请以" in cover.edition.text()
    same = services.new_application("钱少少", edition)
    cover = window.open_application(same).show_page("cover")
    assert "申报请以" not in cover.edition.text()


def test_series_as_the_guide_writes_it_and_the_single_track_is_skipped(window, services, qtbot):
    app_id = services.new_application("吴九", 2026)
    wizard = window.open_application(app_id)
    cover = wizard.show_page("cover")
    series = cover.form.editors["series"].combo
    shown = [series.itemText(i) for i in range(series.count())]
    assert "工程系列" in shown and "工程技术人员" not in shown
    _choose(series, "工程技术人员")
    # Stored as the guide's table names it; 专业（子系列） has one choice: filled in and not asked.
    assert cover.form.editors["series"].text() == "工程技术人员"
    assert cover.form.labels["track"].isHidden() and cover.form.editors["track"].text() == "工程技术人员"
    wizard.flush()
    assert services.get_answer(app_id, "cover.series") == "工程技术人员"
    assert services.get_answer(app_id, "cover.track") == "工程技术人员"
    _choose(series, "卫生技术人员")
    assert cover.form.labels["track"].isVisible()
    declare = cover.form.editors["declare_type"].combo
    choices = [declare.itemText(i) for i in range(declare.count())]
    assert choices[0] == "工程技术" and "工程系列" not in choices and "工程技术人员" not in choices
    assert len(choices) == len(set(choices))


def test_one_click_naming_asks_what_a_camera_photo_is(qtbot, services, tmp_path):
    from desktop_app.ui import worker
    from desktop_app.ui.scans_widget import AttachmentsWidget

    worker.set_synchronous(True)
    try:
        app_id = services.new_application("郑十", 2026)
        entry_id = services.set_entry(
            app_id, "education", None, {"school": "云南大学", "education_level": "大学本科"}
        )
        widget = AttachmentsWidget(services, app_id, "education", entry_id)
        qtbot.addWidget(widget)
        photo = tmp_path / "IMG_20230512_101010.jpg"
        photo.write_bytes(to_jpeg(render_certificate("证书", ["x"], size=(500, 350))))
        widget.add_files([photo])
        asked: list[tuple[str, list[str]]] = []
        widget.ask_material = lambda name, labels: asked.append((name, labels)) or None
        widget.apply_names()
        # Cancelled: nothing renamed to “…_材料”.
        assert asked and asked[0][0] == "IMG_20230512_101010.jpg" and "毕业证书" in asked[0][1]
        assert [a.display_name for a in services.load(app_id).attachments] == ["IMG_20230512_101010.jpg"]
        widget.ask_material = lambda name, labels: "毕业证书"
        widget.apply_names()
        assert [a.display_name for a in services.load(app_id).attachments] == [
            "02-1_学历情况_本科毕业证书（云南大学）.jpg"
        ]
    finally:
        worker.set_synchronous(False)


def test_new_entry_hint_goes_once_scans_can_be_added(window, services, qtbot):
    from tests.ui.conftest import type_text

    app_id = services.new_application("王十一", 2026)
    page = window.open_application(app_id).show_page("education")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.editor
    scans = dialog.attachments
    assert scans.status.text() == "请先填写本条内容，再添加扫描件。" and not scans.add_button.isEnabled()
    type_text(qtbot, dialog.form.editors["school"].widget, "云南大学")
    dialog.saver.flush()
    assert scans.add_button.isEnabled() and scans.status.text() == ""


def test_backup_from_the_start_screen_explains_the_grey_button(window, services, qtbot):
    from desktop_app.ui.backup_page import BackupDialog

    dialog = BackupDialog(services, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.backup_button.isEnabled()
    assert dialog.no_app_hint.isVisible() and "打开要备份的申报" in dialog.no_app_hint.text()
    app_id = services.new_application("赵十二", 2026)
    other = BackupDialog(services, app_id, window)
    qtbot.addWidget(other)
    other.show()
    assert other.backup_button.isEnabled() and not other.no_app_hint.isVisible()


def test_help_text_names_the_buttons_as_they_are():
    text = (Path(__file__).resolve().parents[2] / "resources" / "help" / "使用说明.md").read_text(
        encoding="utf-8"
    )
    assert "点“新建申报”" not in text and "点“新建”" in text and "看看示例" in text

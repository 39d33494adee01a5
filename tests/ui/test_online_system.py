"""Issue 15: the end that leads on — review page steps, latest packet after a restart, 填报助手, 申报记录."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.usecases.copy_sheet import ticks
from desktop_app.usecases.submissions import SubmissionRound, chances_left, load_rounds, save_rounds


def _open_review(window, app_id):
    wizard = window.open_application(app_id)
    return wizard, wizard.show_page("review")


def test_ready_review_names_the_online_system_and_its_rules(window, services, demo_app):
    _wizard, review = _open_review(window, demo_app)
    assert review.summary.text().startswith("材料已齐全，可以到网上申报系统提交")
    steps = review.steps.text.text()
    # Quoted from the guide: address, menu path, the 4 chances, the three rounds, the chain of this application.
    assert "http://rsj.km.gov.cn" in steps and "在线服务-网上服务大厅-人事人才" in steps
    assert "返回修改和重置流程的机会总共为4次" in steps
    assert "3次提出审核意见仍然存在问题的" in steps and "本年度不再受理" in steps
    assert "单位 → 主管部门 → 县（市）区人力资源社会保障部门" in steps
    assert "本程序不会替您提交" in steps


def test_not_ready_review_does_not_say_submit(window, services, demo_app):
    services.set_answer(demo_app, "papers[2].journal", "")
    _wizard, review = _open_review(window, demo_app)
    assert "还有" in review.summary.text() and "网上申报系统提交" not in review.summary.text()


def test_latest_packet_is_offered_after_a_restart(window, services, demo_app, qtbot, monkeypatch):
    from desktop_app.usecases.packet import default_packet_path, make_packet

    _wizard, review = _open_review(window, demo_app)
    assert not review.latest.open_button.isEnabled() and "还没有生成" in review.latest.where.text()
    path = make_packet(services, demo_app, default_packet_path(services, demo_app)).path
    # A new window over the same data folder, as after restarting the app.
    window.close()
    from desktop_app.ui.main_window import MainWindow

    again = MainWindow(services)
    qtbot.addWidget(again)
    again.show()
    review = again.open_application(demo_app).show_page("review")
    latest = review.latest
    assert latest.open_button.isEnabled() and latest.print_button.isEnabled()
    assert str(path) in latest.where.text()
    opened: list[str] = []
    monkeypatch.setattr(
        "desktop_app.ui.submit_widgets.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    qtbot.mouseClick(latest.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(Path(path).parent)]
    qtbot.mouseClick(latest.open_button, Qt.MouseButton.LeftButton)
    assert latest.preview is not None and latest.preview.document.pageCount() > 10
    latest.preview.close()
    # The file was moved away: the buttons go grey and the line says so.
    Path(path).rename(Path(path).with_suffix(".moved"))
    latest.refresh()
    assert not latest.open_button.isEnabled() and "已不在原来的位置" in latest.where.text()


def test_fill_helper_walks_sections_copies_and_remembers_ticks(window, services, demo_app, qtbot):
    _wizard, review = _open_review(window, demo_app)
    qtbot.mouseClick(review.helper_button, Qt.MouseButton.LeftButton)
    helper = review.fill_helper
    assert helper is not None and helper.isVisible()
    assert helper.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    titles = [helper.section_box.itemText(i).split("（")[0] for i in range(helper.section_box.count())]
    assert titles[0] == "基本信息" and titles[1] == "现有职称情况" and titles[-1] == "职称申报封面"
    rows = helper._rows()
    assert rows[0].text(0) == "姓名" and rows[0].text(1) == "李明远"
    helper.tree.setCurrentItem(rows[0])
    helper.tree.setFocus()
    qtbot.keyClick(helper.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "李明远"
    assert helper.tree.currentItem() is rows[1]
    qtbot.keyClick(helper.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "530125198204160317"
    # Scans listed with their upload names.
    assert "00_基本信息_身份证人像面.jpg" in [r.text(1) for r in rows]
    # Tick every line of 基本信息: 本节已填完, remembered in the application.
    for row in rows:
        if row.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            row.setCheckState(0, Qt.CheckState.Checked)
    for i in range(helper.tree.topLevelItemCount()):
        helper.tree.topLevelItem(i).setCheckState(0, Qt.CheckState.Checked)
    assert helper.progress.text() == "本节已填完 ✓"
    assert "basic:" + str(services.repo.single_entry_id(demo_app, "basic")) + ":name" in ticks(
        services, demo_app
    )
    helper.close()
    from desktop_app.ui.fill_helper import FillHelperWindow

    reopened = FillHelperWindow(services, demo_app)
    qtbot.addWidget(reopened)
    assert reopened.progress.text() == "本节已填完 ✓"
    assert reopened.section_box.itemText(0).startswith("✓ 基本信息")


def test_fill_helper_ticks_survive_the_wizard_saving_its_page(window, services, demo_app, qtbot):
    from desktop_app.usecases.copy_sheet import set_tick

    set_tick(services, demo_app, "basic:1:name", True)
    wizard = window.open_application(demo_app)
    wizard.show_page("papers")
    wizard.show_page("cover")
    assert "basic:1:name" in ticks(services, demo_app)


def test_submission_record_counts_chances_and_warns_after_three_unit_rounds(
    window, services, demo_app, qtbot
):
    _wizard, review = _open_review(window, demo_app)
    assert "机会共 4 次" in review.record_summary.text()
    qtbot.mouseClick(review.record_button, Qt.MouseButton.LeftButton)
    dialog = review.record_dialog
    for n in range(3):
        row = dialog.add_round(SubmissionRound())
        dialog.table.cellWidget(row, 0).setText(f"2026-06-0{n + 1}")
        dialog.table.cellWidget(row, 2).setCurrentText("单位")
        dialog.table.cellWidget(row, 3).setCurrentText("返回修改")
        dialog.table.item(row, 4).setText("学历证书扫描件不清晰")
    assert dialog.warning.isVisible() and "本年度不再受理" in dialog.warning.text()
    row = dialog.add_round(SubmissionRound())
    dialog.table.cellWidget(row, 0).setText("2026-13-01")
    dialog.accept()
    assert dialog.isVisible() and "不是日期" in dialog.error.text()
    dialog.table.cellWidget(row, 0).setText("2026-06-20")
    dialog.accept()
    assert not dialog.isVisible()
    rounds = load_rounds(services, demo_app)
    assert len(rounds) == 4 and rounds[0].comments == "学历证书扫描件不清晰"
    assert chances_left(rounds) == 1
    assert "还剩 1 次" in review.record_summary.text() and review.record_warning.isVisible()


def test_submission_record_travels_in_the_backup(services, demo_app, tmp_path):
    from desktop_app.usecases.backup import create_backup, restore_backup

    save_rounds(
        services,
        demo_app,
        [SubmissionRound("2026-06-01", "2026-06-03", "单位", "返回修改", "缺聘书", "补传聘书")],
    )
    result = create_backup(services, demo_app, tmp_path)
    new_id = restore_backup(services, Path(result.path), allow_duplicate=True).app_id
    assert load_rounds(services, new_id) == load_rounds(services, demo_app)


def test_fill_helper_opens_a_folder_with_just_the_entry_scans(window, services, demo_app, qtbot, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    opened: list[str] = []
    monkeypatch.setattr(
        "desktop_app.ui.fill_helper.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    _wizard, review = _open_review(window, demo_app)
    helper = review.open_fill_helper()
    helper.section_box.setCurrentIndex([s.key for s in helper.sections].index("education"))
    [button] = [
        b
        for b in helper.tree.findChildren(QPushButton)
        if b.text() == "打开本条扫描件文件夹" and b.isVisible()
    ]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    names = sorted(p.name for p in Path(opened[0]).iterdir())
    listed = sorted(r.text(1) for r in helper._rows() if r.text(0).startswith("扫描件："))
    assert names == listed and len(names) == 3 and all(n.startswith("02-1_学历情况_") for n in names)

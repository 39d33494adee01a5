"""帮助 → 关于 / 使用说明: version, data folder, reference edition, licences that match what is bundled."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from desktop_app.paths import bundle_root
from desktop_app.ui.about_dialog import AboutDialog, HelpDialog, load_components


def _metadata_licence(dist: str) -> str:
    md = importlib.metadata.metadata(dist)
    classifiers = " ".join(c for c in md.get_all("Classifier") or [] if c.startswith("License"))
    return " ".join(filter(None, [md.get("License-Expression"), md.get("License"), classifiers]))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_listed_licences_match_the_installed_metadata() -> None:
    components = load_components()
    for component in components:
        assert component.files, component.name
        for path in component.files:
            assert path.is_file() and path.stat().st_size > 500, path
        if component.dist:
            declared = _metadata_licence(component.dist)
            for part in component.licence.split(" OR "):
                assert part in declared, f"{component.name}: {part!r} not in {declared!r}"


def test_every_runtime_dependency_has_its_licence_listed() -> None:
    with open(bundle_root() / "pyproject.toml", "rb") as fh:
        deps = tomllib.load(fh)["project"]["dependencies"]
    names = {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}
    listed = {_norm(c.dist) for c in load_components() if c.dist}
    assert names <= listed, f"no licence entry for {sorted(names - listed)}"


def test_about_dialog_shows_version_data_folder_edition_and_licences(qtbot, services) -> None:
    import desktop_app

    dialog = AboutDialog(services)
    qtbot.addWidget(dialog)
    texts = " ".join(w.text() for w in dialog.findChildren(type(dialog.reference_label)))
    assert f"版本 {desktop_app.__version__}" in texts
    assert str(Path(services.home)) in texts
    assert "2022 年版" in dialog.reference_label.text()
    assert dialog.open_data_button.text() == "打开"

    rows = [dialog.component_list.item(i).text() for i in range(dialog.component_list.count())]
    qt_row = next(i for i, r in enumerate(rows) if r.startswith("Qt 6 / PySide6"))
    assert "LGPL-3.0" in rows[qt_row]
    dialog.component_list.setCurrentRow(qt_row)
    shown = dialog.licence_view.toPlainText()
    assert "替换这些库" in shown and "GNU LESSER GENERAL PUBLIC LICENSE" in shown

    font_row = next(i for i, r in enumerate(rows) if "Noto Sans SC" in r)
    dialog.component_list.setCurrentRow(font_row)
    assert "SIL OPEN FONT LICENSE" in dialog.licence_view.toPlainText().upper()


def test_help_explains_the_yearly_flow_and_the_guides_rules(qtbot) -> None:
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    for rule in (
        "返回修改和重置流程的机会总共为4次",
        "公示期不少于5个工作日",
        "任职年限计算截至当年12月31日",
        "不得使用简称",
        "文件须按材料内容命名",
    ):
        assert rule in text
    # The yearly flow, in the order it happens: fill → check → print → up the approval chain → back up.
    steps = ["按顺序填写：", "检查：", "生成打印材料：", "逐级审核：", "备份："]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)


def test_help_menu_offers_guide_reference_import_and_about(qtbot, services) -> None:
    from PySide6.QtWidgets import QMainWindow

    from desktop_app.ui.help_menu import install_help_menu

    window = QMainWindow()
    qtbot.addWidget(window)
    install_help_menu(window, services)
    menus = [a for a in window.menuBar().actions() if a.text() == "帮助"]
    assert len(menus) == 1
    entries = [a.text() for a in menus[0].menu().actions() if a.text()]
    assert entries == ["使用说明", "导入新版名录…", "关于"]


def test_unlisted_components_are_described_from_their_own_metadata() -> None:
    # The built app lists bundled extras (the OCR extra) this way; pytest stands in for one here.
    from desktop_app.ui.about_dialog import components_from_metadata

    [component] = components_from_metadata(["pytest", "no-such-distribution"])
    assert component.licence == "MIT"
    text = component.licence_text()
    assert "Permission is hereby granted" in text


def test_a_distribution_whose_licence_files_were_not_bundled_shows_its_metadata_licence(
    tmp_path, monkeypatch
) -> None:
    # numpy in a built app: the dist-info is there, the licence files its RECORD lists are not (#14 point 11).
    from desktop_app.ui.about_dialog import components_from_metadata

    info = tmp_path / "shrunk-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: shrunk\nVersion: 1.0\n"
        "License-Expression: BSD-3-Clause\nHome-page: https://example.org/shrunk\n"
    )
    (info / "RECORD").write_text("shrunk/LICENSE.txt,,\nshrunk-1.0.dist-info/METADATA,,\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    [component] = components_from_metadata(["shrunk"])
    assert component.files == ()
    assert component.licence == "BSD-3-Clause"
    text = component.licence_text()
    assert "BSD-3-Clause" in text and "https://example.org/shrunk" in text and "缺失" not in text

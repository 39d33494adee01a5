"""导入新版名录: a newer edition is validated, its changes listed, and used only after confirmation."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.paths import resources_dir
from desktop_app.reference import REFERENCE_FILES, load_reference
from desktop_app.reference.data import reload_default_reference

BUNDLED = resources_dir() / "reference"
OLD_PHONE = 'phone = "0871-65165786"'
NEW_PHONE = 'phone = "0871-65165999"'


@pytest.fixture(autouse=True)
def default_reference_cache():
    """The default tables are cached per process; each test starts and ends with the bundled ones."""
    reload_default_reference()
    yield
    reload_default_reference()


def _bundled_digest() -> str:
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        digest.update((BUNDLED / name).read_bytes())
    return digest.hexdigest()


def make_edition(folder: Path, edition: int = 2023) -> Path:
    """A copy of the bundled tables as a later year: one phone, one review month, one address changed."""
    folder.mkdir(parents=True)
    for name in REFERENCE_FILES:
        text = (BUNDLED / name).read_text(encoding="utf-8")
        text = text.replace("edition = 2022", f"edition = {edition}", 1)
        if name == "committees.toml":
            assert OLD_PHONE in text
            text = text.replace(OLD_PHONE, NEW_PHONE, 1)
        if name == "review_plan.toml":
            text = text.replace('month_text = "9月底前"\nmonth = 9', 'month_text = "8月底前"\nmonth = 8', 1)
        if name == "offices.toml":
            text = text.replace("教场中路21号", "教场中路23号", 1)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_cli_lists_changes_and_imports_only_with_yes(zhicheng_home: Path, tmp_path: Path, capsys) -> None:
    before = _bundled_digest()
    newer = make_edition(tmp_path / "2023版名录")

    assert main(["reference-import", str(newer)]) == 1
    out = capsys.readouterr().out
    assert "当前名录 2022 年版 → 新名录 2023 年版" in out
    assert "【评委会】变更：昆明市中小学高级教师评审委员会（电话：0871-65165786 → 0871-65165999）" in out
    assert "【评审计划】变更：昆明市卫生技术高级职称评审委员会（评审时间：9月底前 → 8月底前）" in out
    assert "【人社部门】变更：五华区人力资源和社会保障局" in out
    assert "未导入" in out
    assert not (zhicheng_home / "reference").exists()
    assert load_reference().edition == 2022

    assert main(["reference-import", str(newer), "--yes"]) == 0
    assert "已导入并启用 2023 年版名录" in capsys.readouterr().out
    assert (zhicheng_home / "reference" / "2023" / "committees.toml").is_file()
    # The next start of the app (a new Services) uses the new edition.
    from desktop_app.services import Services

    services = Services(today=date(2026, 11, 27))
    try:
        assert services.reference.edition == 2023
        assert services.reference.committee_by_name("昆明市中小学高级教师评审委员会").phone == "0871-65165999"
    finally:
        services.close()
    # The bundled tables were only read.
    assert _bundled_digest() == before


def test_broken_or_older_folder_is_refused_and_nothing_changes(
    zhicheng_home: Path, tmp_path: Path, capsys
) -> None:
    broken = make_edition(tmp_path / "broken")
    (broken / "offices.toml").unlink()
    assert main(["reference-import", str(broken), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "所选文件夹不是可用的名录" in err and "offices.toml" in err and "当前名录保持不变" in err
    assert "Traceback" not in err

    mixed = make_edition(tmp_path / "mixed")
    (mixed / "review_plan.toml").write_text(
        (BUNDLED / "review_plan.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert main(["reference-import", str(mixed), "--yes"]) == 2
    assert "版本 2022 与 series.toml 的版本 2023 不一致" in capsys.readouterr().err

    newer = make_edition(tmp_path / "2023")
    assert main(["reference-import", str(newer), "--yes"]) == 0
    older = make_edition(tmp_path / "old", edition=2022)
    assert main(["reference-import", str(older), "--yes"]) == 2
    assert "比正在使用的 2023 年版旧" in capsys.readouterr().err
    assert sorted(p.name for p in (zhicheng_home / "reference").iterdir()) == ["2023"]


def test_same_year_correction_replaces_and_keeps_the_previous_copy(
    zhicheng_home: Path, tmp_path: Path, capsys
) -> None:
    assert main(["reference-import", str(make_edition(tmp_path / "a")), "--yes"]) == 0
    fixed = make_edition(tmp_path / "b")
    path = fixed / "committees.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(NEW_PHONE, 'phone = "0871-65160000"'), encoding="utf-8"
    )
    assert main(["reference-import", str(fixed), "--yes"]) == 0
    assert "电话：0871-65165999 → 0871-65160000" in capsys.readouterr().out
    names = sorted(p.name for p in (zhicheng_home / "reference").iterdir())
    assert names[0] == "2023" and names[1].startswith("2023.replaced-") and len(names) == 2
    assert main(["reference-import", str(fixed), "--yes"]) == 0
    assert "完全相同，无需导入" in capsys.readouterr().out


def test_damaged_imported_edition_falls_back_to_the_bundled_one(zhicheng_home: Path, tmp_path: Path) -> None:
    damaged = zhicheng_home / "reference" / "2030"
    make_edition(damaged, edition=2030)
    (damaged / "series.toml").write_text("edition = 2030\nthis is not toml [", encoding="utf-8")
    reload_default_reference()
    assert load_reference().edition == 2022
    shutil.rmtree(damaged)
    make_edition(damaged, edition=2030)
    assert reload_default_reference().edition == 2030


def test_bundled_edition_wins_when_newer_than_an_old_import(zhicheng_home: Path) -> None:
    # An import from years ago must not hide the tables a newer app release ships.
    make_edition(zhicheng_home / "reference" / "2021", edition=2021)
    assert reload_default_reference().edition == 2022


def test_dialog_shows_changes_and_switches_only_after_confirmation(qtbot, services, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from desktop_app.ui.reference_dialog import ReferenceDialog

    dialog = ReferenceDialog(services)
    qtbot.addWidget(dialog)
    assert not dialog.confirm_button.isEnabled()

    broken = make_edition(tmp_path / "broken")
    (broken / "series.toml").write_text("edition = 2023\n", encoding="utf-8")
    assert not dialog.load_folder(broken)
    assert "所选文件夹不是可用的名录" in dialog.status.text()
    assert not dialog.confirm_button.isEnabled()

    assert dialog.load_folder(make_edition(tmp_path / "2023"))
    lines = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert any("电话：0871-65165786 → 0871-65165999" in line for line in lines)
    assert "2023 年版" in dialog.status.text()
    assert services.reference.edition == 2022  # nothing switched before the confirmation
    assert not (Path(services.home) / "reference").exists()

    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert services.reference.edition == 2023
    assert (Path(services.home) / "reference" / "2023").is_dir()

"""`--smoke-test` from source: the whole chain in a temporary folder, one line, exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.cli import main


def test_smoke_test_runs_everything_in_a_temporary_folder(qtbot, zhicheng_home: Path, capsys) -> None:
    assert main(["--smoke-test"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("自检通过：15 个填写步骤；名录 2022 年版；示例申报完整（100%）；打印材料")
    assert "主窗口正常" in lines[0]
    # The person's data folder was not used, and the override is restored.
    assert not (zhicheng_home / "drafts.sqlite").exists()
    assert os.environ["ZHICHENG_HOME"] == str(zhicheng_home)


def test_smoke_test_reports_a_failure_in_one_line_and_exit_1(
    zhicheng_home: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop_app.demo

    def broken(services, year=None):
        raise OSError("磁盘已满")

    monkeypatch.setattr(desktop_app.demo, "create_demo", broken)
    assert main(["--smoke-test"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [out[0]] and out[0].startswith("自检失败：OSError: 磁盘已满")

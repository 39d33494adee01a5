"""Crafted backups (the issue's recipes, re-sealed with the app's own writer): verify refuses them by name,
restore reads the snapshot as data (never runs it), validates every value like `set`, and `--replace`
leaves the original untouched when anything is wrong."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.backup.archive import Member, write_zip
from desktop_app.backup.errors import BackupDamaged, BadItems
from desktop_app.backup.reader import inspect_zip
from desktop_app.cli import main
from desktop_app.storage import snapshot as snapmod
from desktop_app.usecases import backup as ub

RECURSIVE_VIEW = (
    "ALTER TABLE section_flags RENAME TO x; CREATE VIEW section_flags AS WITH RECURSIVE c(n) AS "
    "(SELECT 1 UNION ALL SELECT n+1 FROM c) SELECT n, 'a', 0 FROM c"
)
BAD_JSON = "UPDATE answers SET value='{not json' WHERE field='ethnicity'"


def crafted(services, app_id: int, tmp_path: Path, sql: str, name: str = "crafted.zip") -> Path:
    """A genuine backup whose snapshot was edited with `sql`, re-packed and re-sealed by the app's own writer."""
    original = ub.create_backup(services, app_id, out_dir=tmp_path / f"orig-{name}").path
    files = tmp_path / f"files-{name}"
    checked = inspect_zip(original, extract_to=files)
    con = sqlite3.connect(checked.extracted[ub.DB_MEMBER])
    with con:
        con.executescript(sql)
    con.close()
    members = [
        Member(entry["path"], entry["role"], source=checked.extracted[entry["path"]])
        for entry in checked.manifest["files"]
    ]
    meta = {k: v for k, v in checked.manifest.items() if k not in ("files", "format", "format_version")}
    target = tmp_path / name
    write_zip(target, members, meta)
    return target


def _value(services, app_id: int, section: str, field: str):
    return services.load(app_id).value(section, field)


def test_recursive_view_is_refused_by_verify_and_restore(
    services, scanned_app, tmp_path, other_services, capsys
):
    path = crafted(services, scanned_app, tmp_path, RECURSIVE_VIEW)
    result = ub.verify_backup(services, path)
    assert not result.ok and result.content_refused
    assert any("视图" in p.what and "section_flags" in p.what for p in result.problems)

    assert main(["verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert "备份完好" not in out and "视图“section_flags”" in out

    with pytest.raises(BackupDamaged, match="视图"):
        ub.restore_backup(other_services, path)
    assert other_services.repo.list_applications() == []


def test_replace_with_recursive_view_keeps_the_original(services, scanned_app, tmp_path, capsys):
    before = services.export_answers(scanned_app)
    path = crafted(services, scanned_app, tmp_path, RECURSIVE_VIEW)
    assert main(["restore", str(path), "--replace", str(scanned_app)]) == 1
    assert "视图" in capsys.readouterr().err
    assert [a.id for a in services.repo.list_applications()] == [scanned_app]
    assert services.export_answers(scanned_app) == before


def test_step_limit_stops_a_query_that_never_ends(services, scanned_app, tmp_path, monkeypatch):
    """Even if the schema check missed the view, the step limit (not a timer in the test) ends the read."""
    path = crafted(services, scanned_app, tmp_path, RECURSIVE_VIEW)
    checked = inspect_zip(path, extract_to=tmp_path / "x")
    monkeypatch.setattr(snapmod, "_check_schema", lambda con, version: None)
    monkeypatch.setattr(snapmod, "MAX_SECONDS", 3600.0)  # only the step count may stop it
    with pytest.raises(snapmod.SnapshotRejected, match="计算量"):
        snapmod.read_snapshot(checked.extracted[ub.DB_MEMBER])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc (Linux)")
def test_crafted_restore_stays_small(services, scanned_app, tmp_path):
    """`restore` of the crafted backup in a child process: exit 1, peak memory well under 300 MB."""
    import os
    import subprocess
    import sys

    path = crafted(services, scanned_app, tmp_path, RECURSIVE_VIEW)
    # VmHWM is this process's own peak (ru_maxrss would include the forking pytest's size).
    code = (
        "import re, sys; from desktop_app.cli import main; rc = main(['restore', sys.argv[1], '--as-new']); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); sys.exit(rc)"
    )
    env = dict(os.environ, ZHICHENG_HOME=str(tmp_path / "child-home"))
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert "视图" in proc.stderr and "Traceback" not in proc.stderr
    assert int(proc.stdout.strip().splitlines()[-1]) < 300 * 1024  # kilobytes on Linux


def test_bad_json_value_is_named_and_nothing_is_replaced(services, scanned_app, tmp_path, capsys):
    before = services.export_answers(scanned_app)
    path = crafted(services, scanned_app, tmp_path, BAD_JSON)
    result = ub.verify_backup(services, path)
    assert not result.ok and [str(p) for p in result.problems] == ["基本信息 民族：保存的内容无法读取"]

    assert main(["restore", str(path), "--replace", str(scanned_app)]) == 1
    err = capsys.readouterr().err
    assert "基本信息 民族：保存的内容无法读取" in err and "保持不变" in err
    assert [a.id for a in services.repo.list_applications()] == [scanned_app]
    assert services.export_answers(scanned_app) == before
    for command in (["list"], ["get", str(scanned_app)], ["check", str(scanned_app)]):
        assert main(command) in (0, 1)
        assert "程序内部错误" not in capsys.readouterr().err


def test_restore_without_the_bad_items(services, scanned_app, tmp_path, other_services):
    path = crafted(services, scanned_app, tmp_path, BAD_JSON)
    with pytest.raises(BadItems) as info:
        ub.restore_backup(other_services, path)
    assert [str(p) for p in info.value.problems] == ["基本信息 民族：保存的内容无法读取"]
    assert other_services.repo.list_applications() == []
    result = ub.restore_backup(other_services, path, without_bad_items=True)
    assert _value(other_services, result.app_id, "basic", "ethnicity") is None
    assert _value(other_services, result.app_id, "basic", "name") == _value(
        services, scanned_app, "basic", "name"
    )
    assert any("民族" in note for note in result.notes)


def _sql_json(value: str) -> str:
    return "'" + json.dumps(value, ensure_ascii=False).replace("'", "''") + "'"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("id_number", "123", "基本信息 身份证号：身份证号码应为18位"),
        ("unit", "单" * 50000, "基本信息 工作单位：内容过长"),
        ("political_status", "海盗", "基本信息 政治面貌：“海盗”不是可选项"),
        ("ethnicity", "汉族\u001b[31m", "基本信息 民族：含有控制字符"),
    ],
)
def test_values_go_through_the_validators_of_set(
    services, scanned_app, tmp_path, other_services, field, value, expected
):
    sql = (
        f"UPDATE answers SET value={_sql_json(value)} WHERE field='{field}' "
        "AND entry_id IN (SELECT id FROM entries WHERE section='basic')"
    )
    path = crafted(services, scanned_app, tmp_path, sql)
    with pytest.raises(BadItems) as info:
        ub.restore_backup(other_services, path)
    assert len(info.value.problems) == 1 and str(info.value.problems[0]).startswith(expected)
    assert other_services.repo.list_applications() == []


def test_trigger_and_extra_table_are_refused(services, scanned_app, tmp_path, other_services):
    for n, sql in enumerate(
        [
            "CREATE TRIGGER t AFTER INSERT ON entries BEGIN SELECT 1; END;",
            "CREATE TABLE extra (x TEXT);",
            "CREATE INDEX i ON answers(value);",
            "ALTER TABLE answers ADD COLUMN extra TEXT;",
        ]
    ):
        path = crafted(services, scanned_app, tmp_path, sql, name=f"c{n}.zip")
        with pytest.raises(BackupDamaged, match="本程序"):
            ub.restore_backup(other_services, path)
    assert other_services.repo.list_applications() == []


def test_unreadable_value_in_own_database_is_a_problem_not_a_crash(services, scanned_app, capsys):
    with services.engine.begin() as con:
        con.exec_driver_sql("UPDATE answers SET value='{not json' WHERE field='ethnicity'")
    report = services.check(scanned_app)
    [finding] = [f for f in report.findings if f.field == "ethnicity" and "无法读取" in f.message]
    assert finding.section_title == "基本信息" and "无法读取" in finding.message and finding.is_error
    assert main(["list"]) == 0
    assert "李明远" in capsys.readouterr().out
    assert main(["get", str(scanned_app), "basic.ethnicity"]) == 0
    assert main(["check", str(scanned_app)]) == 1
    assert "基本信息 民族：保存的内容无法读取" in capsys.readouterr().out
    assert main(["backup", str(scanned_app), "--out", str(services.home / "bk")]) == 0
    assert "程序内部错误" not in capsys.readouterr().err


def test_rotation_in_a_shared_folder_keeps_the_other_applications_backups(
    services, scanned_app, tmp_path, monkeypatch
):
    """Two data folders, each with 李明远 2026, back up to one USB folder: each rotates only its own."""
    from datetime import date, datetime, timedelta

    from desktop_app.demo import create_demo
    from desktop_app.services import Services

    stick = tmp_path / "U盘"
    other = Services(home=tmp_path / "B-home", today=date(2026, 11, 27))
    try:
        other_app = create_demo(other, year=2026)
        assert other.load(other_app).person_name == services.load(scanned_app).person_name
        ub.set_keep_per_year(services, 2)
        ub.set_keep_per_year(other, 2)
        start = datetime(2026, 11, 27, 9, 0, 0)

        class Clock(datetime):
            minute = 0

            @classmethod
            def now(cls, tz=None):  # noqa: ARG003
                cls.minute += 1
                return start + timedelta(minutes=cls.minute)

        monkeypatch.setattr(ub, "datetime", Clock)
        a_made = [ub.create_backup(services, scanned_app, out_dir=stick).path for _ in range(3)]
        b_made = [ub.create_backup(other, other_app, out_dir=stick).path for _ in range(5)]
    finally:
        other.close()
    left = {p.name for p in stick.iterdir()}
    assert {p.name for p in a_made[-2:]} <= left and {p.name for p in b_made[-2:]} <= left
    assert not {p.name for p in a_made[:1] + b_made[:3]} & left
    # A's third-newest was rotated by A itself; none of A's was touched by B.
    assert len(left) == 4

"""Snapshots as a storage operation: written with only one application, read back as checked data of the
schema version that wrote it (version 1 included), inserted as a new application."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.storage import Repository, open_engine
from desktop_app.storage import snapshot as snap

V1 = Path(__file__).parent / "data" / "schema_v1.sql"


def _v1_snapshot(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.close()
    return path


def test_snapshot_of_the_first_schema_is_read_and_restored(tmp_path: Path) -> None:
    rows = snap.read_snapshot(_v1_snapshot(tmp_path / "v1.sqlite"))
    assert (
        rows.version == 1 and rows.application["person_name"] == "旧版用户" and rows.application["uid"] == ""
    )
    repo = Repository(open_engine(tmp_path / "new.sqlite"))
    new_id = repo.restore_snapshot(rows, uid="a" * 32)
    data = repo.load(new_id)
    assert data.value("basic", "mobile") == "13800000000"
    assert [e.answers["title"] for e in data.section("papers").entries] == ["旧论文一", "旧论文二"]
    assert repo.application_uid(new_id) == "a" * 32


def test_written_snapshot_holds_one_application_and_reads_back(tmp_path: Path) -> None:
    repo = Repository(open_engine(tmp_path / "d.sqlite"))
    keep = repo.create_application("甲", 2026)
    other = repo.create_application("乙", 2026)
    repo.add_entry(keep, "papers", {"title": "甲的论文"})
    repo.add_entry(other, "papers", {"title": "乙的论文"})
    repo.set_setting("backup.folder", "/media/u")
    target = tmp_path / "snap.sqlite"
    repo.write_snapshot(keep, target)
    assert b"\xe4\xb9\x99" not in target.read_bytes()  # nothing of 乙 survives, not even in free pages
    rows = snap.read_snapshot(target)
    assert rows.version == 2 and [r["person_name"] for r in rows.tables["applications"]] == ["甲"]
    assert rows.application["uid"] == repo.application_uid(keep)


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("CREATE VIEW v AS SELECT 1", "视图"),
        ("CREATE TRIGGER t AFTER INSERT ON entries BEGIN SELECT 1; END", "触发器"),
        ("CREATE TABLE other (x)", "表“other”"),
        ("ALTER TABLE answers ADD COLUMN g TEXT GENERATED ALWAYS AS (value) VIRTUAL", "结构"),
        ("DROP TABLE settings", "缺少"),
        ("PRAGMA user_version=99", "更新版本"),
    ],
)
def test_objects_the_app_never_writes_are_refused(tmp_path: Path, sql: str, said: str) -> None:
    path = _v1_snapshot(tmp_path / "s.sqlite")
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()
    with pytest.raises(snap.SnapshotRejected, match=said):
        snap.read_snapshot(path)


def test_row_count_and_file_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _v1_snapshot(tmp_path / "s.sqlite")
    monkeypatch.setitem(snap.MAX_ROWS, "answers", 3)
    with pytest.raises(snap.SnapshotRejected, match="answers.*4 行"):
        snap.read_snapshot(path)
    monkeypatch.setattr(snap, "MAX_BYTES", 1000)
    with pytest.raises(snap.SnapshotRejected, match="过大"):
        snap.read_snapshot(path)
    other = tmp_path / "x.sqlite"
    other.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    with pytest.raises(snap.SnapshotRejected, match="不是 SQLite"):
        snap.read_snapshot(other)

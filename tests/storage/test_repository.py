from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.errors import AlreadyRunningError, DataError, NotFoundError
from desktop_app.storage import BlobStore, InstanceLock, Repository, integrity_ok, open_engine
from desktop_app.storage import db as dbmod


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository(open_engine(tmp_path / "d.sqlite"))


def test_pragmas_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "d.sqlite")
    with engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert integrity_ok(engine)


def test_answers_roundtrip_and_entries_order(repo: Repository) -> None:
    app = repo.create_application("王丽", 2026)
    first = repo.add_entry(app, "papers", {"title": "第一篇", "rank": 1})
    second = repo.add_entry(app, "papers", {"title": "第二篇"})
    third = repo.add_entry(app, "papers", {"title": "第三篇"})
    repo.move_entry(third, -2)
    titles = [e.answers["title"] for e in repo.load(app).section("papers").entries]
    assert titles == ["第三篇", "第一篇", "第二篇"]
    repo.delete_entry(first)
    data = repo.load(app).section("papers")
    assert [e.answers["title"] for e in data.entries] == ["第三篇", "第二篇"]
    assert [e.position for e in data.entries] == [0, 1]
    repo.set_values(second, {"title": None})
    assert "title" not in repo.load(app).section("papers").entries[1].answers


def test_cached_name_and_year_follow_answers(repo: Repository) -> None:
    app = repo.create_application("", 2025)
    repo.set_values(repo.single_entry_id(app, "basic"), {"name": "赵强"})
    repo.set_values(repo.single_entry_id(app, "cover"), {"year": 2026, "title_name": "高级工程师"})
    [summary] = repo.list_applications()
    assert (summary.person_name, summary.year, summary.title_sought) == ("赵强", 2026, "高级工程师")


def test_not_applicable_cleared_by_new_entry(repo: Repository) -> None:
    app = repo.create_application("甲", 2026)
    repo.set_not_applicable(app, "patents", True)
    assert repo.load(app).section("patents").not_applicable
    repo.add_entry(app, "patents", {"name": "一种装置"})
    assert not repo.load(app).section("patents").not_applicable


def test_delete_application_cascades(repo: Repository, tmp_path: Path) -> None:
    app = repo.create_application("甲", 2026)
    entry = repo.add_entry(app, "education", {"school": "云南大学"})
    store = BlobStore(tmp_path / "blobs")
    sha, size, _ = store.put_bytes(b"scan")
    repo.record_blob(sha, size, "image/jpeg")
    repo.add_attachment(
        app,
        sha256=sha,
        original_name="IMG_1.jpg",
        display_name="毕业证书.jpg",
        section="education",
        entry_id=entry,
    )
    repo.delete_application(app)
    with repo.engine.connect() as con:
        assert con.exec_driver_sql("SELECT count(*) FROM entries").scalar() == 0
        assert con.exec_driver_sql("SELECT count(*) FROM attachments").scalar() == 0
    with pytest.raises(NotFoundError):
        repo.load(app)


def test_blob_store_keeps_exact_bytes_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    source = tmp_path / "原件.jpg"
    source.write_bytes(b"\xff\xd8original bytes")
    before = source.stat().st_mtime_ns
    sha, size, new = store.put_file(source)
    again_sha, _, again_new = store.put_file(source)
    assert (new, again_new) == (True, False)
    assert sha == again_sha and size == len(b"\xff\xd8original bytes")
    assert store.read(sha) == source.read_bytes()
    assert store.verify(sha)
    assert source.stat().st_mtime_ns == before
    store.path(sha).write_bytes(b"tampered")
    assert not store.verify(sha)


def test_instance_lock_refuses_second_and_frees_on_release(tmp_path: Path) -> None:
    path = tmp_path / "instance.lock"
    first = InstanceLock(path)
    first.acquire()
    with pytest.raises(AlreadyRunningError):
        InstanceLock(path).acquire()
    first.release()
    with InstanceLock(path):
        pass


def test_lock_left_by_killed_process_does_not_block(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "instance.lock"
    code = (
        "import sys, os, signal; from pathlib import Path; from desktop_app.storage import InstanceLock; "
        f"InstanceLock(Path({str(path)!r})).acquire(); print('locked', flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "locked" in proc.stdout
    assert path.exists()
    with InstanceLock(path):
        pass


def test_database_saved_by_first_schema_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text(encoding="utf-8"))
    con.close()
    repo = Repository(open_engine(path))
    [summary] = repo.list_applications()
    assert summary.person_name == "旧版用户"
    data = repo.load(summary.id)
    assert data.value("basic", "mobile") == "13800000000"
    assert [e.answers["title"] for e in data.section("papers").entries] == ["旧论文一", "旧论文二"]


def test_first_schema_gets_an_identity_per_application(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text(encoding="utf-8"))
    con.close()
    repo = Repository(open_engine(path))
    [summary] = repo.list_applications()
    uid = repo.application_uid(summary.id)
    assert len(uid) == 32 and int(uid, 16) >= 0
    second = repo.create_application("乙", 2026)
    assert repo.application_uid(second) not in ("", uid)
    assert repo.applications_with_uid(uid) == [summary.id]
    with repo.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA user_version").scalar() == dbmod.SCHEMA_VERSION == 2
    assert list(tmp_path.glob("old.before-v2.*.sqlite"))


def test_migration_ladder_keeps_a_copy_and_runs_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.sqlite"
    repo = Repository(open_engine(path))
    app = repo.create_application("甲", 2026)
    repo.engine.dispose()

    def add_column(con) -> None:
        con.exec_driver_sql("ALTER TABLE applications ADD COLUMN note TEXT NOT NULL DEFAULT '迁移后'")

    current = dbmod.SCHEMA_VERSION
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(dbmod.MIGRATIONS, current + 1, add_column)
    engine = open_engine(path)
    with engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA user_version").scalar() == current + 1
        assert con.exec_driver_sql("SELECT note FROM applications").scalar() == "迁移后"
    copies = list(tmp_path.glob(f"d.before-v{current + 1}.*.sqlite"))
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == current
    assert old.execute("SELECT person_name FROM applications WHERE id=?", (app,)).fetchone()[0] == "甲"
    old.close()


def test_newer_database_is_refused_politely(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    open_engine(path).dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version=99")
    con.close()
    with pytest.raises(DataError) as info:
        open_engine(path)
    assert "更新版本" in info.value.message


def test_corrupt_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DataError):
        open_engine(path)
    assert path.read_bytes() == b"this is not a database" * 100

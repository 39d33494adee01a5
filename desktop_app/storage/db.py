"""Open the drafts database: WAL, foreign keys, schema version and migrations (a copy is kept first)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

from desktop_app.errors import DataError
from desktop_app.os_errors import DatabaseUnusable, from_os_error, from_sqlite_error
from desktop_app.paths import restrict_to_owner
from desktop_app.storage.schema import metadata

# Version 1 is the first schema (tests/storage/data/schema_v1.sql is a database saved by it).
# A migration to version N is MIGRATIONS[N]; it runs inside one transaction.
SCHEMA_VERSION = 2
Migration = Callable[[Connection], None]


def _add_application_uid(con: Connection) -> None:
    """Version 2: every application gets a random identity, so backups are matched by it, not by file name."""
    con.exec_driver_sql("ALTER TABLE applications ADD COLUMN uid VARCHAR(32) NOT NULL DEFAULT ''")
    con.exec_driver_sql("UPDATE applications SET uid = lower(hex(randomblob(16))) WHERE uid = ''")


MIGRATIONS: dict[int, Migration] = {2: _add_application_uid}

DB_NAME = "drafts.sqlite"


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a killed process; only a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    """A 0-byte or non-SQLite file is reported, never silently replaced by a new database."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise (from_os_error(exc, path) or exc) from None
    if not header:
        raise DatabaseUnusable(
            f"数据库文件 {path} 是空的（0 字节），里面没有任何申报",
            "可能上次保存时磁盘已满或突然断电。请从备份恢复；确认不再需要时，把这个文件移走后再运行即可新建",
        )
    if header != SQLITE_HEADER:
        raise DatabaseUnusable(
            f"文件 {path} 不是本程序的数据库文件（不是 SQLite 格式）",
            "请检查数据文件夹是否被其他程序改动过；可以从备份恢复",
        )


def _user_version(path: Path) -> int:
    _check_header(path)
    try:
        con = sqlite3.connect(path)
    except sqlite3.Error as exc:
        raise (from_sqlite_error(exc, path) or DataError(f"无法打开数据库文件 {path}（{exc}）")) from None
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise (from_sqlite_error(exc, path) or DataError(f"无法读取数据库文件 {path}（{exc}）")) from None
    finally:
        con.close()


def keep_copy(path: Path, label: str) -> Path:
    """Write a consistent copy of the database beside it (SQLite backup API) and return its path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{label}.{stamp}.sqlite")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    restrict_to_owner(target)
    return target


def set_aside(path: Path) -> Path:
    """Move an unusable database (with its WAL files) aside, unchanged, so a restore can start a new one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.unusable-{stamp}.sqlite")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    os.replace(path, kept)
    return kept


def migrate(engine: Engine, path: Path, found: int) -> None:
    """Bring a database from version `found` to SCHEMA_VERSION, keeping a copy first."""
    if found > SCHEMA_VERSION:
        raise DataError(
            f"数据库由更新版本的程序创建（结构版本 {found}），当前程序只支持到 {SCHEMA_VERSION}",
            "请安装最新版本的职称申报材料助手",
        )
    if found == SCHEMA_VERSION:
        return
    keep_copy(path, f"before-v{SCHEMA_VERSION}")
    for version in range(found + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS.get(version)
        if step is None:
            raise DataError(f"缺少从结构版本 {version - 1} 升级到 {version} 的迁移步骤", "请联系开发者")
        with engine.begin() as con:
            step(con)
            con.exec_driver_sql(f"PRAGMA user_version={version}")


def open_engine(path: Path) -> Engine:
    """Open (creating or migrating) the drafts database at `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise (from_os_error(exc, path.parent) or exc) from None
    is_new = not path.exists()
    found = 0 if is_new else _user_version(path)
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    if is_new:
        with engine.begin() as con:
            metadata.create_all(con)
            con.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
        restrict_to_owner(path)
    else:
        migrate(engine, path, found)
    with engine.connect() as con:
        con.execute(text("SELECT 1"))
    return engine


def integrity_ok(engine: Engine) -> bool:
    """Whether PRAGMA integrity_check reports ok."""
    with engine.connect() as con:
        return con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def inserted_id(result: Any) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])

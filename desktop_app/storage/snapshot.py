"""Snapshot of one application, and reading a snapshot back from a backup: its data is read, never run.

A snapshot that comes back from a file is input like any other. It is accepted only when its schema is
exactly one this program wrote (same tables and columns, no views, triggers or other objects), its size
and row counts are bounded, and it is read with plain SELECTs under a step and time limit.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Engine, Integer, create_engine, insert, select

from desktop_app.errors import DataError
from desktop_app.paths import restrict_to_owner
from desktop_app.storage.db import SCHEMA_VERSION, SQLITE_HEADER, inserted_id
from desktop_app.storage.schema import (
    answers,
    applications,
    attachments,
    blobs,
    entries,
    metadata,
    section_flags,
)

# A snapshot holds one application's answers (scans travel as separate files): a few hundred KB in practice.
MAX_BYTES = 64 << 20
MAX_ROWS = {
    "applications": 10,  # exactly one is required (checked with its own message)
    "entries": 20_000,
    "answers": 400_000,
    "section_flags": 200,
    "blobs": 20_000,
    "attachments": 20_000,
    "settings": 1_000,
}
# Longest single value SQLite will hand back (a 专业技术工作总结 is a few thousand characters).
MAX_VALUE_BYTES = 4 << 20
# SQLite calls the progress handler every STEP_CHUNK virtual-machine instructions; reading a real snapshot
# takes well under a million. A query that needs more (a recursive view, a huge table) is stopped.
STEP_CHUNK = 10_000
MAX_STEPS = 200_000_000
MAX_SECONDS = 8.0
RESTORED_TABLES = ("applications", "entries", "answers", "section_flags", "blobs", "attachments")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SnapshotRejected(DataError):
    """A snapshot that is not one this program wrote, or is damaged; nothing of it was used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "未恢复任何内容；请改用另一份备份")
        self.reason = reason


@dataclass
class SnapshotRows:
    """Every row of a checked snapshot, as plain dicts per table (schema version it was written with)."""

    version: int
    tables: dict[str, list[dict[str, Any]]]

    @property
    def application(self) -> dict[str, Any]:
        """The one application row."""
        return self.tables["applications"][0]


# Writing ------------------------------------------------------------------------------------------


def write_snapshot(db_path: Path, app_id: int, target: Path) -> None:
    """A consistent copy of the database holding only this application (SQLite backup API, then pruned)."""
    source = sqlite3.connect(db_path)
    copy = sqlite3.connect(target)
    try:
        restrict_to_owner(target)
        source.backup(copy)
        copy.execute("PRAGMA foreign_keys=ON")
        with copy:
            copy.execute("DELETE FROM applications WHERE id != ?", (app_id,))
            copy.execute("DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)")
            # Settings belong to this computer (folders, switches), not to the application.
            copy.execute("DELETE FROM settings")
        copy.execute("PRAGMA journal_mode=DELETE")
        # VACUUM rewrites the file so nothing of other people's applications survives in free pages.
        copy.execute("VACUUM")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DataError("数据库快照校验失败，未生成备份", "请重启程序后重试")
    finally:
        copy.close()
        source.close()


# Reading ------------------------------------------------------------------------------------------


@functools.cache
def expected_columns(version: int) -> dict[str, tuple[tuple[str, str, int, int], ...]]:
    """Tables and columns (name, declared type, not null, primary-key position) the app writes at `version`."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as con:
            metadata.create_all(con)
            raw = con.connection.driver_connection
            assert raw is not None
            found = {
                table.name: tuple(
                    (str(r[1]), str(r[2]).upper(), int(r[3]), int(r[5]))
                    for r in raw.execute(f'PRAGMA table_xinfo("{table.name}")')
                )
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()
    if version == 1:
        found["applications"] = tuple(c for c in found["applications"] if c[0] != "uid")
    return found


@contextmanager
def _limited(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that stops any statement running past the step or time limit."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise SnapshotRejected(f"数据库快照无法打开（{exc}）") from None
    steps = 0
    deadline = time.monotonic() + MAX_SECONDS

    def tick() -> int:
        nonlocal steps
        steps += STEP_CHUNK
        return 1 if steps > MAX_STEPS or time.monotonic() > deadline else 0

    try:
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        con.set_progress_handler(tick, STEP_CHUNK)
        con.execute("PRAGMA trusted_schema=OFF")
        yield con
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise SnapshotRejected("读取数据库快照超出了限定的计算量（文件可能被人为改动过）") from None
        raise SnapshotRejected(f"数据库快照无法读取（{exc}）") from None
    except sqlite3.DatabaseError as exc:
        raise SnapshotRejected(f"数据库快照内部已损坏（{exc}）") from None
    finally:
        con.close()


def _check_schema(con: sqlite3.Connection, version: int) -> None:
    expected = expected_columns(version)
    objects = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    tables: set[str] = set()
    found_wrong: list[str] = []
    for kind, name, table, sql in objects:
        if kind == "table":
            if name not in expected or not str(sql or "").upper().startswith("CREATE TABLE"):
                found_wrong.append(f"表“{name}”")
            else:
                tables.add(name)
        elif (
            kind == "index"
            and str(name).startswith("sqlite_autoindex_")
            and table in expected
            and sql is None
        ):
            continue  # primary keys and unique constraints
        else:
            shown = {"view": "视图", "trigger": "触发器", "index": "索引"}.get(kind, "对象")
            found_wrong.insert(0, f"{shown}“{name}”")
    if found_wrong:
        raise SnapshotRejected("数据库快照含有本程序不会写入的" + "、".join(found_wrong[:5]))
    missing = set(expected) - tables
    if missing:
        raise SnapshotRejected("数据库快照缺少本程序写入的数据表：" + "、".join(sorted(missing)))
    for name, columns in expected.items():
        info = con.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
        found = tuple((str(r[1]), str(r[2]).upper(), int(r[3]), int(r[5])) for r in info)
        # Generated and hidden columns are computed on read: the app never writes them.
        if found != columns or any(int(r[6]) != 0 for r in info):
            raise SnapshotRejected(f"数据表“{name}”的结构与本程序写入的不一致")


def _python_type(column: Any) -> type:
    return int if isinstance(column.type, (Integer, Boolean)) else str


def _check_types(name: str, rows: list[dict[str, Any]]) -> None:
    table = metadata.tables[name]
    for column in table.columns:
        kind = _python_type(column)
        for row in rows:
            value = row[column.name]
            if value is None and column.nullable:
                continue
            if type(value) is not kind:
                raise SnapshotRejected(f"数据表“{name}”的“{column.name}”列含有本程序不会写入的值")


def _check_links(tables: dict[str, list[dict[str, Any]]]) -> None:
    if len(tables["applications"]) != 1:
        raise SnapshotRejected("数据库快照中的申报数量不是 1 份")
    app_id = tables["applications"][0]["id"]
    entry_ids = {row["id"] for row in tables["entries"]}
    if len(entry_ids) != len(tables["entries"]):
        raise SnapshotRejected("数据库快照中的条目编号重复")
    if any(
        row["application_id"] != app_id
        for row in tables["entries"] + tables["section_flags"] + tables["attachments"]
    ):
        raise SnapshotRejected("数据库快照中有不属于这份申报的条目")
    if any(row["entry_id"] not in entry_ids for row in tables["answers"]):
        raise SnapshotRejected("数据库快照中有不属于任何条目的填写内容")
    if any(row["entry_id"] is not None and row["entry_id"] not in entry_ids for row in tables["attachments"]):
        raise SnapshotRejected("数据库快照中有不属于任何条目的扫描件")
    if any(not _HEX64.match(row["sha256"]) for row in tables["attachments"] + tables["blobs"]):
        raise SnapshotRejected("数据库快照中的扫描件校验值格式不对")


def read_snapshot(path: Path) -> SnapshotRows:
    """Check and read a snapshot file; raises SnapshotRejected naming what is wrong (nothing is executed)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise SnapshotRejected(f"数据库快照无法读取（{exc.strerror or exc}）") from None
    if size > MAX_BYTES:
        raise SnapshotRejected(f"数据库快照过大（{size / (1 << 20):.0f} MB），不是本程序写入的")
    if header != SQLITE_HEADER:
        raise SnapshotRejected("数据库快照不是 SQLite 数据库文件")
    with _limited(path) as con:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise SnapshotRejected(f"备份由更新版本的程序创建（结构版本 {version}），请先安装最新版本")
        if version < 1:
            raise SnapshotRejected(f"数据库快照的结构版本 {version} 不是本程序写入的")
        _check_schema(con, version)
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise SnapshotRejected("数据库快照内部已损坏（完整性检查未通过）")
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in RESTORED_TABLES:
            count = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            if count > MAX_ROWS[name]:
                raise SnapshotRejected(f"数据表“{name}”有 {count} 行，超出了一份申报可能有的数量")
            columns = [c[0] for c in expected_columns(version)[name]]
            listed = ", ".join(f'"{c}"' for c in columns)
            query = f'SELECT {listed} FROM "{name}" LIMIT {MAX_ROWS[name] + 1}'
            tables[name] = [dict(zip(columns, row, strict=True)) for row in con.execute(query)]
    if version == 1:
        for row in tables["applications"]:
            row["uid"] = ""
    for name, rows in tables.items():
        _check_types(name, rows)
    _check_links(tables)
    return SnapshotRows(version, tables)


# Restoring ----------------------------------------------------------------------------------------


def insert_snapshot(engine: Engine, rows: SnapshotRows, uid: str) -> int:
    """Insert a checked snapshot as a new application in one transaction; returns its id."""
    tables = rows.tables
    app_row = dict(tables["applications"][0])
    old_app = app_row.pop("id")
    app_row["carried_from"] = None
    app_row["uid"] = uid
    with engine.begin() as con:
        new_id = inserted_id(con.execute(insert(applications).values(**app_row)))
        entry_map: dict[int, int] = {}
        for row in tables["entries"]:
            if row["application_id"] != old_app:
                continue
            values = {k: v for k, v in row.items() if k != "id"} | {"application_id": new_id}
            entry_map[row["id"]] = inserted_id(con.execute(insert(entries).values(**values)))
        for row in tables["answers"]:
            if row["entry_id"] in entry_map:
                con.execute(insert(answers).values(**(row | {"entry_id": entry_map[row["entry_id"]]})))
        for row in tables["section_flags"]:
            con.execute(insert(section_flags).values(**(row | {"application_id": new_id})))
        known = set(con.execute(select(blobs.c.sha256)).scalars())
        for row in tables["blobs"]:
            if row["sha256"] not in known:
                known.add(row["sha256"])
                con.execute(insert(blobs).values(**row))
        for row in tables["attachments"]:
            values = {k: v for k, v in row.items() if k != "id"} | {"application_id": new_id}
            if values["entry_id"] is not None:
                values["entry_id"] = entry_map.get(values["entry_id"])
            con.execute(insert(attachments).values(**values))
    return new_id

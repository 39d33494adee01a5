"""Read and write applications; returns plain dataclasses from desktop_app.domain, never ORM rows."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop_app.domain import ApplicationData, ApplicationSummary, Attachment, Entry, SectionData
from desktop_app.errors import NotFoundError
from desktop_app.storage.db import inserted_id
from desktop_app.storage.schema import (
    answers,
    applications,
    attachments,
    blobs,
    entries,
    section_flags,
    settings,
)

if TYPE_CHECKING:
    from desktop_app.storage.snapshot import SnapshotRows


def now() -> str:
    """Local time stamp stored with every change."""
    return datetime.now().isoformat(timespec="seconds")


class DuplicateAttachment(Exception):
    """The same bytes are already attached to this application (checked inside the write transaction)."""


def _write_lock(con: Connection) -> None:
    """Take SQLite's write lock now (BEGIN IMMEDIATE), so a check and the write that depends on it are atomic
    against other processes (parallel `set`/`attach` commands, the window)."""
    raw = con.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        con.exec_driver_sql("BEGIN IMMEDIATE")


def new_uid() -> str:
    """A fresh application identity (random, 32 hex digits)."""
    return uuid.uuid4().hex


class Repository:
    """All reads and writes of the drafts database; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Applications ---------------------------------------------------------------------------------

    def create_application(self, person_name: str, year: int, carried_from: int | None = None) -> int:
        """Create an empty application and return its id."""
        stamp = now()
        with self.engine.begin() as con:
            result = con.execute(
                insert(applications).values(
                    person_name=person_name,
                    year=year,
                    created_at=stamp,
                    updated_at=stamp,
                    ui_state="{}",
                    carried_from=carried_from,
                    uid=new_uid(),
                )
            )
            return inserted_id(result)

    def list_applications(self) -> list[ApplicationSummary]:
        """Every application, newest year first."""
        title = (
            select(answers.c.value)
            .join(entries, entries.c.id == answers.c.entry_id)
            .where(
                entries.c.application_id == applications.c.id,
                entries.c.section == "cover",
                answers.c.field == "title_name",
            )
            .limit(1)
            .scalar_subquery()
        )
        with self.engine.connect() as con:
            rows = con.execute(
                select(
                    applications.c.id,
                    applications.c.person_name,
                    applications.c.year,
                    title.label("title"),
                    applications.c.updated_at,
                ).order_by(applications.c.year.desc(), applications.c.id)
            ).all()
        return [
            ApplicationSummary(
                id=r.id,
                person_name=r.person_name,
                year=r.year,
                title_sought=_text_or_empty(r.title),
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def exists(self, app_id: int) -> bool:
        """Whether the application exists."""
        with self.engine.connect() as con:
            return (
                con.execute(select(applications.c.id).where(applications.c.id == app_id)).first() is not None
            )

    def _require(self, con: Connection, app_id: int) -> Any:
        row = con.execute(select(applications).where(applications.c.id == app_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {app_id} 的申报", "用 list 命令查看已有的申报")
        return row

    def application_uid(self, app_id: int) -> str:
        """The application's identity, as recorded in its backups."""
        with self.engine.connect() as con:
            return str(self._require(con, app_id).uid or "")

    def applications_with_uid(self, uid: str) -> list[int]:
        """Ids of local applications carrying this identity (normally at most one)."""
        with self.engine.connect() as con:
            return list(con.execute(select(applications.c.id).where(applications.c.uid == uid)).scalars())

    def delete_application(self, app_id: int) -> None:
        """Delete an application with all its entries and attachments (blobs stay in the store)."""
        with self.engine.begin() as con:
            self._require(con, app_id)
            con.execute(delete(applications).where(applications.c.id == app_id))

    def load(self, app_id: int) -> ApplicationData:
        """Everything the application holds."""
        with self.engine.connect() as con:
            app = self._require(con, app_id)
            entry_rows = con.execute(
                select(entries)
                .where(entries.c.application_id == app_id)
                .order_by(entries.c.section, entries.c.position)
            ).all()
            answer_rows = con.execute(
                select(answers.c.entry_id, answers.c.field, answers.c.value)
                .join(entries, entries.c.id == answers.c.entry_id)
                .where(entries.c.application_id == app_id)
            ).all()
            flags = con.execute(select(section_flags).where(section_flags.c.application_id == app_id)).all()
            attachment_rows = con.execute(
                select(attachments, blobs.c.media_type, blobs.c.size)
                .join(blobs, blobs.c.sha256 == attachments.c.sha256)
                .where(attachments.c.application_id == app_id)
                .order_by(
                    attachments.c.section, attachments.c.entry_id, attachments.c.position, attachments.c.id
                )
            ).all()
        values: dict[int, dict[str, Any]] = defaultdict(dict)
        unreadable: list[tuple[str, int, str]] = []
        sections_of = {row.id: row.section for row in entry_rows}
        for row in answer_rows:
            try:
                values[row.entry_id][row.field] = json.loads(row.value)
            except (ValueError, TypeError):
                # A value this program cannot parse (a damaged or hand-edited file) is a problem for that
                # field, shown as one to complete; it must never make the application unreachable.
                unreadable.append((sections_of.get(row.entry_id, ""), row.entry_id, row.field))
        by_section: dict[str, list[Entry]] = defaultdict(list)
        for row in entry_rows:
            by_section[row.section].append(
                Entry(
                    id=row.id,
                    position=row.position,
                    answers=dict(values[row.id]),
                    review_note=row.review_note,
                )
            )
        not_applicable = {f.section for f in flags if f.not_applicable}
        keys = set(by_section) | not_applicable
        sections = {
            key: SectionData(
                key=key, entries=tuple(by_section.get(key, ())), not_applicable=key in not_applicable
            )
            for key in keys
        }
        return ApplicationData(
            id=app.id,
            person_name=app.person_name,
            year=app.year,
            sections=sections,
            attachments=tuple(_attachment(r) for r in attachment_rows),
            ui_state=_json_object(app.ui_state),
            unreadable=tuple(unreadable),
        )

    def _touch(self, con: Connection, app_id: int) -> bool:
        """Mark the application changed; False when there is no such application."""
        result = con.execute(update(applications).where(applications.c.id == app_id).values(updated_at=now()))
        return bool(result.rowcount)

    def _sync_cached(self, con: Connection, app_id: int, section: str, field: str, value: Any) -> None:
        # The list shows name and year without reading answers.
        if section == "basic" and field == "name":
            con.execute(
                update(applications).where(applications.c.id == app_id).values(person_name=value or "")
            )
        elif section == "cover" and field == "year" and value:
            con.execute(update(applications).where(applications.c.id == app_id).values(year=int(value)))

    def update_ui_state(self, app_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some keys of ui_state and keep the others, in one write transaction; returns the new state."""
        with self.engine.begin() as con:
            _write_lock(con)
            stored = con.execute(select(applications.c.ui_state).where(applications.c.id == app_id)).scalar()
            state = _json_object(stored)
            state.update(changes)
            con.execute(
                update(applications)
                .where(applications.c.id == app_id)
                .values(ui_state=json.dumps(state, ensure_ascii=False))
            )
        return state

    def set_ui_state(self, app_id: int, state: Mapping[str, Any]) -> None:
        """Remember where the wizard was."""
        with self.engine.begin() as con:
            con.execute(
                update(applications)
                .where(applications.c.id == app_id)
                .values(ui_state=json.dumps(dict(state), ensure_ascii=False))
            )

    # Entries --------------------------------------------------------------------------------------

    def entry_ids(self, app_id: int, section: str) -> list[int]:
        """Entry ids of a section in order."""
        with self.engine.connect() as con:
            self._require(con, app_id)
            return list(
                con.execute(
                    select(entries.c.id)
                    .where(entries.c.application_id == app_id, entries.c.section == section)
                    .order_by(entries.c.position)
                ).scalars()
            )

    def add_entry(
        self,
        app_id: int,
        section: str,
        values: Mapping[str, Any] | None = None,
        review_note: str = "",
    ) -> int:
        """Append an entry to a section (with optional answers) and return its id."""
        stamp = now()
        with self.engine.begin() as con:
            _write_lock(con)
            self._require(con, app_id)
            return self._insert_entry(con, app_id, section, values, review_note, stamp)

    def _insert_entry(
        self,
        con: Connection,
        app_id: int,
        section: str,
        values: Mapping[str, Any] | None,
        review_note: str,
        stamp: str,
    ) -> int:
        last = con.execute(
            select(func.max(entries.c.position)).where(
                entries.c.application_id == app_id, entries.c.section == section
            )
        ).scalar()
        result = con.execute(
            insert(entries).values(
                application_id=app_id,
                section=section,
                position=0 if last is None else last + 1,
                review_note=review_note,
                created_at=stamp,
            )
        )
        entry_id = inserted_id(result)
        self._write_values(con, app_id, section, entry_id, values or {}, stamp)
        # Adding an entry means the section is no longer "nothing to declare".
        con.execute(
            delete(section_flags).where(
                section_flags.c.application_id == app_id, section_flags.c.section == section
            )
        )
        self._touch(con, app_id)
        return entry_id

    def set_values_at(self, app_id: int, section: str, index: int, values: Mapping[str, Any]) -> int:
        """Write answers into the section's entry at 0-based `index`, creating it when index == count; one write
        transaction, so parallel commands on an empty section create one entry. Returns the entry id.

        Raises IndexError(count) when index > count.
        """
        stamp = now()
        with self.engine.begin() as con:
            _write_lock(con)
            self._require(con, app_id)
            ids = list(
                con.execute(
                    select(entries.c.id)
                    .where(entries.c.application_id == app_id, entries.c.section == section)
                    .order_by(entries.c.position, entries.c.id)
                ).scalars()
            )
            if index > len(ids):
                raise IndexError(len(ids))
            if index == len(ids):
                return self._insert_entry(con, app_id, section, values, "", stamp)
            self._write_values(con, app_id, section, ids[index], values, stamp)
            self._touch(con, app_id)
            return int(ids[index])

    def _entry(self, con: Connection, entry_id: int) -> Any:
        row = con.execute(select(entries).where(entries.c.id == entry_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {entry_id} 的条目")
        return row

    def _write_values(
        self, con: Connection, app_id: int, section: str, entry_id: int, values: Mapping[str, Any], stamp: str
    ) -> None:
        for field, value in values.items():
            con.execute(delete(answers).where(answers.c.entry_id == entry_id, answers.c.field == field))
            if value is not None and value != "":
                con.execute(
                    insert(answers).values(
                        entry_id=entry_id,
                        field=field,
                        value=json.dumps(value, ensure_ascii=False),
                        updated_at=stamp,
                    )
                )
            self._sync_cached(con, app_id, section, field, value)

    def set_values(self, entry_id: int, values: Mapping[str, Any]) -> None:
        """Write several answers of one entry at once; None or "" clears a value."""
        stamp = now()
        with self.engine.begin() as con:
            row = self._entry(con, entry_id)
            self._write_values(con, row.application_id, row.section, entry_id, values, stamp)
            self._touch(con, row.application_id)

    def single_entry_id(self, app_id: int, section: str) -> int:
        """The one entry of a single section, created on first use."""
        ids = self.entry_ids(app_id, section)
        if ids:
            return ids[0]
        return self.add_entry(app_id, section)

    def delete_entry(self, entry_id: int) -> None:
        """Delete an entry and close the gap in positions."""
        with self.engine.begin() as con:
            row = self._entry(con, entry_id)
            con.execute(delete(entries).where(entries.c.id == entry_id))
            self._renumber(con, row.application_id, row.section)
            self._touch(con, row.application_id)

    def _renumber(self, con: Connection, app_id: int, section: str) -> None:
        ids = con.execute(
            select(entries.c.id)
            .where(entries.c.application_id == app_id, entries.c.section == section)
            .order_by(entries.c.position, entries.c.id)
        ).scalars()
        for position, entry_id in enumerate(list(ids)):
            con.execute(update(entries).where(entries.c.id == entry_id).values(position=position))

    def move_entry(self, entry_id: int, delta: int) -> None:
        """Move an entry up (delta < 0) or down within its section."""
        with self.engine.begin() as con:
            row = self._entry(con, entry_id)
            ids = list(
                con.execute(
                    select(entries.c.id)
                    .where(entries.c.application_id == row.application_id, entries.c.section == row.section)
                    .order_by(entries.c.position, entries.c.id)
                ).scalars()
            )
            index = ids.index(entry_id)
            target = max(0, min(len(ids) - 1, index + delta))
            ids.insert(target, ids.pop(index))
            for position, eid in enumerate(ids):
                con.execute(update(entries).where(entries.c.id == eid).values(position=position))
            self._touch(con, row.application_id)

    def set_review_note(self, entry_id: int, note: str) -> None:
        """Set or clear an entry's "please check" note."""
        with self.engine.begin() as con:
            row = self._entry(con, entry_id)
            con.execute(update(entries).where(entries.c.id == entry_id).values(review_note=note))
            self._touch(con, row.application_id)

    def set_not_applicable(self, app_id: int, section: str, flag: bool) -> None:
        """Mark a section 无此项 (nothing to declare) or clear the mark."""
        with self.engine.begin() as con:
            self._require(con, app_id)
            con.execute(
                delete(section_flags).where(
                    section_flags.c.application_id == app_id, section_flags.c.section == section
                )
            )
            if flag:
                con.execute(
                    insert(section_flags).values(application_id=app_id, section=section, not_applicable=True)
                )
            self._touch(con, app_id)

    # Blobs and attachments ------------------------------------------------------------------------

    def record_blob(self, sha256: str, size: int, media_type: str) -> None:
        """Register a stored blob (idempotent)."""
        with self.engine.begin() as con:
            self._record_blob(con, sha256, size, media_type)

    @staticmethod
    def _record_blob(con: Connection, sha256: str, size: int, media_type: str) -> None:
        con.execute(
            sqlite_insert(blobs)
            .values(sha256=sha256, size=size, media_type=media_type, created_at=now())
            .on_conflict_do_nothing(index_elements=[blobs.c.sha256])
        )

    def add_attachment(
        self,
        app_id: int,
        *,
        sha256: str,
        original_name: str,
        display_name: str,
        kind: str = "",
        section: str | None = None,
        entry_id: int | None = None,
        edits: Mapping[str, Any] | None = None,
        blob: tuple[int, str] | None = None,
        refuse_duplicate: bool = False,
    ) -> int:
        """Attach a stored blob to an entry, a section or the whole application.

        `blob` (size, media type) registers the blob in the same transaction (as `record_blob` does);
        `refuse_duplicate` raises DuplicateAttachment when these bytes are already attached to the application,
        checked in the same write transaction (parallel imports of one file store it once).
        """
        with self.engine.begin() as con:
            _write_lock(con)
            if (
                refuse_duplicate
                and con.execute(
                    select(attachments.c.id)
                    .where(attachments.c.application_id == app_id, attachments.c.sha256 == sha256)
                    .limit(1)
                ).first()
            ):
                raise DuplicateAttachment(sha256)
            if not self._touch(con, app_id):
                self._require(con, app_id)  # raises the Chinese "no such application" message
            if blob is not None:
                self._record_blob(con, sha256, *blob)
            last = con.execute(
                select(func.max(attachments.c.position)).where(
                    attachments.c.application_id == app_id,
                    _same(attachments.c.section, section),
                    _same(attachments.c.entry_id, entry_id),
                )
            ).scalar()
            result = con.execute(
                insert(attachments).values(
                    application_id=app_id,
                    section=section,
                    entry_id=entry_id,
                    kind=kind,
                    sha256=sha256,
                    original_name=original_name,
                    display_name=display_name,
                    position=0 if last is None else last + 1,
                    edits=json.dumps(dict(edits or {}), ensure_ascii=False),
                    created_at=now(),
                )
            )
            return inserted_id(result)

    def update_attachment(self, attachment_id: int, **values: Any) -> None:
        """Change an attachment's display name, kind, position or edits (never its bytes)."""
        allowed = {"display_name", "kind", "position", "edits", "section", "entry_id"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        if "edits" in values:
            values["edits"] = json.dumps(dict(values["edits"]), ensure_ascii=False)
        with self.engine.begin() as con:
            row = con.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
            if row is None:
                raise NotFoundError(f"没有编号为 {attachment_id} 的附件")
            con.execute(update(attachments).where(attachments.c.id == attachment_id).values(**values))
            self._touch(con, row.application_id)

    def merge_edits(self, attachment_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some edits of an attachment in one transaction, keeping the others as they are now
        (a value None removes the key); returns the edits stored."""
        with self.engine.begin() as con:
            row = con.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
            if row is None:
                raise NotFoundError(f"没有编号为 {attachment_id} 的附件", "它可能刚被删除，请刷新后重试")
            edits = _json_object(row.edits)
            for key, value in changes.items():
                if value is None:
                    edits.pop(key, None)
                else:
                    edits[key] = value
            con.execute(
                update(attachments)
                .where(attachments.c.id == attachment_id)
                .values(edits=json.dumps(edits, ensure_ascii=False))
            )
            self._touch(con, row.application_id)
        return edits

    def delete_attachment(self, attachment_id: int) -> None:
        """Detach a scan (its blob stays in the store; other attachments may share it)."""
        with self.engine.begin() as con:
            row = con.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
            if row is None:
                raise NotFoundError(f"没有编号为 {attachment_id} 的附件")
            con.execute(delete(attachments).where(attachments.c.id == attachment_id))
            self._touch(con, row.application_id)

    def attachments_with_blob(self, sha256: str) -> list[tuple[int, Attachment]]:
        """Every (application id, attachment) that uses these bytes, across all applications."""
        with self.engine.connect() as con:
            rows = con.execute(
                select(attachments, blobs.c.media_type, blobs.c.size)
                .join(blobs, blobs.c.sha256 == attachments.c.sha256)
                .where(attachments.c.sha256 == sha256)
            ).all()
        return [(r.application_id, _attachment(r)) for r in rows]

    def all_blob_hashes(self) -> set[str]:
        """Hashes of every registered blob."""
        with self.engine.connect() as con:
            return set(con.execute(select(blobs.c.sha256)).scalars())

    # Settings -------------------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON value) or the default."""
        with self.engine.connect() as con:
            raw = con.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
        if raw is None:
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (nothing is written when it already has this value)."""
        text = json.dumps(value, ensure_ascii=False)
        with self.engine.begin() as con:
            if con.execute(select(settings.c.value).where(settings.c.key == key)).scalar() == text:
                return
            con.execute(delete(settings).where(settings.c.key == key))
            con.execute(insert(settings).values(key=key, value=text))

    # Snapshots (backup and restore of one application) -----------------------------------------

    def write_snapshot(self, app_id: int, target: Path) -> None:
        """A consistent SQLite copy of the database holding only this application."""
        from desktop_app.storage.snapshot import write_snapshot

        self._require_exists(app_id)
        write_snapshot(Path(str(self.engine.url.database)), app_id, target)

    def _require_exists(self, app_id: int) -> None:
        with self.engine.connect() as con:
            self._require(con, app_id)

    def restore_snapshot(self, rows: SnapshotRows, uid: str) -> int:
        """Insert a checked snapshot (storage.snapshot.read_snapshot) as a new application; returns its id."""
        from desktop_app.storage.snapshot import insert_snapshot

        return insert_snapshot(self.engine, rows, uid)


def with_values(app: ApplicationData, entry_id: int, values: Mapping[str, Any]) -> ApplicationData:
    """The application as `load` would return it after `set_values(entry_id, values)`, built in memory.

    Mirrors `_write_values` and `_sync_cached`: None or "" removes an answer, the rest are kept as their JSON
    round trip (what reading them back gives), basic.name and cover.year update the cached name and year.
    """
    stored = {
        k: (None if v is None or v == "" else json.loads(json.dumps(v, ensure_ascii=False)))
        for k, v in values.items()
    }
    sections = dict(app.sections)
    person_name, year = app.person_name, app.year
    for key, data in app.sections.items():
        if not any(e.id == entry_id for e in data.entries):
            continue
        changed = []
        for entry in data.entries:
            if entry.id == entry_id:
                answers_now = {k: v for k, v in entry.answers.items() if k not in stored}
                answers_now.update({k: v for k, v in stored.items() if v is not None})
                entry = replace(entry, answers=answers_now)
            changed.append(entry)
        sections[key] = replace(data, entries=tuple(changed))
        if key == "basic" and "name" in stored:
            person_name = str(stored["name"] or "")
        new_year = stored.get("year")
        if key == "cover" and new_year:
            year = int(new_year)
        break
    else:
        raise NotFoundError(f"没有编号为 {entry_id} 的条目")
    unreadable = tuple(u for u in app.unreadable if not (u[1] == entry_id and u[2] in stored))
    return replace(app, sections=sections, person_name=person_name, year=year, unreadable=unreadable)


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def _attachment(row: Any) -> Attachment:
    return Attachment(
        id=row.id,
        sha256=row.sha256,
        original_name=row.original_name,
        display_name=row.display_name,
        kind=row.kind,
        section=row.section,
        entry_id=row.entry_id,
        position=row.position,
        media_type=row.media_type,
        size=row.size,
        edits=_json_object(row.edits),
    )


def _json_object(text: str | None) -> dict[str, Any]:
    """A stored JSON object, or {} when it is empty or cannot be read (never an exception)."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def _text_or_empty(text: str | None) -> str:
    try:
        value = json.loads(text) if text else ""
    except (ValueError, TypeError):
        return ""
    return value if isinstance(value, str) else str(value)


__all__ = ["Repository", "now"]

"""Tables of the drafts database (SQLAlchemy Core). Answers are generic: a new field needs no schema change."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

applications = Table(
    "applications",
    metadata,
    Column("id", Integer, primary_key=True),
    # Cached from basic.name / cover.year so the list needs no answer lookups.
    Column("person_name", Text, nullable=False, default=""),
    Column("year", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    # Where the wizard was (page, entry, field) so reopening restores it; JSON.
    Column("ui_state", Text, nullable=False, default="{}"),
    # The application this one was carried forward from (从往年申报继续), if any.
    Column("carried_from", Integer, nullable=True),
    # Identity that travels with backups (schema version 2): rotation and restore match on it, never on names.
    Column("uid", String(32), nullable=False, default="", server_default=""),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    Column("section", String(40), nullable=False),
    Column("position", Integer, nullable=False),
    Column("review_note", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
)

answers = Table(
    "answers",
    metadata,
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(60), nullable=False),
    # JSON-encoded value.
    Column("value", Text, nullable=False),
    Column("updated_at", String(32), nullable=False),
    PrimaryKeyConstraint("entry_id", "field"),
)

section_flags = Table(
    "section_flags",
    metadata,
    Column("application_id", Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    Column("section", String(40), nullable=False),
    Column("not_applicable", Boolean, nullable=False, default=False),
    PrimaryKeyConstraint("application_id", "section"),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("media_type", String(80), nullable=False, default="application/octet-stream"),
    Column("created_at", String(32), nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    # NULL section: attached to the whole application (e.g. 职称申报承诺书).
    Column("section", String(40), nullable=True),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(60), nullable=False, default=""),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("position", Integer, nullable=False, default=0),
    # Rotation / crop / page choice stored as an edit; the blob itself is never rewritten. JSON.
    Column("edits", Text, nullable=False, default="{}"),
    Column("created_at", String(32), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
    UniqueConstraint("key"),
)

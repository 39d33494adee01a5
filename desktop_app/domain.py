"""Plain data passed between storage, services, UI, packet and backup (no ORM rows, no widgets)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A stored answer: str for text-like types, int/float for numbers.
Value = Any


@dataclass(frozen=True)
class Entry:
    """One entry of a section (single sections have exactly one, position 0)."""

    id: int
    position: int
    answers: Mapping[str, Value]
    # Set when the entry was carried over from an earlier year and still needs a look ("从 YYYY 年带入，请核对").
    review_note: str = ""


@dataclass(frozen=True)
class Attachment:
    """A scan attached to an entry, a section or the application (entry_id/section None)."""

    id: int
    sha256: str
    original_name: str
    display_name: str
    kind: str
    section: str | None
    entry_id: int | None
    position: int
    media_type: str
    size: int
    edits: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionData:
    """A section's entries in order, and whether it was marked 无此项."""

    key: str
    entries: tuple[Entry, ...] = ()
    not_applicable: bool = False


@dataclass(frozen=True)
class ApplicationSummary:
    """One line of the applications list."""

    id: int
    person_name: str
    year: int
    title_sought: str
    updated_at: str


@dataclass(frozen=True)
class ApplicationData:
    """Everything one application holds: answers per section and its attachments."""

    id: int
    person_name: str
    year: int
    sections: Mapping[str, SectionData]
    attachments: tuple[Attachment, ...] = ()
    ui_state: Mapping[str, Any] = field(default_factory=dict)
    # Stored values that could not be read back (section, entry id, field): shown as problems, left out.
    unreadable: tuple[tuple[str, int, str], ...] = ()

    def section(self, key: str) -> SectionData:
        """The section's data (empty when nothing was stored yet)."""
        return self.sections.get(key) or SectionData(key=key)

    def single(self, key: str) -> Mapping[str, Value]:
        """Answers of a single (non-repeatable) section."""
        entries = self.section(key).entries
        return entries[0].answers if entries else {}

    def value(self, section: str, field_key: str) -> Value:
        """A single section's answer, or None."""
        return self.single(section).get(field_key)

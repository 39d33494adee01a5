"""Frozen dataclasses describing the declaration's steps, as loaded from forms/*.toml."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Condition:
    """A field is required (or shown) only when another field has one of these values.

    `field` is a key in the same entry ("type") or a single section's key ("cover.dispatched").
    """

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a section."""

    key: str
    label: str
    type: str
    required: bool = False
    required_if: Condition | None = None
    help: str = ""
    placeholder: str = ""
    choices: tuple[str, ...] = ()
    # Dynamic choices from the reference data ("series", "track", "title", "committee", "district", ...).
    choices_from: str = ""
    # Free text is accepted beside the choices (an editable combo box).
    choices_editable: bool = False
    min_length: int = 0
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str = ""
    pattern_message: str = ""
    allow_future: bool = False
    allow_open_end: bool = True
    # A full official name is expected: warn when it looks abbreviated (schools, units, journals).
    full_name: bool = False
    # How the field prints: "yes" in tables/forms, "no" never, "block" as its own paragraph (long text).
    print: str = "yes"
    print_label: str = ""
    # Relative column width when the section prints as a table.
    print_width: float = 1.0
    # Shown read-only, computed by the app (e.g. birth date from the ID number); never entered.
    derived: bool = False

    @property
    def printed_label(self) -> str:
        """Label used in the printed packet."""
        return self.print_label or self.label


@dataclass(frozen=True)
class AttachmentKind:
    """A kind of scan a section expects, with the words its file name should contain."""

    key: str
    label: str
    keywords: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    required: bool = False
    # "entry": one per entry; "section": once for the section; "application": once for the whole declaration.
    per: str = "entry"
    required_if: Condition | None = None
    help: str = ""
    # The document's real size in millimetres when it is always the same (an ID card): its scan's resolution
    # is then judged against the document, not against the page it is printed on.
    physical_mm: tuple[float, float] | None = None


# Kinds of cross-field rule (see desktop_app/formspec/crossfield.py for what each checks).
RULE_KINDS = ("order", "implies", "same_year", "patent_type", "after_birth", "equal")


@dataclass(frozen=True)
class Expect:
    """What a rule's `then` asks of a field: one of the values, none of them, empty, filled, or (not) listed."""

    field: str
    values: tuple[str, ...] = ()
    not_values: tuple[str, ...] = ()
    empty: bool = False
    filled: bool = False
    # "committees": the value must be (listed = True) or must not be (False) a committee of the guide's list.
    listed_in: str = ""
    listed: bool = True


@dataclass(frozen=True)
class RuleSpec:
    """A cross-field rule declared in forms/*.toml, with its Chinese message and the guide clause it comes from.

    Fields are "key" (same entry) or "section.key" (a single section, or the values of a repeatable one).
    `first`/`second` name the two compared fields; `when` (optional) limits the rule to some answers.
    """

    kind: str
    message: str
    clause: str = ""
    first: str = ""
    second: str = ""
    strict: bool = True
    when: Condition | None = None
    then: Expect | None = None
    severity: str = "error"


@dataclass(frozen=True)
class SectionSpec:
    """One step of the declaration: 基本信息, the cover, or one of the guide's numbered sections."""

    key: str
    number: int
    title: str
    file: str
    repeatable: bool
    fields: tuple[FieldSpec, ...]
    attachments: tuple[AttachmentKind, ...] = ()
    help: str = ""
    # Repeatable sections: at least this many entries unless marked 无此项 (when allowed).
    min_entries: int = 0
    # Whether the section may be marked 无此项 ("如没有无需填写").
    allow_not_applicable: bool = True
    # How the section prints: "form" (label/value grid), "table" (one row per entry), "text" (long text).
    print_layout: str = "table"
    # Fields shown as columns in the wizard's entry table.
    summary_fields: tuple[str, ...] = ()
    # Cross-field rules (forms/*.toml [[rules]]), evaluated by the one completeness check.
    rules: tuple[RuleSpec, ...] = ()
    # The field whose value tells an entry's scans apart in their upload names (论文题目, 学校 …); "" for none.
    name_field: str = ""

    def field(self, key: str) -> FieldSpec:
        """The field with this key; KeyError when absent."""
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def has_field(self, key: str) -> bool:
        """Whether the section declares this field."""
        return any(spec.key == key for spec in self.fields)

    @property
    def is_numbered_section(self) -> bool:
        """True for the 13 declaration sections (not 基本信息 or the cover)."""
        return self.number > 0


@dataclass(frozen=True)
class FormSet:
    """All steps in the online system's left-menu order."""

    sections: tuple[SectionSpec, ...] = field(default_factory=tuple)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    @property
    def keys(self) -> tuple[str, ...]:
        """Section keys in menu order."""
        return tuple(s.key for s in self.sections)

    def section(self, key: str) -> SectionSpec:
        """The section with this key; KeyError when absent."""
        for spec in self.sections:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def has_section(self, key: str) -> bool:
        """Whether a section with this key exists."""
        return any(s.key == key for s in self.sections)

"""A finding of the completeness check: what is missing or contradicts what, where (section, entry, field)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class FieldRef:
    """A field on a page: the other side of a contradiction."""

    section: str
    section_title: str
    entry: int | None
    entry_id: int | None
    field: str
    field_label: str

    def location(self) -> str:
        """Where, in the guide's words: 基本信息 是否自由职业者, 学历情况 第1条 毕业时间."""
        return " ".join(
            p for p in (self.section_title, f"第{self.entry}条" if self.entry else "", self.field_label) if p
        )


@dataclass(frozen=True)
class Finding:
    """One thing to complete or fix; `entry` is 1-based, `field` a field key (both None for the section)."""

    section: str
    section_title: str
    entry: int | None
    entry_id: int | None
    field: str | None
    field_label: str
    message: str
    severity: str = ERROR
    # A contradiction's other field (its page and entry), so both can be opened with 去完善.
    other: FieldRef | None = None
    # Something not there yet (an empty required field, entry or scan), not a wrong value: the step is 填写中.
    missing: bool = False
    # The attachment kind of a missing required scan (a draft packet leaves its place).
    kind: str | None = None

    @property
    def is_error(self) -> bool:
        """Errors block submission; warnings are advice."""
        return self.severity == ERROR

    def location(self) -> str:
        """Where, in the guide's words: 撰写论文情况 第2条 期刊名称."""
        parts = [self.section_title]
        if self.entry is not None:
            parts.append(f"第{self.entry}条")
        if self.field_label:
            parts.append(self.field_label)
        return " ".join(parts)

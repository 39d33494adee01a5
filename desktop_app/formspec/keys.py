"""Parse answer keys: `section.field` and `section[N].field` (N is 1-based)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<index>[0-9]+)\])?(?:\.(?P<field>[a-z_][a-z0-9_]*))?$")


@dataclass(frozen=True)
class AnswerKey:
    """A parsed key; `index` is 1-based or None, `field` may be None (a whole entry or section)."""

    section: str
    index: int | None
    field: str | None

    def __str__(self) -> str:
        text = self.section
        if self.index is not None:
            text += f"[{self.index}]"
        if self.field:
            text += f".{self.field}"
        return text


def parse_key(text: str) -> AnswerKey:
    """Parse a key or raise ValueError with a Chinese message showing the accepted shapes."""
    # [0-9], not \d: \d also matches other scripts' digits ("١"), which int() would read as 1.
    match = _KEY.match(text.strip())
    if not match:
        raise ValueError(
            f"无法识别的键“{text}”：应写成 分节.字段（如 basic.name）或 分节[序号].字段（如 papers[1].title）"
        )
    index = match.group("index")
    if index is not None and int(index) < 1:
        raise ValueError(f"键“{text}”中的序号从 1 开始")
    return AnswerKey(match.group("section"), None if index is None else int(index), match.group("field"))

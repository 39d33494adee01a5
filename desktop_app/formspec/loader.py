"""Load forms/*.toml into frozen dataclasses; a broken definition names its file and key."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from desktop_app.formspec.model import (
    RULE_KINDS,
    AttachmentKind,
    Condition,
    Expect,
    FieldSpec,
    FormSet,
    RuleSpec,
    SectionSpec,
)
from desktop_app.formspec.toml_cache import load_toml, parse_toml
from desktop_app.formspec.types import FIELD_TYPES

# The online system's left-menu order (五、（二）) is the order of the files' two-digit prefixes in forms/
# (01_basic.toml, 02_cover.toml, 03_current_title.toml …); the guide's numbering is each file's `number`.
MENU_PREFIX = re.compile(r"[0-9]{2}_")
# The sections the app's own code names (the demo aside): forms/ without one of them cannot work. Kept equal to
# what the code names by tests/formspec/test_keys_in_code.py; the order and numbers are the folder's.
SECTIONS_NAMED_IN_CODE = frozenset(
    {"basic", "cover", "current_title", "education", "work_summary", "annual_review"}
)

PRINT_MODES = ("yes", "no", "block")
PRINT_LAYOUTS = ("form", "table", "text")
ATTACHMENT_SCOPES = ("entry", "section", "application")


class FormDefinitionError(ValueError):
    """A forms/*.toml file that does not describe a valid section."""

    def __init__(self, file: str, key: str, detail: str) -> None:
        super().__init__(f"表单定义文件 {file} 的 {key} 有误：{detail}")
        self.file = file
        self.key = key
        self.detail = detail


_SECTION_KEYS = {
    "key",
    "number",
    "title",
    "repeatable",
    "help",
    "min_entries",
    "allow_not_applicable",
    "print_layout",
    "summary_fields",
    "fields",
    "attachments",
    "rules",
    "name_field",
}
_FIELD_KEYS = {
    "key",
    "label",
    "type",
    "required",
    "required_if",
    "help",
    "placeholder",
    "choices",
    "choices_from",
    "choices_editable",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "pattern",
    "pattern_message",
    "allow_future",
    "allow_open_end",
    "full_name",
    "print",
    "print_label",
    "print_width",
    "derived",
}
_ATTACHMENT_KEYS = {
    "key",
    "label",
    "keywords",
    "synonyms",
    "required",
    "per",
    "required_if",
    "help",
    "physical_mm",
}


def _expect(file: str, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind):
        raise FormDefinitionError(file, key, f"应为{what}")
    return value


def _condition(file: str, where: str, raw: Any) -> Condition | None:
    if raw is None:
        return None
    _expect(file, where, raw, dict, "表（field 与 values）")
    unknown = set(raw) - {"field", "values"}
    if unknown or "field" not in raw or "values" not in raw:
        raise FormDefinitionError(file, where, "required_if 只能包含 field 和 values")
    values = _expect(file, where + ".values", raw["values"], list, "字符串列表")
    return Condition(field=str(raw["field"]), values=tuple(str(x) for x in values))


def _field(file: str, index: int, raw: Any) -> FieldSpec:
    where = f"fields[{index}]"
    _expect(file, where, raw, dict, "表")
    key = raw.get("key")
    if not isinstance(key, str) or not key.isidentifier() or key != key.lower():
        raise FormDefinitionError(file, where + ".key", "字段键必须是小写英文标识符")
    where = f"fields.{key}"
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise FormDefinitionError(file, where, f"未知的属性 {', '.join(sorted(unknown))}")
    label = _expect(file, where + ".label", raw.get("label"), str, "中文名称")
    type_name = _expect(file, where + ".type", raw.get("type"), str, "类型名")
    if type_name not in FIELD_TYPES:
        raise FormDefinitionError(file, where + ".type", f"未知的字段类型 {type_name}")
    choices = tuple(str(c) for c in raw.get("choices", ()))
    choices_from = str(raw.get("choices_from", ""))
    if type_name == "choice" and not choices and not choices_from:
        raise FormDefinitionError(file, where, "选择题必须给出 choices 或 choices_from")
    if len(set(choices)) != len(choices):
        raise FormDefinitionError(file, where + ".choices", "选项重复")
    print_mode = str(raw.get("print", "yes"))
    if print_mode not in PRINT_MODES:
        raise FormDefinitionError(file, where + ".print", f"应为 {'/'.join(PRINT_MODES)}")
    max_length = raw.get("max_length")
    minimum = raw.get("minimum")
    maximum = raw.get("maximum")
    return FieldSpec(
        key=key,
        label=label,
        type=type_name,
        required=bool(raw.get("required", False)),
        required_if=_condition(file, where + ".required_if", raw.get("required_if")),
        help=str(raw.get("help", "")),
        placeholder=str(raw.get("placeholder", "")),
        choices=choices,
        choices_from=choices_from,
        choices_editable=bool(raw.get("choices_editable", False)),
        min_length=int(raw.get("min_length", 0)),
        max_length=None if max_length is None else int(max_length),
        minimum=None if minimum is None else float(minimum),
        maximum=None if maximum is None else float(maximum),
        pattern=str(raw.get("pattern", "")),
        pattern_message=str(raw.get("pattern_message", "")),
        allow_future=bool(raw.get("allow_future", False)),
        allow_open_end=bool(raw.get("allow_open_end", True)),
        full_name=bool(raw.get("full_name", False)),
        print=print_mode,
        print_label=str(raw.get("print_label", "")),
        print_width=float(raw.get("print_width", 1.0)),
        derived=bool(raw.get("derived", False)),
    )


def _attachment(file: str, index: int, raw: Any) -> AttachmentKind:
    where = f"attachments[{index}]"
    _expect(file, where, raw, dict, "表")
    key = raw.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        raise FormDefinitionError(file, where + ".key", "附件种类键必须是英文标识符")
    where = f"attachments.{key}"
    unknown = set(raw) - _ATTACHMENT_KEYS
    if unknown:
        raise FormDefinitionError(file, where, f"未知的属性 {', '.join(sorted(unknown))}")
    keywords = _expect(file, where + ".keywords", raw.get("keywords"), list, "关键词列表")
    if not keywords:
        raise FormDefinitionError(file, where + ".keywords", "至少需要一个文件名关键词")
    per = str(raw.get("per", "entry"))
    if per not in ATTACHMENT_SCOPES:
        raise FormDefinitionError(file, where + ".per", f"应为 {'/'.join(ATTACHMENT_SCOPES)}")
    return AttachmentKind(
        key=key,
        label=_expect(file, where + ".label", raw.get("label"), str, "中文名称"),
        keywords=tuple(str(k) for k in keywords),
        synonyms=tuple(str(k) for k in raw.get("synonyms", ())),
        required=bool(raw.get("required", False)),
        per=per,
        required_if=_condition(file, where + ".required_if", raw.get("required_if")),
        help=str(raw.get("help", "")),
        physical_mm=_physical(file, where, raw.get("physical_mm")),
    )


def _physical(file: str, where: str, raw: Any) -> tuple[float, float] | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(x, (int, float)) and x > 0 for x in raw)
    ):
        raise FormDefinitionError(file, where + ".physical_mm", "应为两个正数：宽、高（毫米）")
    return float(raw[0]), float(raw[1])


_RULE_KEYS = {"kind", "message", "clause", "first", "second", "strict", "when", "then", "severity"}
_EXPECT_KEYS = {"field", "values", "not_values", "empty", "filled", "listed_in", "listed"}
# Which of first/second/then each kind needs.
_RULE_NEEDS = {
    "order": ("first", "second"),
    "equal": ("first", "second"),
    "same_year": ("first", "second"),
    "patent_type": ("first", "second"),
    "after_birth": ("first",),
    "implies": ("when", "then"),
}


def _rule(file: str, index: int, raw: Any) -> RuleSpec:
    where = f"rules[{index}]"
    _expect(file, where, raw, dict, "表")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise FormDefinitionError(file, where, f"未知的属性 {', '.join(sorted(unknown))}")
    kind = str(raw.get("kind", ""))
    if kind not in RULE_KINDS:
        raise FormDefinitionError(file, where + ".kind", f"应为 {'/'.join(RULE_KINDS)}")
    message = _expect(file, where + ".message", raw.get("message"), str, "中文说明")
    for needed in _RULE_NEEDS[kind]:
        if not raw.get(needed):
            raise FormDefinitionError(file, where, f"{kind} 规则须给出 {needed}")
    severity = str(raw.get("severity", "error"))
    if severity not in ("error", "warning"):
        raise FormDefinitionError(file, where + ".severity", "应为 error 或 warning")
    then = None
    if "then" in raw:
        spec = _expect(file, where + ".then", raw["then"], dict, "表")
        if set(spec) - _EXPECT_KEYS or "field" not in spec:
            raise FormDefinitionError(
                file, where + ".then", "须有 field，且只能包含 " + "、".join(sorted(_EXPECT_KEYS))
            )
        then = Expect(
            field=str(spec["field"]),
            values=tuple(str(v) for v in spec.get("values", ())),
            not_values=tuple(str(v) for v in spec.get("not_values", ())),
            empty=bool(spec.get("empty", False)),
            filled=bool(spec.get("filled", False)),
            listed_in=str(spec.get("listed_in", "")),
            listed=bool(spec.get("listed", True)),
        )
    return RuleSpec(
        kind=kind,
        message=message,
        clause=str(raw.get("clause", "")),
        first=str(raw.get("first", "")),
        second=str(raw.get("second", "")),
        strict=bool(raw.get("strict", True)),
        when=_condition(file, where + ".when", raw.get("when")),
        then=then,
        severity=severity,
    )


def load_section(path: Path, use_cache: bool = False) -> SectionSpec:
    """Parse one forms/*.toml file (`use_cache`: its parse may come from cache/toml, see toml_cache)."""
    file = path.name
    try:
        raw = load_toml(path, universal_newlines=True)[0] if use_cache else parse_toml(path, True)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(file, "(文件)", f"不是有效的 TOML：{exc}") from exc
    unknown = set(raw) - _SECTION_KEYS
    if unknown:
        raise FormDefinitionError(file, "(顶层)", f"未知的属性 {', '.join(sorted(unknown))}")
    key = _expect(file, "key", raw.get("key"), str, "英文键")
    title = _expect(file, "title", raw.get("title"), str, "中文标题")
    number = _expect(file, "number", raw.get("number", 0), int, "整数")
    fields = tuple(_field(file, i, f) for i, f in enumerate(raw.get("fields", [])))
    if not fields:
        raise FormDefinitionError(file, "fields", "至少需要一个字段")
    field_keys = [f.key for f in fields]
    duplicates = sorted({k for k in field_keys if field_keys.count(k) > 1})
    if duplicates:
        raise FormDefinitionError(file, f"fields.{duplicates[0]}", "字段键重复")
    attachments = tuple(_attachment(file, i, a) for i, a in enumerate(raw.get("attachments", [])))
    kinds = [a.key for a in attachments]
    if len(set(kinds)) != len(kinds):
        raise FormDefinitionError(file, "attachments", "附件种类键重复")
    layout = str(raw.get("print_layout", "table"))
    if layout not in PRINT_LAYOUTS:
        raise FormDefinitionError(file, "print_layout", f"应为 {'/'.join(PRINT_LAYOUTS)}")
    summary = tuple(str(s) for s in raw.get("summary_fields", ()))
    for name in summary:
        if name not in field_keys:
            raise FormDefinitionError(file, "summary_fields", f"没有字段 {name}")
    for spec in fields:
        cond = spec.required_if
        if cond and "." not in cond.field and cond.field not in field_keys:
            raise FormDefinitionError(file, f"fields.{spec.key}.required_if", f"没有字段 {cond.field}")
    name_field = str(raw.get("name_field", ""))
    if name_field and name_field not in field_keys:
        raise FormDefinitionError(file, "name_field", f"没有字段 {name_field}")
    rules = tuple(_rule(file, i, r) for i, r in enumerate(raw.get("rules", [])))
    return SectionSpec(
        name_field=name_field,
        rules=rules,
        key=key,
        number=number,
        title=title,
        file=file,
        repeatable=bool(raw.get("repeatable", False)),
        fields=fields,
        attachments=attachments,
        help=str(raw.get("help", "")),
        min_entries=int(raw.get("min_entries", 0)),
        allow_not_applicable=bool(raw.get("allow_not_applicable", True)),
        print_layout=layout,
        summary_fields=summary or tuple(field_keys[:4]),
    )


def load_forms(folder: Path | None = None) -> FormSet:
    """Load every step of the declaration in menu order; FormDefinitionError names a broken file and key."""
    if folder is None:
        return _default_forms()
    return _load(folder)


@functools.lru_cache(maxsize=1)
def _default_forms() -> FormSet:
    from desktop_app.paths import forms_dir

    return _load(forms_dir())


def _load(folder: Path) -> FormSet:
    try:
        return _load_files(folder, use_cache=True)
    except FormDefinitionError:
        return _load_files(folder, use_cache=False)  # a cached parse is never why the forms are refused


def _load_files(folder: Path, use_cache: bool) -> FormSet:
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise FormDefinitionError(folder.name, "(目录)", "没有任何表单定义文件")
    for path in files:
        if not MENU_PREFIX.match(path.name):
            raise FormDefinitionError(
                path.name, "(文件名)", "文件名须以两位菜单序号和下划线开头，例如 03_current_title.toml"
            )
    sections = [load_section(p, use_cache) for p in files]
    by_key = {s.key: s for s in sections}
    if len(by_key) != len(sections):
        keys = [s.key for s in sections]
        dup = next(k for k in keys if keys.count(k) > 1)
        raise FormDefinitionError(by_key[dup].file, "key", f"分节键 {dup} 在多个文件中出现")
    missing = sorted(SECTIONS_NAMED_IN_CODE - set(by_key))
    if missing:
        raise FormDefinitionError(folder.name, "(目录)", f"缺少分节 {', '.join(missing)}")
    ordered = tuple(sections)
    # The unnumbered steps (基本信息, the cover: number 0) come first; the guide's sections follow, numbered
    # 1, 2, 3 … in menu order, as many as forms/ declares.
    numbers = [s.number for s in ordered]
    count = sum(1 for n in numbers if n)
    if numbers != [0] * (len(numbers) - count) + list(range(1, count + 1)):
        raise FormDefinitionError(
            folder.name,
            "number",
            f"未编号的步骤（number = 0）须在前，{count} 个申报信息分节须按文件顺序依次编号 1 至 {count}",
        )
    for spec in ordered:
        for f in spec.fields:
            cond = f.required_if
            if cond and "." in cond.field:
                sec, _, fld = cond.field.partition(".")
                if sec not in by_key or not by_key[sec].has_field(fld) or by_key[sec].repeatable:
                    raise FormDefinitionError(
                        spec.file, f"fields.{f.key}.required_if", f"没有单项字段 {cond.field}"
                    )
    for spec in ordered:
        for index, rule in enumerate(spec.rules):
            named = [
                rule.first,
                rule.second,
                rule.when.field if rule.when else "",
                rule.then.field if rule.then else "",
            ]
            for name in filter(None, named):
                sec, dot, fld = name.partition(".")
                target, fld = (by_key.get(sec), fld) if dot else (spec, sec)
                if target is None or not target.has_field(fld):
                    raise FormDefinitionError(spec.file, f"rules[{index}]", f"没有字段 {name}")
    return FormSet(sections=ordered)

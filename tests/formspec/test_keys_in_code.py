"""Contract: every section and field key the code names as a string literal is declared in forms/ (issue 11).

A renamed or removed field in forms/ must fail here, not silently print an empty cell or skip a check.
"""

from __future__ import annotations

import ast
from pathlib import Path

from desktop_app.formspec.loader import SECTIONS_NAMED_IN_CODE, load_forms

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_app"
# Dicts that hold answers (entry.answers, the cover's answers, what is on screen …) by the names code gives them.
ANSWER_HOLDERS = {
    "answers",
    "cover",
    "entry",
    "texts",
    "values",
    "current",
    "editors",
    "messages",
    "view",
    "basic",
}
# Methods whose first string argument is a field key, and those whose string argument is a section key.
FIELD_METHODS = {
    "field",
    "has_field",
    "field_spec",
    "text",
    "set_field_visible",
    "check_live",
    "show_message",
    "focus_field",
}
SECTION_METHODS = {"section", "has_section", "single"}
# Reading the raw TOML/JSON is not reading answers: the loaders' and the backup manifest's own keys.
NOT_ANSWERS = {
    "formspec/loader.py",
    "reference/data.py",
    "reference/procedure.py",
    "backup/reader.py",
    "storage/repository.py",
    "storage/snapshot.py",
    "usecases/backup.py",
}
# Keys that are not form fields, each with its reason.
NOT_FIELDS = {
    # The demo's ID-card picture reads an address from its own sample answers, which hold none (prints empty).
    ("scans/samples.py", "places"),
    ("scans/samples.py", "id_card_address"),
}
# The demo and its sample pictures name every section on purpose; they are not what the app needs to run.
DEMO = {"demo.py", "scans/samples.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            found.add(id(body[0].value))
    return found


def _holder(node: ast.AST) -> str | None:
    """The name of the dict a `.get("k")` / `["k"]` reads (`entry.answers` → answers, `texts` → texts)."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in ANSWER_HOLDERS:
                return node.attr
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def keys_in_code(root: Path = PACKAGE) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    """(field keys, section keys) named in desktop_app, each with its file and line."""
    fields: set[tuple[str, str, int]] = set()
    sections: set[tuple[str, str, int]] = set()
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                key = _first_string(node)
                if key is None:
                    continue
                if node.func.attr in SECTION_METHODS:
                    sections.add((where, key, node.lineno))
                elif node.func.attr in FIELD_METHODS:
                    fields.add((where, key, node.lineno))
                elif (
                    node.func.attr == "get"
                    and where not in NOT_ANSWERS
                    and _holder(node.func.value) in ANSWER_HOLDERS
                ):
                    fields.add((where, key, node.lineno))
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
                and where not in NOT_ANSWERS
                and _holder(node.value) in ANSWER_HOLDERS
            ):
                fields.add((where, node.slice.value, node.lineno))
    return fields, sections


def test_every_field_key_in_code_is_declared_in_forms() -> None:
    forms = load_forms()
    declared = {f.key for s in forms for f in s.fields} | set(forms.keys)
    fields, _sections = keys_in_code()
    assert (
        len({k for _w, k, _l in fields}) >= 30
    )  # the scan does see the code's keys (35 distinct when written)
    undeclared = sorted(
        (w, k, line) for w, k, line in fields if k not in declared and (w, k) not in NOT_FIELDS
    )
    assert not undeclared, f"field keys used in code but declared in no forms/*.toml: {undeclared}"


def test_every_section_key_in_code_is_declared_and_required_by_the_loader() -> None:
    forms = load_forms()
    _fields, sections = keys_in_code()
    undeclared = sorted((w, k, line) for w, k, line in sections if k not in forms.keys)
    assert not undeclared, f"section keys used in code but declared in no forms/*.toml: {undeclared}"
    named = set()
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        if where in DEMO or where == "formspec/loader.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        named |= {
            n.value.partition(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant)
            and isinstance(n.value, str)
            and id(n) not in docs
            and n.value.partition(".")[0] in forms.keys
        }
    assert named == SECTIONS_NAMED_IN_CODE


def test_the_contract_catches_a_misspelt_key(tmp_path: Path) -> None:
    """The check can fail: code that reads a field or section forms/ does not declare is found with its line."""
    (tmp_path / "probe.py").write_text(
        'def f(entry, app):\n    return entry.answers.get("paper_titel"), app.single("cover_page")["tier"]\n',
        encoding="utf-8",
    )
    fields, sections = keys_in_code(tmp_path)
    assert ("probe.py", "paper_titel", 2) in fields and ("probe.py", "cover_page", 2) in sections

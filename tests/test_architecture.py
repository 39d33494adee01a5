"""Dependency direction (STYLE.md): pure core, no sideways imports, no Qt below the UI."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
PURE = ("formspec", "reference", "domain")
FEATURES = ("storage", "scans", "packet", "backup")
# Documented exceptions: the holiday calendar is data (chinesecalendar); the naming check uses rapidfuzz.
ALLOWED_THIRD_PARTY_IN_PURE = {"chinese_calendar"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(part: str) -> list[Path]:
    target = PACKAGE / part
    if target.is_dir():
        return sorted(target.rglob("*.py"))
    file = PACKAGE / f"{part}.py"
    return [file] if file.exists() else []


def test_pure_modules_import_only_stdlib_and_each_other() -> None:
    allowed_internal = tuple(f"desktop_app.{p}" for p in PURE) + ("desktop_app.errors", "desktop_app.paths")
    for part in PURE:
        for path in modules_under(part):
            for name in imports_of(path):
                top = name.split(".")[0]
                if top == "desktop_app":
                    assert name.startswith(allowed_internal), f"{path.name} imports {name}"
                else:
                    assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY_IN_PURE, (
                        f"{path.relative_to(PACKAGE)} imports third-party {name}"
                    )


def test_feature_packages_do_not_import_each_other_or_qt() -> None:
    for part in FEATURES:
        others = [f"desktop_app.{o}" for o in FEATURES if o != part] + ["desktop_app.ui", "desktop_app.services"]
        for path in modules_under(part):
            for name in imports_of(path):
                assert not name.startswith(tuple(others)), f"{path.relative_to(PACKAGE)} imports {name}"
                assert not name.startswith("PySide6.QtWidgets"), f"{path.relative_to(PACKAGE)} imports {name}"


def test_ui_never_touches_storage_or_pdf_libraries() -> None:
    banned = ("sqlalchemy", "reportlab", "pypdf", "desktop_app.storage")
    for path in modules_under("ui"):
        for name in imports_of(path):
            assert not name.startswith(banned), f"{path.relative_to(PACKAGE)} imports {name}"


def test_core_knows_no_qt() -> None:
    for part in (*PURE, "storage", "backup", "packet"):
        for path in modules_under(part):
            assert not any(n.startswith("PySide6") for n in imports_of(path)), path

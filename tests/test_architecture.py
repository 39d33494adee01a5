"""Dependency direction (STYLE.md): pure core, no sideways imports, no Qt below the UI."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
PURE = ("formspec", "reference", "domain")
FEATURES = ("storage", "scans", "packet", "backup")
# Documented exceptions: the holiday calendar is data (chinesecalendar); the naming check uses rapidfuzz.
ALLOWED_THIRD_PARTY_IN_PURE = {"chinese_calendar", "lunar_python"}


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports_of(path: Path, module: list[str] | None = None) -> set[str]:
    """Every module a file imports, absolute: relative imports resolved, `from pkg import mod` seen as pkg.mod."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names.add(target)
            # The imported names may be submodules (`from desktop_app import storage`).
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def test_the_import_reader_sees_relative_and_package_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from desktop_app import storage\nfrom ..backup import archive\nfrom . import plan\n",
        encoding="utf-8",
    )
    found = imports_of(probe, ["desktop_app", "packet", "probe"])
    assert {"desktop_app.storage", "desktop_app.backup.archive", "desktop_app.packet.plan"} <= found


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
        others = [f"desktop_app.{o}" for o in FEATURES if o != part] + [
            "desktop_app.ui",
            "desktop_app.services",
        ]
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


def test_use_cases_leave_tables_and_sql_to_storage() -> None:
    """Storage owns its data: snapshot and restore of an application are storage operations."""
    banned = ("desktop_app.storage.schema", "sqlite3", "sqlalchemy")
    for path in modules_under("usecases"):
        for name in imports_of(path):
            assert not name.startswith(banned), f"{path.relative_to(PACKAGE)} imports {name}"


# ui/ and commands/ reach the user's data only through the use cases and the typed application context
# (`desktop_app.services.Services`); the pure core they may read directly.
SEAM_ALLOWED = (
    "desktop_app.usecases",
    "desktop_app.services",
    "desktop_app.formspec",
    "desktop_app.reference",
    "desktop_app.domain",
    "desktop_app.errors",
    # Infrastructure with no user data: where the data folder is, how OS errors read in Chinese, the log.
    "desktop_app.paths",
    "desktop_app.os_errors",
    "desktop_app.logging_setup",
    "desktop_app.memory",
    "desktop_app.qt_compat",
    # The demo application is a use case of its own (start screen 演示 and the CLI `demo`).
    "desktop_app.demo",
)
SEAM_OWN = {"ui": ("desktop_app.ui",), "commands": ("desktop_app.commands", "desktop_app.cli")}
SEAM_THIRD_PARTY = {"ui": {"PySide6", "shiboken6"}, "commands": set()}
# Justified exceptions, each a (file, module) pair so a new one is a visible decision:
SEAM_EXCEPTIONS = {
    # Whether the optional OCR extra is installed; a plain predicate with no data.
    ("ui/scans_widget.py", "desktop_app.scans.ocr"),
    # The naming check's wording test (does a name say which material it is): pure string rules.
    ("ui/scans_widget.py", "desktop_app.scans.naming"),
    ("commands/scans.py", "desktop_app.scans"),
    ("commands/scans.py", "desktop_app.scans.naming"),
    # Packet options are a plain dataclass of the user's choices.
    ("commands/packet.py", "desktop_app.packet.pipeline"),
}


def test_window_and_cli_reach_data_only_through_use_cases() -> None:
    """No repository, blob store, SQL or feature package behind the use cases' back (issue 11)."""
    for part in ("ui", "commands"):
        allowed = SEAM_ALLOWED + SEAM_OWN[part]
        for path in modules_under(part):
            where = str(path.relative_to(PACKAGE))
            for name in imports_of(path):
                top = name.split(".")[0]
                if top != "desktop_app":
                    assert top in sys.stdlib_module_names or top in SEAM_THIRD_PARTY[part], (
                        f"{where} imports {name}"
                    )
                elif name.count(".") > 1 or name.split(".")[-1] not in ("desktop_app", "__version__"):
                    excepted = any(
                        w == where and (name == m or name.startswith(m + ".")) for w, m in SEAM_EXCEPTIONS
                    )
                    assert name.startswith(allowed) or excepted, f"{where} imports {name}"


def test_window_and_cli_do_not_reach_into_the_context_s_storage() -> None:
    """The typed context's repository and blob store are for use cases only."""
    for part in ("ui", "commands"):
        for path in modules_under(part):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            reached = [
                node.lineno
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr in ("repo", "blobs", "engine")
            ]
            assert not reached, f"{path.relative_to(PACKAGE)} uses the repository directly on lines {reached}"


def test_the_application_context_is_typed_everywhere() -> None:
    """`services` is the typed context (desktop_app.services.Services), never Any: tools follow values across it."""
    untyped = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.arg) and node.arg == "services" and node.annotation is not None:
                if ast.unparse(node.annotation) in ("Any", "typing.Any", "object"):
                    untyped.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.value, ast.Name)
                and node.value.id == "services"
                and ast.unparse(node.annotation) == "Any"
            ):
                untyped.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not untyped, f"services annotated as Any: {untyped}"

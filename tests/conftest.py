"""Every test gets a fresh data folder (ZHICHENG_HOME) and Qt runs offscreen."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def zhicheng_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ZHICHENG_HOME", str(home))
    return home


@pytest.fixture
def services(zhicheng_home: Path):
    from desktop_app.services import Services

    svc = Services(home=zhicheng_home, today=date(2026, 11, 27))
    yield svc
    svc.close()


@pytest.fixture
def demo_app(services) -> int:
    from desktop_app.demo import create_demo

    return create_demo(services, year=2026)


# Tests that read the shared corpus and the guide from ../shared (the folder beside the clone, as on CI).
# On a clone without it they are skipped with one reason instead of failing one by one.
SHARED_MISSING_REASON = (
    f"the shared folder {SHARED} (../shared beside the clone: the guide and the hostile-file corpus) is missing; "
    "tests that read it are skipped — put it beside the clone to run them"
)
_SHARED_NAMES = frozenset({"CORPUS", "SHARED", "GUIDE", "FILES"})


def _reads_shared(function: object, module: dict[str, object], depth: int = 2) -> bool:
    """Whether a test (or a module-level helper it calls) names the shared folder."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    if _SHARED_NAMES & set(code.co_names) or any(c == "shared" for c in code.co_consts):
        return True
    helpers = (module.get(name) for name in code.co_names)
    return depth > 0 and any(callable(h) and _reads_shared(h, module, depth - 1) for h in helpers)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that need ../shared when it is not there (one clear reason for all of them)."""
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING_REASON)
    for item in items:
        function = getattr(item, "function", None)
        module = getattr(getattr(item, "module", None), "__dict__", {})
        # A test parametrised over the corpus files has no cases at all: give it the same reason.
        empty = any(
            str(m.kwargs.get("reason", "")).startswith("got empty parameter set")
            for m in item.iter_markers(name="skip")
        )
        if (function is not None and _reads_shared(function, module)) or (
            empty and _SHARED_NAMES & set(module)
        ):
            item.add_marker(skip, append=False)

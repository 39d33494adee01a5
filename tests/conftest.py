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

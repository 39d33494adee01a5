"""Fixtures for the shipping tests: a log written into this test's ZHICHENG_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def fresh_log(zhicheng_home: Path) -> Iterator[Path]:
    """The app's log handlers pointed at this test's home (earlier tests may have installed theirs)."""
    from desktop_app.logging_setup import setup_logging, shutdown_logging

    shutdown_logging()
    path = setup_logging()
    assert path.is_relative_to(zhicheng_home)
    yield path
    shutdown_logging()


@pytest.fixture
def personal_numbers() -> tuple[str, str]:
    """The demo's full resident ID number and mobile number."""
    from desktop_app.demo import sample_answers

    basic = sample_answers(2026)["basic"]
    return basic["id_number"], basic["mobile"]


def masked_id(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def masked_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


@pytest.fixture
def synchronous_jobs() -> Iterator[None]:
    """Background jobs of the window run at once, so none outlives the widgets of a test."""
    from desktop_app.ui.worker import set_synchronous

    set_synchronous(True)
    yield
    set_synchronous(False)

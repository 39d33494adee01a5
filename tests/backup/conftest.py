"""Fixtures: the demo application with scans (and a packet PDF), a second empty data folder for restores."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tests.ui.conftest import window  # noqa: F401 - the GUI tests' main window fixture, for the 备份 page


def _attach_jpegs(services, app_id: int, count: int = 3) -> None:
    from PIL import Image

    entry = services.repo.entry_ids(app_id, "education")[0]
    for i in range(count):
        buf = io.BytesIO()
        Image.effect_noise((320, 200), 40 + i).convert("RGB").save(buf, "JPEG", quality=85)
        sha, size, _ = services.blobs.put_bytes(buf.getvalue())
        services.repo.record_blob(sha, size, "image/jpeg")
        services.repo.add_attachment(
            app_id,
            sha256=sha,
            original_name=f"IMG_{i}.jpg",
            display_name=f"02-1_学历情况_毕业证书_{i}.jpg",
            section="education",
            entry_id=entry,
            kind="diploma",
        )


@pytest.fixture
def scanned_app(services, demo_app) -> int:
    """The demo application; it has scans once the scans feature attaches them, else a few are attached here."""
    if not services.load(demo_app).attachments:
        _attach_jpegs(services, demo_app)
    return demo_app


@pytest.fixture
def packet_pdf(services, scanned_app, monkeypatch) -> Path:
    """A packet PDF where the backup looks for the latest packet (or what the packet feature reports)."""
    folder = services.home / "打印材料"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"2026年度职称申报材料-李明远-{scanned_app}.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"packet-bytes " * 500 + b"\n%%EOF\n")
    try:
        from desktop_app.usecases import packet
    except ImportError:
        packet = None
    if packet is not None and hasattr(packet, "latest_packet"):
        monkeypatch.setattr(
            packet, "latest_packet", lambda svc, app_id: path if app_id == scanned_app else None
        )
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "U盘" / "备份"
    return path


@pytest.fixture
def other_services(tmp_path: Path):
    """A second computer: a fresh data folder with nothing in it."""
    from desktop_app.services import Services

    svc = Services(home=tmp_path / "other-home", today=date(2026, 11, 27))
    yield svc
    svc.close()

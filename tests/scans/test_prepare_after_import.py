"""Issue 5: print pages are prepared right after import (app: in the background; CLI: after the lines),
and the next packet reuses them instead of preparing again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from desktop_app.ui.qt_setup import guard_refcount_bug

guard_refcount_bug()


def _drop_scans(services, app_id):  # type: ignore[no-untyped-def]
    # Only the new photo matters here; without the demo's scans the packet is quick.
    for att in services.load(app_id).attachments:
        services.repo.delete_attachment(att.id)


def _phone_photo(path: Path) -> Path:
    """A 4032 × 3024 portrait shot stored sideways with an EXIF rotation, as phones do."""
    image = Image.new("RGB", (4032, 3024), (200, 180, 150))
    image.paste((20, 20, 120), (0, 0, 400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def _prepared_then_reused(services, app_id, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.usecases.packet import make_packet, prepared_page_paths

    (attachment,) = services.load(app_id).attachments
    pages = prepared_page_paths(services, app_id, attachment.sha256)
    assert len(pages) == 1 and pages[0].is_file(), "the print page was not prepared after import"
    assert Image.open(pages[0]).size == (1512, 2016)  # upright, half scale
    stamp = pages[0].stat().st_mtime_ns
    make_packet(services, app_id, tmp_path / "打印材料.pdf")
    assert pages[0].stat().st_mtime_ns == stamp  # the packet used it as it was, did not prepare again


@pytest.fixture
def synchronous():  # type: ignore[no-untyped-def]
    from desktop_app.ui import worker

    worker.set_synchronous(True)
    yield
    worker.set_synchronous(False)


def test_widget_prepares_the_print_page_after_import(qtbot, services, demo_app, synchronous, tmp_path):
    from desktop_app.ui.scans_widget import AttachmentsWidget

    _drop_scans(services, demo_app)
    entry_id = services.repo.entry_ids(demo_app, "education")[0]
    widget = AttachmentsWidget(services, demo_app, "education", entry_id)
    qtbot.addWidget(widget)
    widget.add_files([_phone_photo(tmp_path / "本科毕业证书.jpg")])
    assert widget.status.text() == "已添加 1 个文件。"
    _prepared_then_reused(services, demo_app, tmp_path)


def test_closing_the_entry_cancels_the_preparation(qtbot, services, demo_app, tmp_path):
    from desktop_app.ui import worker
    from desktop_app.ui.scans_widget import AttachmentsWidget

    _drop_scans(services, demo_app)
    entry_id = services.repo.entry_ids(demo_app, "education")[0]
    widget = AttachmentsWidget(services, demo_app, "education", entry_id)
    widget.add_files([_phone_photo(tmp_path / "本科毕业证书.jpg")])
    qtbot.waitUntil(lambda: bool(widget._prepare_jobs), timeout=30_000)  # import done, preparation started
    job = widget._prepare_jobs[0]
    widget.deleteLater()
    qtbot.waitUntil(lambda: job.is_finished and not worker._running, timeout=30_000)
    assert job.progress.cancelled  # the close reached the job, and nothing went wrong on the way
    assert len(services.load(demo_app).attachments) == 1


def test_cli_attach_prepares_the_print_page_without_changing_its_output(services, demo_app, tmp_path, capsys):
    from desktop_app.cli import main

    _drop_scans(services, demo_app)
    photo = _phone_photo(tmp_path / "本科毕业证书.jpg")
    assert main(["attach", str(demo_app), "education[1]", str(photo)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("已添加：本科毕业证书.jpg")
    _prepared_then_reused(services, demo_app, tmp_path)

"""Issue 5: print pages are prepared right after import (app: in the background; CLI: after the lines),
and the next packet reuses them instead of preparing again."""

from __future__ import annotations

import hashlib
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
    from desktop_app.usecases.packet import PacketOptions, make_packet, prepared_page_paths

    (attachment,) = services.load(app_id).attachments
    pages = prepared_page_paths(services, app_id, attachment.sha256)
    assert len(pages) == 1 and pages[0].is_file(), "the print page was not prepared after import"
    assert Image.open(pages[0]).size == (1512, 2016)  # upright, half scale
    stamp = pages[0].stat().st_mtime_ns
    make_packet(services, app_id, tmp_path / "打印材料.pdf", PacketOptions(draft=True))  # a bare application
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
    assert widget.status.text().splitlines()[0] == "已添加 1 个文件。"  # then: a photo with no paper in it
    _prepared_then_reused(services, demo_app, tmp_path)


def test_closing_the_entry_cancels_the_preparation(qtbot, services, demo_app, tmp_path, monkeypatch):
    import threading

    from desktop_app.packet.scan_pages import PrepareCancelled
    from desktop_app.ui import worker
    from desktop_app.ui.scans_widget import AttachmentsWidget
    from desktop_app.usecases import packet

    # The import already prepares the page, so the real preparation may end before the close arrives;
    # a preparation that runs until it is told to stop makes the close the only way out.
    started = threading.Event()

    def slow_preparation(services, app_id, *, is_cancelled, **_kwargs):  # type: ignore[no-untyped-def]
        started.set()
        for _ in range(3000):
            if is_cancelled():
                raise PrepareCancelled()
            threading.Event().wait(0.01)
        return 0

    monkeypatch.setattr(packet, "prepare_attachment_pages", slow_preparation)
    _drop_scans(services, demo_app)
    entry_id = services.repo.entry_ids(demo_app, "education")[0]
    widget = AttachmentsWidget(services, demo_app, "education", entry_id)
    widget.add_files([_phone_photo(tmp_path / "本科毕业证书.jpg")])
    qtbot.waitUntil(lambda: bool(widget._prepare_jobs), timeout=30_000)  # import done, preparation started
    job = widget._prepare_jobs[0]
    assert started.wait(30)
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


# The import's decode check is the decode that makes the print page (one decode per page) -------------


def _attach(services, app_id, *paths):  # type: ignore[no-untyped-def]
    from desktop_app.usecases.scans import attach_files, resolve_target

    return list(attach_files(services, app_id, resolve_target(services, app_id, "education[1]"), list(paths)))


def _cache_files(services) -> list[Path]:  # type: ignore[no-untyped-def]
    from desktop_app.usecases.packet import cache_dir

    folder = cache_dir(services)
    return sorted(folder.glob("*.jpg")) if folder.is_dir() else []


def test_the_print_page_is_ready_when_the_import_returns(services, demo_app, tmp_path):
    from desktop_app.usecases.packet import prepared_page_paths
    from desktop_app.usecases.scans import STORED

    _drop_scans(services, demo_app)
    photo = _phone_photo(tmp_path / "本科毕业证书.jpg")
    scan = tmp_path / "学士学位证书.png"
    Image.new("RGB", (2480, 3508), (250, 250, 245)).save(scan)
    outcomes = _attach(services, demo_app, photo, scan)
    assert [o.status for o in outcomes] == [STORED, STORED]
    assert [o.source for o in outcomes] == [photo, scan]
    for attachment in services.load(demo_app).attachments:
        (page,) = prepared_page_paths(services, demo_app, attachment.sha256)
        assert page.is_file(), f"{attachment.original_name}: no print page after import"
        with Image.open(page) as prepared:
            assert prepared.format == "JPEG"
            assert prepared.size in (
                (1512, 2016),
                (2480, 3508),
            )  # the photo upright at half scale; the scan as is


def test_a_truncated_photo_is_refused_and_leaves_nothing_behind(services, demo_app, tmp_path):
    from desktop_app.usecases.scans import REFUSED

    _drop_scans(services, demo_app)
    whole = _phone_photo(tmp_path / "whole.jpg").read_bytes()
    broken = tmp_path / "本科毕业证书.jpg"
    broken.write_bytes(whole[: len(whole) * 2 // 3])
    (outcome,) = _attach(services, demo_app, broken)
    assert outcome.status == REFUSED and "文件不完整" in outcome.message
    assert not services.load(demo_app).attachments
    assert _cache_files(services) == []
    assert not services.blobs.exists(hashlib.sha256(broken.read_bytes()).hexdigest())


def test_an_unwritable_page_cache_does_not_stop_the_import(services, demo_app, tmp_path):
    from desktop_app.usecases.packet import PacketOptions, cache_dir, make_packet
    from desktop_app.usecases.scans import STORED

    _drop_scans(services, demo_app)
    folder = cache_dir(services)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")  # every write into the cache fails
    (outcome,) = _attach(services, demo_app, _phone_photo(tmp_path / "本科毕业证书.jpg"))
    assert outcome.status == STORED
    folder.unlink()
    # A draft (the scans were dropped); it prepares what the import could not.
    result = make_packet(services, demo_app, tmp_path / "打印材料.pdf", PacketOptions(draft=True))
    assert result.pages > 0 and len(_cache_files(services)) == 1


def test_scans_printed_as_they_are_get_no_copy_in_the_cache(services, demo_app, tmp_path):
    from desktop_app.usecases.scans import STORED

    _drop_scans(services, demo_app)
    scan = tmp_path / "学士学位证书.jpg"
    Image.new("RGB", (2480, 3508), (250, 250, 245)).save(scan, "JPEG", quality=90)
    (outcome,) = _attach(services, demo_app, scan)
    assert outcome.status == STORED
    assert _cache_files(services) == []  # an upright 300-dpi JPEG goes into the PDF untouched


def test_cli_attach_prepares_afterwards_only_what_the_import_could_not_cache(
    services, demo_app, tmp_path, capsys, monkeypatch
):
    # Issue 16: the after-attach preparation reads every cached page of the application and loads the packet
    # pipeline; it runs only when the import could not cache a page, and then that page is ready for `packet`.
    from desktop_app.cli import main
    from desktop_app.usecases import packet, prepare
    from desktop_app.usecases.packet import prepared_page_paths

    calls: list[int] = []
    real_preparation = packet.prepare_attachment_pages

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real_preparation(*args, **kwargs)

    monkeypatch.setattr(packet, "prepare_attachment_pages", counted)
    _drop_scans(services, demo_app)
    assert (
        main(["attach", str(demo_app), "education[1]", str(_phone_photo(tmp_path / "本科毕业证书.jpg"))]) == 0
    )
    assert calls == []  # the import cached the page itself

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prepare, "save_prepared", full_disk)
    second = tmp_path / "学士学位证书.jpg"
    Image.new("RGB", (4032, 3024), (90, 160, 200)).save(second, "JPEG", quality=90)
    assert main(["attach", str(demo_app), "education[1]", str(second)]) == 0
    assert calls == [1]
    capsys.readouterr()
    for attachment in services.load(demo_app).attachments:
        assert all(p.is_file() for p in prepared_page_paths(services, demo_app, attachment.sha256))

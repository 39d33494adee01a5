"""Issue 6: a verified backup is written after every successful packet, from the command line and the app."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from desktop_app.ui.qt_setup import guard_refcount_bug

guard_refcount_bug()


def _packet_in_backup(backup: Path) -> bytes:
    with zipfile.ZipFile(backup) as archive:
        pdfs = [n for n in archive.namelist() if n.startswith("打印材料/") and n.endswith(".pdf")]
        assert len(pdfs) == 1, archive.namelist()
        return archive.read(pdfs[0])


def test_cli_packet_is_followed_by_a_verified_backup_holding_it(services, demo_app, tmp_path, capsys):
    from desktop_app.cli import main
    from desktop_app.usecases.backup import list_backups, verify_backup

    assert list_backups(services) == []
    out = (
        tmp_path / "别处" / "打印材料.pdf"
    )  # saved outside the default folder: the backup must still find it
    out.parent.mkdir()
    assert main(["packet", str(demo_app), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    backups = list_backups(services)
    assert len(backups) == 1
    assert backups[0].verified == "ok" and not backups[0].encrypted
    assert f"已自动备份到 {backups[0].path}" in err
    assert verify_backup(services, backups[0].path).ok
    assert _packet_in_backup(backups[0].path) == out.read_bytes()


def test_cli_packet_exit_stays_0_when_the_backup_fails_and_says_so(services, demo_app, tmp_path, capsys):
    from desktop_app.cli import main
    from desktop_app.usecases.backup import set_backup_folder

    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")
    set_backup_folder(services, blocker)  # a file where the folder should be: the backup cannot be written
    out = tmp_path / "打印材料.pdf"
    assert main(["packet", str(demo_app), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert out.is_file()
    assert "自动备份失败" in err and "Traceback" not in err


def test_cli_packet_writes_no_backup_when_automatic_backup_is_off(services, demo_app, tmp_path, capsys):
    from desktop_app.cli import main
    from desktop_app.usecases.backup import list_backups, set_auto_backup

    set_auto_backup(services, False)
    assert main(["packet", str(demo_app), "--out", str(tmp_path / "打印材料.pdf")]) == 0
    assert "备份" not in capsys.readouterr().err
    assert list_backups(services) == []


@pytest.fixture
def synchronous():  # type: ignore[no-untyped-def]
    from desktop_app.ui import worker

    worker.set_synchronous(True)
    yield
    worker.set_synchronous(False)


def test_packet_widget_backs_up_after_generating_and_shows_it(qtbot, services, demo_app, synchronous):
    from desktop_app.ui.packet_widgets import PacketWidget
    from desktop_app.ui.session import Session
    from desktop_app.usecases.backup import list_backups
    from desktop_app.usecases.packet import default_packet_path

    widget = PacketWidget(Session(services, demo_app))
    qtbot.addWidget(widget)
    widget.start()
    assert widget.preview is not None
    qtbot.addWidget(widget.preview)
    packet = default_packet_path(services, demo_app)
    backups = list_backups(services)
    assert len(backups) == 1 and backups[0].verified == "ok"
    assert widget.status.text().endswith(f"；已自动备份到 {backups[0].path}")
    assert _packet_in_backup(backups[0].path) == packet.read_bytes()

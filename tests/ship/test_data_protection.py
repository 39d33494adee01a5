"""The drafts, scans, logs and backups are readable by their owner only; the app opens no network connection."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.paths import bundle_root

posix_only = pytest.mark.skipif(os.name != "posix", reason="owner-only modes are POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_data_folder_database_blobs_logs_and_backups_are_owner_only(
    services, demo_app, zhicheng_home: Path, tmp_path: Path
) -> None:
    from desktop_app.logging_setup import setup_logging, shutdown_logging
    from desktop_app.paths import data_home

    os.chmod(zhicheng_home, 0o755)  # a folder made by an older version, or by hand
    assert data_home() == zhicheng_home
    assert _mode(zhicheng_home) == 0o700

    assert _mode(zhicheng_home / "drafts.sqlite") == 0o600
    sha, _, _ = services.blobs.put_bytes(b"%PDF-1.4 scan of a diploma")
    assert _mode(services.blobs.path(sha)) == 0o600

    shutdown_logging()
    log_file = setup_logging()
    try:
        assert _mode(log_file.parent) == 0o700
    finally:
        shutdown_logging()

    from desktop_app.usecases.backup import create_backup

    result = create_backup(services, demo_app, out_dir=tmp_path / "U盘")
    assert _mode(Path(result.path)) == 0o600


def _refuse_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    attempts: list[tuple] = []
    real = socket.socket

    class NoNetworkSocket(real):  # type: ignore[misc, valid-type]
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):  # noqa: A002 - socket's own names
            # Local IPC sockets (AF_UNIX) are not network; everything else is refused.
            if fileno is None and family != getattr(socket, "AF_UNIX", object()):
                attempts.append((family, type))
                raise OSError("network disabled in this test")
            super().__init__(family, type, proto, fileno)

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", NoNetworkSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_demo_check_packet_and_window_work_with_sockets_refused(
    qtbot, synchronous_jobs, zhicheng_home: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = _refuse_sockets(monkeypatch)
    assert main(["demo", "--year", "2026"]) == 0
    app_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["check", app_id]) == 0
    packet = tmp_path / "packet.pdf"
    assert main(["packet", app_id, "--out", str(packet)]) == 0
    assert packet.read_bytes().startswith(b"%PDF-")

    from desktop_app.services import Services
    from desktop_app.ui.main_window import MainWindow

    services = Services()
    try:
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.open_application(int(app_id))
    finally:
        services.close()
    assert attempts == []


def _unshare_prefix() -> list[str] | None:
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


@pytest.mark.slow
def test_smoke_test_passes_in_a_network_namespace_without_network(tmp_path: Path) -> None:
    prefix = _unshare_prefix()
    if prefix is None:
        pytest.skip("unshare -n is not available or not permitted here (no user namespaces)")
    # Prove the namespace really has no network: even loopback is down.
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9), 1)"],
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "Network is unreachable" in probe.stderr
    env = {**os.environ, "ZHICHENG_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [*prefix, sys.executable, "-m", "desktop_app", "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=bundle_root(),
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "自检通过" in run.stdout and "打印材料" in run.stdout

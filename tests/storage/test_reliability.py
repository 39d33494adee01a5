"""Disk-level reliability as seen from the command line: parallel commands, special files, killed runs,
permissions, full or read-only disks. Each runs real `python -m desktop_app` processes on a fresh data folder."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices, SIGKILL and modes are POSIX")


def cli(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ZHICHENG_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
    )


def spawn(home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, ZHICHENG_HOME=str(home))
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def _new(home: Path) -> str:
    done = cli(home, "new", "--name", "王芳", "--year", "2026")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _jpeg(path: Path, seed: int) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((400, 300), 30 + seed).convert("RGB").save(buf, "JPEG", quality=80)
    path.write_bytes(buf.getvalue())
    return path


def test_parallel_set_on_an_empty_section_makes_one_entry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = _new(home)
    procs = [spawn(home, "set", app, "papers[1].title", f"论文{i}") for i in range(6)]
    results = [(p.wait(timeout=120), p.communicate()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    listing = cli(home, "get", app)
    import json

    papers = json.loads(listing.stdout)["papers"]
    assert len(papers) == 1 and papers[0]["title"] in {f"论文{i}" for i in range(6)}


def test_parallel_overlapping_attach_stores_each_file_once(tmp_path: Path) -> None:
    import json

    home = tmp_path / "home"
    app = _new(home)
    files = [_jpeg(tmp_path / f"学历证书{i}.jpg", i) for i in range(3)]
    for _ in range(2):
        procs = [
            spawn(home, "attach", app, "basic", str(files[0]), str(files[1])),
            spawn(home, "attach", app, "basic", str(files[1]), str(files[2])),
        ]
        for p in procs:
            p.wait(timeout=120)
    from desktop_app.services import Services

    svc = Services(home=home)
    try:
        hashes = [a.sha256 for a in svc.load(int(app)).attachments]
    finally:
        svc.close()
    assert len(hashes) == 3 and len(set(hashes)) == 3, json.dumps(hashes)


@posix_only
def test_attach_refuses_fifo_and_dev_zero_with_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = _new(home)
    assert cli(home, "set", app, "education[1].school", "云南大学").returncode == 0
    fifo = tmp_path / "管道.jpg"
    os.mkfifo(fifo)
    for special in (fifo, Path("/dev/zero")):
        if not special.exists():
            continue
        # The subprocess timeout only guards against a hang; the assertion is the exit code and message.
        done = cli(home, "attach", app, "education[1]", str(special), timeout=60)
        assert done.returncode == 2
        assert "不是普通文件" in done.stdout + done.stderr


@posix_only
def test_every_file_and_folder_in_the_data_folder_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = cli(home, "demo", "--year", "2026").stdout.strip().splitlines()[-1]
    assert cli(home, "backup", app).returncode == 0
    assert cli(home, "packet", app, "--out", str(home / "打印材料" / "p.pdf")).returncode in (0, 1)
    loose = []
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_symlink():
            continue
        if path.is_dir() and mode != 0o700 or path.is_file() and mode & 0o077:
            loose.append(f"{path.relative_to(home)} {oct(mode)}")
    assert not loose, loose
    assert (home / "logs").is_dir() and any((home / "logs").iterdir())


@posix_only
def test_leftovers_of_killed_backup_and_restore_are_removed_by_the_next_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = cli(home, "demo", "--year", "2026").stdout.strip().splitlines()[-1]
    out = tmp_path / "U盘"
    first = cli(home, "backup", app, "--out", str(out))
    assert first.returncode == 0, first.stderr
    backup_file = next(out.iterdir())
    seen: set[str] = set()
    for command in (["backup", app, "--out", str(out)], ["restore", str(backup_file), "--as-new"]):
        proc = spawn(home, *command)
        deadline = time.monotonic() + 60
        # Kill it as soon as it has written something temporary (a partial file, work or staging folder).
        while proc.poll() is None and time.monotonic() < deadline:
            partial = [p.name for p in out.glob(".*.partial")]
            work = [p.name for p in (home / "tmp").glob("*") if p.is_dir()] if (home / "tmp").exists() else []
            staging = list((home / "restore-staging").glob("staging-*")) if command[0] == "restore" else []
            if (
                partial
                or staging
                or (work and command[0] == "backup" and any((home / "tmp").rglob("snapshot.sqlite")))
            ):
                os.kill(proc.pid, signal.SIGKILL)
                seen.update(partial + work + [p.name for p in staging])
                break
            time.sleep(0.005)
        proc.wait(timeout=60)
    assert seen, "the runs finished before anything temporary could be seen"
    assert cli(home, "list").returncode == 0
    assert not list(out.glob(".*.partial"))
    assert not list(home.rglob("snapshot.sqlite"))
    assert (
        not [p for p in (home / "restore-staging").glob("*")] if (home / "restore-staging").exists() else True
    )
    assert not [p for p in (home / "tmp").glob("*")] if (home / "tmp").exists() else True
    assert [p.name for p in out.iterdir()] == [backup_file.name]


def test_housekeeping_leaves_a_running_process_alone(tmp_path: Path) -> None:
    from desktop_app.storage.housekeeping import clean_leftovers

    home = tmp_path / "home"
    mine = home / "tmp" / f"backup-{os.getpid()}-abcd1234"
    mine.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = home / "tmp" / f"backup-{int(dead.stdout)}-zzzz9999"
    gone.mkdir()
    (gone / "snapshot.sqlite").write_bytes(b"x")
    removed = clean_leftovers(home)
    assert mine.exists() and not gone.exists() and removed == [gone]


def test_housekeeping_removes_a_killed_run_s_half_written_font_cache(tmp_path: Path) -> None:
    from desktop_app.storage.housekeeping import clean_leftovers

    fonts = tmp_path / "home" / "cache" / "fonts"
    fonts.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = fonts / f".prep-{int(dead.stdout)}-k2j4.tmp"
    gone.write_bytes(b"half a cache file")
    mine = fonts / f".prep-{os.getpid()}-a8b1.tmp"
    mine.write_bytes(b"being written")
    kept = fonts / "NotoSansSC-Regular.ttfcache"
    kept.write_bytes(b"a cache file")
    assert clean_leftovers(tmp_path / "home") == [gone]
    assert mine.exists() and kept.exists()


def _garble_pages(db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(db, "r+b") as fh:
        for page in range(2, 12):
            fh.seek(4096 * page + 8)
            fh.write(b"\xde\xad\xbe\xef" * 50)


def test_damaged_page_is_reported_in_every_command_and_restore_recovers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = cli(home, "demo", "--year", "2026").stdout.strip().splitlines()[-1]
    assert cli(home, "backup", app).returncode == 0
    [backup_file] = list((home / "职称申报备份").iterdir())
    before = cli(home, "get", app).stdout
    _garble_pages(home / "drafts.sqlite")
    damaged = (home / "drafts.sqlite").read_bytes()
    for command in (
        ["list"],
        ["get", app],
        ["check", app],
        ["packet", app, "--out", str(tmp_path / "p.pdf")],
        ["backup", app],
    ):
        done = cli(home, *command)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "已损坏（完整性检查未通过）" in done.stderr and str(backup_file) in done.stderr, command
        assert "程序内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert (home / "drafts.sqlite").read_bytes() == damaged  # reported, never overwritten
    restored = cli(home, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "原样保留" in restored.stderr
    [kept] = list(home.glob("drafts.unusable-*.sqlite"))
    assert kept.read_bytes() == damaged
    new_id = restored.stdout.strip().splitlines()[-1]
    assert cli(home, "get", new_id).stdout == before


@pytest.mark.parametrize(
    ("content", "said"), [(b"", "0 字节"), (b"<html>not a database</html>" * 40, "不是 SQLite")]
)
def test_empty_or_foreign_database_is_reported_not_replaced(
    tmp_path: Path, content: bytes, said: str
) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "drafts.sqlite").write_bytes(content)
    for command in (["list"], ["new", "--name", "王芳", "--year", "2026"]):
        done = cli(home, *command)
        assert done.returncode == 1 and said in done.stderr, done.stderr
        assert "已损坏" not in done.stderr and "Traceback" not in done.stderr
    assert (home / "drafts.sqlite").read_bytes() == content


def _set_after_barrier(home: str, app: int, value: str, barrier: object) -> None:
    from desktop_app.services import Services

    svc = Services(home=Path(home))
    try:
        barrier.wait()  # type: ignore[attr-defined]
        svc.set_answer(app, "papers[1].title", value)
    finally:
        svc.close()


def _attach_after_barrier(home: str, app: int, paths: list[str], barrier: object) -> None:
    from desktop_app.services import Services
    from desktop_app.usecases.scans import attach_file, resolve_target

    svc = Services(home=Path(home))
    try:
        target = resolve_target(svc, app, "basic")
        barrier.wait()  # type: ignore[attr-defined]
        for path in paths:
            attach_file(svc, app, target, Path(path))
    finally:
        svc.close()


def _run_together(target: object, argsets: list[tuple[object, ...]]) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(argsets))
    procs = [context.Process(target=target, args=(*args, barrier)) for args in argsets]  # type: ignore[arg-type]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0


def test_simultaneous_sets_after_a_barrier_make_one_entry(tmp_path: Path) -> None:
    """The same race with the processes released at one moment (start-up jitter cannot hide it)."""
    from desktop_app.services import Services

    home = tmp_path / "home"
    app = int(_new(home))
    for round_ in range(3):
        _run_together(_set_after_barrier, [(str(home), app, f"论文{round_}-{i}") for i in range(6)])
        svc = Services(home=home)
        try:
            entries = svc.load(app).section("papers").entries
        finally:
            svc.close()
        assert len(entries) == 1 and [e.position for e in entries] == [0]


def test_simultaneous_overlapping_attach_after_a_barrier_stores_each_file_once(tmp_path: Path) -> None:
    from desktop_app.services import Services

    home = tmp_path / "home"
    app = int(_new(home))
    files = [str(_jpeg(tmp_path / f"学历证书{i}.jpg", i)) for i in range(3)]
    _run_together(
        _attach_after_barrier,
        [(str(home), app, files[:2]), (str(home), app, files[1:]), (str(home), app, files[::-1])],
    )
    svc = Services(home=home)
    try:
        hashes = [a.sha256 for a in svc.load(app).attachments]
    finally:
        svc.close()
    assert len(hashes) == 3 == len(set(hashes))

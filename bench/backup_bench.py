"""Backup + verify of an application with 160 scans against `zip -r -q` of the same files, in one run.

`zip -r -q` only packs (and deflates) the files: no snapshot, no hashes, no fsync, no read-back. We time
our CLI doing the whole job — `backup APP --out DIR`: database snapshot, every scan streamed with its
SHA-256, fsync, the page cache dropped, every member re-read and checked, atomic rename — and print
wall times, the ratio and sizes. Target (issue 6): ours ≤ 1.5 × zip. Each side runs twice, alternating;
the faster run of each counts.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.corpus import ensure_corpus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TARGET = 1.5
ROUNDS = 2


def _application(home: Path, files: list[Path]) -> int:
    """An application holding the 160 files as scans (set up directly; not timed)."""
    from desktop_app.services import Services

    services = Services(home=home, today=date(2026, 11, 27))
    try:
        app_id = services.new_application("李明远", 2026)
        for path in files:
            sha, size, _ = services.blobs.put_file(path)
            services.repo.record_blob(sha, size, mimetypes.guess_type(path.name)[0] or "image/jpeg")
            services.repo.add_attachment(
                app_id,
                sha256=sha,
                original_name=path.name,
                display_name=path.name,
                section="education",
                kind="diploma",
            )
        return app_id
    finally:
        services.close()


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> bool:
    """Run the comparison; True when the target is met."""
    if shutil.which("zip") is None:
        print("backup_bench: `zip` is not installed (apt-get install zip); skipped")
        return False
    files = ensure_corpus(OUT / "corpus")
    total_mb = sum(p.stat().st_size for p in files) / (1 << 20)
    with tempfile.TemporaryDirectory(prefix="backup-bench-", dir=OUT) as tmp:
        work = Path(tmp)
        home = work / "home"
        app_id = _application(home, files)
        env = dict(os.environ, ZHICHENG_HOME=str(home), PYTHONPATH=str(ROOT))
        zips: list[float] = []
        ours: list[float] = []
        zip_size = our_size = 0
        env["BENCH_PASSPHRASE"] = "bench passphrase"
        encrypted = _timed(
            [
                sys.executable,
                "-m",
                "desktop_app",
                "backup",
                str(app_id),
                "--out",
                str(work / "enc"),
                "--encrypt",
                "--passphrase-env",
                "BENCH_PASSPHRASE",
            ],
            ROOT,
            env,
        )
        shutil.rmtree(work / "enc")
        for round_no in range(ROUNDS):
            target = work / f"zip-{round_no}.zip"
            zips.append(_timed(["zip", "-r", "-q", str(target), "."], OUT / "corpus", env))
            zip_size = target.stat().st_size
            target.unlink()
            out_dir = work / f"ours-{round_no}"
            ours.append(
                _timed(
                    [sys.executable, "-m", "desktop_app", "backup", str(app_id), "--out", str(out_dir)],
                    ROOT,
                    env,
                )
            )
            (made,) = list(out_dir.iterdir())
            our_size = made.stat().st_size
            shutil.rmtree(out_dir)
    best_zip, best_ours = min(zips), min(ours)
    ratio = best_ours / best_zip
    ok = ratio <= TARGET
    print(f"backup_bench: {len(files)} scans, {total_mb:.0f} MB")
    print(
        f"  zip -r -q           {best_zip:6.2f} s   ({', '.join(f'{t:.2f}' for t in zips)})  "
        f"{zip_size / (1 << 20):6.1f} MB"
    )
    print(
        f"  backup + verify     {best_ours:6.2f} s   ({', '.join(f'{t:.2f}' for t in ours)})  "
        f"{our_size / (1 << 20):6.1f} MB"
    )
    print(f"  encrypted (info)    {encrypted:6.2f} s   (backup, encrypt, decrypt again to check)")
    print(f"  ratio {ratio:.2f} × (target ≤ {TARGET} ×) {'OK' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)

"""The print packet against img2pdf on the same images, in one run, on two corpora (issue 16).

img2pdf (`--pagesize A4 --auto-orient`) only wraps JPEG bytes into PDF pages: the lower bound of work.
We time our CLI doing the whole job — `attach` of the files, the first `packet`, then `packet` again after
one form field changed — until the packet's path is printed (the PDF written and verified; an automatic
backup after it is not counted, issue 16), and print wall times, ratios, output sizes and peak memory.

Two corpora, side by side:
- 本程序测试集 (bench/corpus.py): 100 photos of certificates (flat, no perspective), 60 scans, one `attach`
  of 160 files to a fresh, incomplete application (printed with `--draft`);
- 外部风格测试集 (bench/outside_corpus.py, as issue 16 measured it from outside): 120 perspective photos of
  A4 pages on a desk, 40 scans, four `attach` calls of 40 files to four entries of the demo application
  (complete: a final packet).
Targets (issue 16): attach --no-flatten + first packet ≤ 1.5× img2pdf; a re-print after one change ≤ 0.25×;
flattening the photos (issue 17) adds ≤ 0.3× on top, measured as attach + first packet with and without
`--no-flatten` on two fresh homes; output ≤ 0.25× img2pdf's size; peak memory of every command < 300 MB.
Each side runs twice, alternating; the faster round counts. Within a round the sides with and without flattening
take turns command by command, so the disk's slow spells fall on both alike.
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import ensure_corpus
from bench.outside_corpus import ensure_outside_corpus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TARGETS = {"first": 1.5, "again": 0.25, "size": 0.25, "memory_mb": 300, "flatten": 0.3}
ROUNDS = 2


@dataclass(frozen=True)
class Measure:
    """Wall time (s) until the command's result (exit, or the packet's path), and peak resident memory (MB)."""

    seconds: float
    peak_mb: float
    stdout: str


def settle() -> None:
    """Flush what earlier steps wrote, so no command pays for another's disk writes.

    img2pdf leaves ~600 MB unsynced; without this, the kernel writes it back while our CLI runs (and
    our fsyncs wait behind it), which moved our figures by up to 40 % between runs.
    """
    if hasattr(os, "sync"):
        os.sync()


def measure(cmd: list[str], env: dict[str, str], until_pdf: bool = False) -> Measure:
    """Run a command under /usr/bin/time -v when available (peak RSS of the largest process).

    With `until_pdf` the time is taken when the command prints a line ending in “.pdf” (the packet's path,
    printed once the PDF is written and verified); what it does after (the automatic backup) is not timed.
    """
    settle()
    timer = shutil.which("time") or "/usr/bin/time"
    full = [timer, "-v", *cmd] if Path(timer).is_file() else cmd
    started = time.perf_counter()
    process = subprocess.Popen(full, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines, seconds = [], 0.0
    for line in process.stdout:
        lines.append(line)
        if until_pdf and not seconds and line.strip().endswith(".pdf"):
            seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    process.wait()
    seconds = seconds or time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(stderr[-3000:])
        raise SystemExit(f"command failed: {' '.join(cmd[:4])} …")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if match:
        peak = int(match.group(1)) / 1024
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Measure(seconds, peak, "".join(lines))


def _set_auto_backup(env: dict[str, str], on: bool) -> None:
    code = (
        "from desktop_app.services import Services; from desktop_app.usecases.backup import set_auto_backup; "
        f"s = Services(); set_auto_backup(s, {on}); s.close()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *args]


def _last_line(cmd: list[str], env: dict[str, str]) -> str:
    return (
        subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )


def _bench_app(env: dict[str, str]) -> str:
    """A fresh application with the cover filled and the automatic backup off; returns its id.

    The automatic backup after each packet (issue 6) copies every scan again; it has its own benchmark
    (bench/backup_bench.py), so it is off here."""
    app = _last_line(_cli("new", "--name", "李明远", "--year", "2026"), env)
    for key, value in (
        ("cover.unit_type", "县区国有企事业单位"),
        ("cover.committee_level", "市级"),
        ("cover.dispatched", "否"),
        ("education[1].school", "昆明理工大学"),
    ):
        subprocess.run(_cli("set", app, key, value), env=env, check=True, capture_output=True)
    _set_auto_backup(env, False)
    return app


def _demo_app(env: dict[str, str]) -> str:
    """The demo application (complete: its packet is final); returns its id.

    Its automatic backup is off as in `_bench_app`: the packet's path is printed before the backup starts (the time
    measured here), but the backup's ~0.5 GB of verified writes would slow the next command on this machine's disk
    (measured: img2pdf 2.4 s → 13 s right after one); the backup has its own benchmark."""
    app = _last_line(_cli("demo"), env)
    _set_auto_backup(env, False)
    return app


@dataclass(frozen=True)
class Corpus:
    """One benchmark corpus: its files in `attach` batches (entry, files), how the application is made,
    and whether its packet is a draft (an incomplete application may only print one, issue 12)."""

    title: str
    batches: list[tuple[str, list[Path]]]
    make_app: Callable[[dict[str, str]], str]
    draft: bool

    @property
    def files(self) -> list[Path]:
        return [f for _, batch in self.batches for f in batch]


def _our_sides(corpus: Corpus, env: dict[str, str], work: Path, flatten_first: bool) -> dict[str, Measure]:
    """attach (every batch) and the first packet, without and with flattening, each side on a fresh home;
    then, with flattening, one field changed and the packet again.

    The two sides take turns command by command (a batch without, the same batch with, …), so a slow moment
    of this machine's disk — it slows down for minutes after a few GB of writes — falls on both sides alike
    instead of deciding what flattening seems to add."""
    sides = [True, False] if flatten_first else [False, True]
    homes = {
        flatten: dict(env, ZHICHENG_HOME=str(work / ("home" if flatten else "home-raw"))) for flatten in sides
    }
    apps = {flatten: corpus.make_app(homes[flatten]) for flatten in sides}
    attaches: dict[bool, list[Measure]] = {flatten: [] for flatten in sides}
    for entry, files in corpus.batches:
        for flatten in sides:
            extra = [] if flatten else ["--no-flatten"]
            command = _cli("attach", apps[flatten], entry, *extra, *map(str, files))
            attaches[flatten].append(measure(command, homes[flatten]))

    def packet(flatten: bool) -> list[str]:
        pdf = work / ("packet.pdf" if flatten else "packet-raw.pdf")
        return _cli("packet", apps[flatten], *(["--draft"] if corpus.draft else []), "--out", str(pdf))

    runs = {}
    for flatten in sides:
        suffix = "" if flatten else "_raw"
        done = attaches[flatten]
        runs[f"attach{suffix}"] = Measure(
            sum(m.seconds for m in done), max(m.peak_mb for m in done), "".join(m.stdout for m in done)
        )
        runs[f"first{suffix}"] = measure(packet(flatten), homes[flatten], until_pdf=True)
    subprocess.run(
        _cli("set", apps[True], "basic.department", "工程技术部"),
        env=homes[True],
        check=True,
        capture_output=True,
    )
    runs["again"] = measure(packet(True), homes[True], until_pdf=True)
    return runs


def _one_round(corpus: Corpus, work: Path, flatten_first: bool) -> dict[str, Measure]:
    """img2pdf, then our CLI without and with flattening (taking turns, either side first)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    img2pdf = shutil.which("img2pdf") or str(Path(sys.executable).parent / "img2pdf")
    runs = {
        "img2pdf": measure(
            [
                img2pdf,
                "--pagesize",
                "A4",
                "--auto-orient",
                "-o",
                str(work / "img2pdf.pdf"),
                *map(str, corpus.files),
            ],
            env,
        )
    }
    return runs | _our_sides(corpus, env, work, flatten_first)


def _report(corpus: Corpus, rounds: list[dict[str, Measure]], work: Path) -> bool:
    """Print one corpus's table and verdicts; True when every target is met."""

    def best(*steps: str) -> float:
        return min(sum(r[step].seconds for step in steps) for r in rounds)

    def peak(*steps: str) -> float:
        return max(r[step].peak_mb for r in rounds for step in steps if step in r)

    base_mb = (work / "round-1" / "img2pdf.pdf").stat().st_size / 1e6
    ours_mb = (work / "round-1" / "packet.pdf").stat().st_size / 1e6
    raw_mb = (work / "round-1" / "packet-raw.pdf").stat().st_size / 1e6
    plain = best("attach_raw", "first_raw")
    flattened = best("attach", "first")
    corpus_mb = sum(f.stat().st_size for f in corpus.files) / 1e6
    print(
        f"\n【{corpus.title}】{len(corpus.files)} 个文件，共 {corpus_mb:.0f} MB，分 {len(corpus.batches)} 次 attach；"
        f"{os.cpu_count()} 核；每项运行 {ROUNDS} 轮，取较快的一轮；packet 计时到输出文件路径为止"
    )
    print(
        f"{'步骤':<36}"
        + "".join(f"{f'第{n + 1}轮 (s)':>12}" for n in range(ROUNDS))
        + f"{'较快 (s)':>10}{'内存峰值 (MB)':>16}"
    )
    rows = [
        ("img2pdf --pagesize A4 --auto-orient", ("img2pdf",)),
        ("attach --no-flatten", ("attach_raw",)),
        ("packet（第一次，未整理照片）", ("first_raw",)),
        ("attach --no-flatten + 第一次 packet", ("attach_raw", "first_raw")),
        ("attach（整理照片）", ("attach",)),
        ("packet（第一次，已整理照片）", ("first",)),
        ("attach + 第一次 packet", ("attach", "first")),
        ("改一项后再次 packet", ("again",)),
    ]
    for name, steps in rows:
        times = [sum(r[step].seconds for step in steps) for r in rounds]
        cells = "".join(f"{t:>12.2f}" for t in times)
        print(f"{name:<36}{cells}{min(times):>10.2f}{peak(*steps):>16.0f}")
    count = rounds[0]["attach"].stdout.count("已整理为扫描件")
    print(
        f"输出大小：img2pdf {base_mb:.1f} MB，本程序 {ours_mb:.1f} MB（--no-flatten {raw_mb:.1f} MB）；"
        f"{count} 张照片已整理为扫描件"
    )
    img2pdf = best("img2pdf")
    all_steps = ("attach_raw", "first_raw", "attach", "first", "again")
    checks = [
        ("attach --no-flatten + 第一次 packet / img2pdf", plain / img2pdf, TARGETS["first"], "×"),
        ("再次 packet / img2pdf", best("again") / img2pdf, TARGETS["again"], "×"),
        ("整理照片增加的时间 / img2pdf", (flattened - plain) / img2pdf, TARGETS["flatten"], "×"),
        ("输出大小 / img2pdf", ours_mb / base_mb, TARGETS["size"], "×"),
        ("各命令内存峰值 (MB)", peak(*all_steps), TARGETS["memory_mb"], " MB"),
    ]
    ok = True
    for name, value, target, unit in checks:
        met = value <= target
        ok = ok and met
        print(f"{name:<40}{value:>8.2f}{unit}  目标 ≤ {target}{unit}  {'达到' if met else '未达到'}")
    print(f"{'（参考）attach + 第一次 packet / img2pdf':<40}{flattened / img2pdf:>8.2f}×")
    return ok


def corpora() -> list[Corpus]:
    """The project's own corpus and the outside-style one (issue 16), generated once and reused."""
    own = ensure_corpus(OUT / "corpus")
    outside = ensure_outside_corpus(OUT / "outside")
    entries = ("education[1]", "work_history[1]", "papers[1]", "awards[1]")
    return [
        Corpus("本程序测试集", [("education[1]", own)], _bench_app, draft=True),
        Corpus("外部风格测试集", list(zip(entries, outside, strict=True)), _demo_app, draft=False),
    ]


def main() -> bool:
    """Run the benchmark on both corpora and print the tables; True when every target is met.

    Both sides run ROUNDS times, alternating, each on a fresh home; the faster round of each side is
    compared (as timeit does), so one slow moment of this shared machine does not decide the verdict.
    """
    print("生成或复用测试图片（本程序测试集 160 张，外部风格测试集 160 张）…", flush=True)
    chosen = corpora()
    # An installed app runs from compiled bytecode (pip compiles on install, PyInstaller bundles .pyc);
    # a source checkout under PYTHONDONTWRITEBYTECODE=1 would recompile every module on every command.
    compileall.compile_dir(str(ROOT / "desktop_app"), quiet=1)
    ok = True
    for corpus in chosen:
        work = Path(tempfile.mkdtemp(prefix="packet-bench-", dir=OUT))
        try:
            # Read every input once so img2pdf and our CLI both find the files in the page cache.
            for path in corpus.files:
                path.read_bytes()
            rounds = []
            for number in range(ROUNDS):
                folder = work / f"round-{number + 1}"
                folder.mkdir()
                # The two sides take turns going first, so neither always runs on a disk busy with the other's writes.
                rounds.append(_one_round(corpus, folder, flatten_first=number % 2 == 1))
            ok = _report(corpus, rounds, work) and ok
        finally:
            if not os.environ.get("BENCH_KEEP"):
                shutil.rmtree(work, ignore_errors=True)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)

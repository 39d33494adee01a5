"""Flattening one 12-megapixel phone photo, on one core, at print resolution (issue 17).

The baseline, run in the same command, is the import's decode of the same photo to its print picture
(which the import does anyway); flattening is the one step added after it: find the page, straighten
it, level the light. Target: ≤ 0.5 s per photo (median), reported also as a ratio to the decode.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.corpus import ensure_corpus

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
TARGET_SECONDS = 0.5
SAMPLE = 12


def main() -> bool:
    """Time decode and flatten of a dozen bench photos; True when the median flatten is within target."""
    import cv2

    from desktop_app.packet.scan_pages import PrepareJob, print_picture
    from desktop_app.scans import flatten
    from desktop_app.usecases.packet import normalise_for_print

    cv2.setNumThreads(1)
    photos = [p for p in ensure_corpus(OUT / "corpus") if "手机拍照" in p.name][:SAMPLE]
    decode, work, found = [], [], 0
    for path in photos:
        job = PrepareJob(path.read_bytes(), "bench", 0, (), OUT, normalise_for_print)
        started = time.perf_counter()
        picture = print_picture(job)
        decoded = time.perf_counter()
        finding = flatten.find_page(picture)
        if finding is not None:
            flatten.flatten(picture, finding.as_edit())
            found += 1
        done = time.perf_counter()
        decode.append(decoded - started)
        work.append(done - decoded)
    median_decode, median_flatten = statistics.median(decode), statistics.median(work)
    print(
        f"\n整理手机照片（{len(photos)} 张 4032×3024，单核，打印分辨率 {picture.width}×{picture.height}）："
        f"找到纸张 {found} 张"
    )
    print(f"{'解码到打印分辨率（基准）':<30}{median_decode:>8.3f} s（中位数）")
    print(
        f"{'找纸张 + 拉正 + 调白':<30}{median_flatten:>8.3f} s（中位数，最慢 {max(work):.3f} s）"
        f" = {median_flatten / median_decode:.2f}× 解码"
    )
    met = median_flatten <= TARGET_SECONDS
    print(
        f"{'每张整理时间':<30}{median_flatten:>8.3f} s  目标 ≤ {TARGET_SECONDS} s  {'达到' if met else '未达到'}"
    )
    _added_in_the_import()
    return met


def _added_in_the_import(threads: int = 2, count: int = 60) -> None:
    """What flattening adds to the import's print-page step, per photo, with both cores busy (for reference).

    The outside-style corpus's photos (perspective, a third sideways) go through the import's own step twice, as
    `attach` does it with and without `--no-flatten` (decode, then flatten or turn, then the print JPEG, encoded
    in memory so the disk does not count), on `threads` threads; each step's time is the thread's CPU time."""
    import io
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from bench.outside_corpus import ensure_outside_corpus
    from desktop_app.packet.scan_pages import JPEG_QUALITY, PrepareJob, print_picture
    from desktop_app.usecases.packet import normalise_for_print
    from desktop_app.usecases.prepare import _look_and_flatten

    photos = [
        p for batch in ensure_outside_corpus(OUT / "outside") for p in batch if p.name.startswith("IMG_")
    ]
    photos = photos[:count]
    lock = threading.Lock()

    def run(flatten: bool) -> float:
        """Thread CPU time of the step for every photo, summed (seconds)."""
        total = 0.0

        def step(path: Path) -> None:
            nonlocal total
            job = PrepareJob(path.read_bytes(), "bench", 0, (), OUT, normalise_for_print)
            started = time.thread_time()
            picture = _look_and_flatten(job, card=False)[1] if flatten else print_picture(job)
            picture.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
            with lock:
                total += time.thread_time() - started

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(step, photos))
        return total

    # Each side twice, alternating; the faster run counts.
    runs: dict[bool, list[float]] = {False: [], True: []}
    for flatten in (False, True, False, True):
        runs[flatten].append(run(flatten))
    plain, flattened = (min(runs[side]) / len(photos) * 1000 for side in (False, True))
    print(
        f"{'（参考）导入时每张照片的打印页':<30}不整理 {plain:.1f} ms，整理 {flattened:.1f} ms，"
        f"整理增加 {flattened - plain:.1f} ms（{len(photos)} 张外部风格照片，{threads} 线程同时，线程 CPU 时间）"
    )


if __name__ == "__main__":
    import sys

    sys.exit(0 if main() else 1)

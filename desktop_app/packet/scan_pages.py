"""Print-ready images of scans, prepared once per blob and settings and cached as JPEG files.

Runs in worker processes, so this module imports only Pillow. A JPEG that is already upright and at
most ~300 dpi on A4 is used as it is (its bytes go into the PDF untouched); anything else is decoded
(phone photos at half scale with Image.draft, which costs a fraction of a full decode), made upright,
and re-encoded at JPEG quality 85.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageOps

from desktop_app.errors import Cancelled
from desktop_app.os_errors import from_os_error
from desktop_app.paths import write_file_atomically

log = logging.getLogger(__name__)

# Bump when the preparation changes, so old cached pages are not reused.
PREPARE_VERSION = 1
# An A4 page scanned at 300 dpi is 2480 × 3508 pixels; a little slack for scanners that add a border.
PASS_LONG = 3600
PASS_SHORT = 2600
JPEG_QUALITY = 85
WORKERS = 2
# Below this many images a process pool costs more to start than it saves.
POOL_THRESHOLD = 4

# (decoded image, stored edits) -> upright image in RGB or L, the edits applied.
Normaliser = Callable[[Image.Image, Mapping[str, Any]], Image.Image]


@dataclass(frozen=True)
class PrepareJob:
    """One page of one image blob to prepare (from the stored file, or from its bytes during import)."""

    source: Path | bytes
    sha256: str
    page: int
    edits: tuple[tuple[str, Any], ...]
    cache_dir: Path
    normalise: Normaliser | None = None


@dataclass(frozen=True)
class PreparedImage:
    """A JPEG ready to place: the cached file, or the original blob when it could be used as is."""

    path: Path
    width: int
    height: int
    gray: bool


def freeze_edits(edits: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """Edits as a hashable, order-independent tuple (only what changes the picture)."""
    keep = ("flatten", "rotate", "crop")
    return tuple(
        sorted((k, json.dumps(v, sort_keys=True)) for k, v in (edits or {}).items() if k in keep and v)
    )


def _thaw(edits: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in edits}


def cache_path(cache_dir: Path, sha256: str, page: int, edits: tuple[tuple[str, Any], ...]) -> Path:
    """Where the prepared JPEG of this blob page with these settings lives."""
    settings = json.dumps([PREPARE_VERSION, page, edits, PASS_LONG, PASS_SHORT, JPEG_QUALITY])
    key = hashlib.sha256(settings.encode()).hexdigest()[:12]
    return cache_dir / f"{sha256}-{key}.jpg"


def default_normalise(im: Image.Image, edits: Mapping[str, Any]) -> Image.Image:
    """Minimal fallback: EXIF orientation, RGB, clockwise rotation from the edits."""
    try:
        im = ImageOps.exif_transpose(im) or im
    except Exception:  # a malformed EXIF block: keep the pixels as stored
        pass
    if im.mode not in ("RGB", "L"):
        if "A" in im.getbands() or im.mode == "P":
            rgba = im.convert("RGBA")
            white = Image.new("RGB", rgba.size, "white")
            white.paste(rgba, mask=rgba.getchannel("A"))
            im = white
        else:
            im = im.convert("RGB")
    turn = int(edits.get("rotate", 0) or 0) % 360
    if turn:
        im = im.rotate(-turn, expand=True)
    return im


def _usable_as_is(im: Image.Image, job: PrepareJob) -> bool:
    if im.format != "JPEG" or im.mode not in ("RGB", "L") or job.edits or job.page:
        return False
    try:
        orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return False
    long_side, short_side = max(im.size), min(im.size)
    return orientation in (1, None) and long_side <= PASS_LONG and short_side <= PASS_SHORT


def _open(source: Path | bytes) -> Image.Image:
    return Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)


def _digest_path(target: Path) -> Path:
    # Beside the cache folder, not in it: the cache folder holds only pages.
    return target.parent.with_name(target.parent.name + ".sha256") / (target.name + ".sha256")


def _discard(target: Path, why: str) -> None:
    log.info("discarding cached page %s: %s", target.name, why)
    target.unlink(missing_ok=True)
    _digest_path(target).unlink(missing_ok=True)


def cached_image(target: Path) -> PreparedImage | None:
    """A prepared page from the cache, or None when it is not there, differs from what was written (its hash
    recorded at write time) or does not decode; such a file is removed and the page is prepared again."""
    if not target.is_file():
        return None
    try:
        expected = _digest_path(target).read_text(encoding="ascii").strip()
        data = target.read_bytes()
    except (OSError, UnicodeDecodeError):
        _discard(target, "no recorded hash")
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        _discard(target, "changed since it was written")
        return None
    try:
        with Image.open(io.BytesIO(data)) as done:
            if done.format != "JPEG":
                raise OSError("not a JPEG")
            return PreparedImage(target, done.width, done.height, done.mode == "L")
    except Exception:  # noqa: BLE001 - any unreadable cache file is simply made again
        _discard(target, "unreadable")
        return None


def _write_atomically(target: Path, data: bytes) -> None:
    try:
        write_file_atomically(target, data)
    except OSError as exc:
        # A full disk or read-only cache folder says so (also from a worker process), not "damaged picture".
        raise (from_os_error(exc, target.parent, needed=len(data)) or exc) from None


def cached(job: PrepareJob) -> PreparedImage | None:
    """The job's page as prepared before, if it is in the cache and readable."""
    return cached_image(cache_path(job.cache_dir, job.sha256, job.page, job.edits))


def ready_image(job: PrepareJob) -> PreparedImage | None:
    """The prepared page when no pixel work is needed (cached, or usable as is); reads headers only."""
    done = cached(job)
    if done is not None:
        return done
    with _open(job.source) as im:
        if _usable_as_is(im, job) and isinstance(job.source, Path):
            return PreparedImage(job.source, im.width, im.height, im.mode == "L")
    return None


def needs_rendering(job: PrepareJob) -> bool:
    """Whether the page must be decoded and re-encoded (not printable as it is; the cache is not consulted)."""
    with _open(job.source) as im:
        return not _usable_as_is(im, job)


def decode_scale(im: Image.Image) -> int:
    """The reduction a page is decoded at for print: ½ for JPEGs above 300 dpi on A4 (DCT scaling), else 1."""
    return 2 if im.format == "JPEG" and max(im.size) > PASS_LONG else 1


def decoded_for_print(job: PrepareJob) -> Image.Image:
    """One page decoded at the scale print needs, pixels as stored (not yet upright, no edits applied).

    Decoding is where a broken file fails, so the import uses this as its decode check.
    """
    im = _open(job.source)
    try:
        if job.page:
            im.seek(job.page)
        scale = decode_scale(im)
        if scale > 1:
            # Decoding at half scale (DCT scaling) is ~3× cheaper than a full decode plus a resize.
            im.draft(im.mode if im.mode in ("RGB", "L") else "RGB", (im.width // scale, im.height // scale))
        im.load()
    except BaseException:
        im.close()
        raise
    return im


def fit_for_print(picture: Image.Image) -> Image.Image:
    """A prepared picture in RGB or L, reduced to at most ~300 dpi on A4."""
    if picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    factor = max(1, math.ceil(max(max(picture.size) / PASS_LONG, min(picture.size) / PASS_SHORT)))
    return picture.reduce(factor) if factor > 1 else picture


def print_picture(job: PrepareJob) -> Image.Image:
    """Decode one page at the scale print needs and make it upright with the edits (RGB or L)."""
    with decoded_for_print(job) as im:
        picture = (job.normalise or default_normalise)(im, _thaw(job.edits))
    return fit_for_print(picture)


def save_prepared(job: PrepareJob, picture: Image.Image) -> PreparedImage:
    """Write a print picture into the cache atomically (a half-written JPEG is never left behind)."""
    target = cache_path(job.cache_dir, job.sha256, job.page, job.edits)
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY)
    data = buffer.getvalue()
    # The hash is recorded first: a page whose file was truncated or replaced later is made again.
    digest = _digest_path(target)
    digest.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(digest, hashlib.sha256(data).hexdigest().encode("ascii"))
    _write_atomically(target, data)
    return PreparedImage(target, picture.width, picture.height, picture.mode == "L")


def prepare_image(job: PrepareJob) -> PreparedImage:
    """The print JPEG for one page of an image blob (from the cache when it was prepared before)."""
    ready = ready_image(job)
    if ready is not None:
        return ready
    return save_prepared(job, print_picture(job))


def prepare_many(
    jobs: Sequence[PrepareJob],
    workers: int = WORKERS,
    is_cancelled: Callable[[], bool] = lambda: False,
    on_done: Callable[[int, int], None] = lambda done, total: None,
) -> list[PreparedImage]:
    """Prepare several pages, in worker processes when there are enough; results in job order."""
    results: list[PreparedImage | None] = [None] * len(jobs)
    pending: list[int] = []
    done = 0
    for i, job in enumerate(jobs):
        results[i] = ready_image(job)
        if results[i] is None:
            pending.append(i)
        else:
            done += 1
    on_done(done, len(jobs))
    if len(pending) >= POOL_THRESHOLD and workers > 1:
        try:
            done = _in_pool(jobs, pending, results, workers, is_cancelled, on_done, done)
        except BrokenProcessPool:
            # A worker could not start (e.g. a frozen build without freeze_support): finish here instead.
            log.warning("worker processes unavailable; preparing scans in this process")
    for i in pending:
        if results[i] is not None:
            continue
        if is_cancelled():
            raise PrepareCancelled()
        results[i] = prepare_image(jobs[i])
        done += 1
        on_done(done, len(jobs))
    return [r for r in results if r is not None]


def _in_pool(
    jobs: Sequence[PrepareJob],
    pending: list[int],
    results: list[PreparedImage | None],
    workers: int,
    is_cancelled: Callable[[], bool],
    on_done: Callable[[int, int], None],
    done: int,
) -> int:
    # "spawn": the GUI calls this from a worker thread, and forking a threaded Qt process is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: dict[Future[PreparedImage], int] = {pool.submit(prepare_image, jobs[i]): i for i in pending}
        remaining = set(futures)
        try:
            while remaining:
                finished, remaining = wait(remaining, timeout=0.2, return_when=FIRST_COMPLETED)
                if is_cancelled():
                    raise PrepareCancelled()
                for future in finished:
                    results[futures[future]] = future.result()
                    done += 1
                if finished:
                    on_done(done, len(jobs))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return done


class PrepareCancelled(Cancelled):
    """Preparation stopped because the person cancelled."""

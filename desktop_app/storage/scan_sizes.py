"""Pixel sizes of image blobs remembered between runs (cache/scan-sizes.json).

A blob is named by the SHA-256 of its bytes, so its size as printed never changes: `check` and `packet`
need not open 160 picture headers on every run (~30 ms). The file is only a cache and untrusted: a value
that is not a blob hash with two whole numbers in range is skipped, and an unreadable or foreign file is
ignored as a whole (the sizes are read from the pictures again and the file is rewritten).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path

from desktop_app.paths import write_file_atomically

log = logging.getLogger(__name__)

FILE_NAME = "scan-sizes.json"
FORMAT = 1
MAX_BYTES = 16 << 20  # ~150 000 scans; a larger file is not one this program wrote
MAX_SIDE = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_sizes(path: Path) -> dict[str, tuple[int, int]]:
    """The remembered (width, height) by blob hash; {} when the file is missing, damaged or foreign."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    sizes = stored.get("sizes") if isinstance(stored, dict) and stored.get("format") == FORMAT else None
    if not isinstance(sizes, dict):
        return {}
    found: dict[str, tuple[int, int]] = {}
    for sha256, value in sizes.items():
        if (
            isinstance(sha256, str)
            and _SHA256.fullmatch(sha256)
            and isinstance(value, list)
            and len(value) == 2
            and all(type(n) is int and 0 < n <= MAX_SIDE for n in value)
        ):
            found[sha256] = (value[0], value[1])
    return found


def write_sizes(path: Path, sizes: Mapping[str, tuple[int, int]]) -> None:
    """Replace the file with these sizes (atomically); a failure only costs reading the headers next time."""
    payload = {"format": FORMAT, "sizes": {k: list(v) for k, v in sizes.items() if min(v) > 0}}
    try:
        write_file_atomically(path, json.dumps(payload, separators=(",", ":")).encode("ascii"))
    except OSError as exc:
        log.info("scan sizes not remembered: %s", exc)

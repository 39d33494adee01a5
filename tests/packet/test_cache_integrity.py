"""Cached print pages are checked against the hash recorded when they were written: a truncated or replaced
file is made again, so the packet prints the scan, never a damaged or foreign picture."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader


def _render(pdf: Path, out: Path) -> list[bytes]:
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(out / "p")], check=True, timeout=300)
    return [p.read_bytes() for p in sorted(out.glob("p*.pgm"))]


@pytest.mark.parametrize("damage", ["truncate", "replace"])
def test_damaged_cache_page_is_rebuilt_and_the_packet_matches(services, demo_app, tmp_path, damage):
    from desktop_app.usecases.packet import cache_dir, make_packet

    first = tmp_path / "first.pdf"
    make_packet(services, demo_app, first)
    pages = sorted(cache_dir(services).glob("*.jpg"))
    assert pages, "the demo's scans have cached print pages"
    victim = max(pages, key=lambda p: p.stat().st_size)
    original = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(original[: len(original) // 3])
    else:
        buf = io.BytesIO()
        Image.new("RGB", (600, 800), (200, 30, 30)).save(buf, "JPEG")
        victim.write_bytes(buf.getvalue())

    second = tmp_path / "second.pdf"
    make_packet(services, demo_app, second)
    assert victim.read_bytes() == original  # made again from the scan itself
    texts = [[page.extract_text() for page in PdfReader(pdf).pages] for pdf in (first, second)]
    assert texts[0] == texts[1]
    if shutil.which("pdftoppm"):
        assert _render(first, tmp_path / "r1") == _render(second, tmp_path / "r2")


def test_cache_page_without_recorded_hash_is_not_trusted(tmp_path: Path) -> None:
    from desktop_app.packet.scan_pages import cached_image

    page = tmp_path / "abc-1.jpg"
    Image.new("RGB", (40, 40)).save(page, "JPEG")
    assert cached_image(page) is None and not page.exists()

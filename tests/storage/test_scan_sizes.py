"""Pixel sizes of scans remembered between runs: the same resolution findings without opening every picture,
and a damaged or foreign file is ignored, never trusted and never an error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from desktop_app.storage.scan_sizes import FILE_NAME, read_sizes, write_sizes

A = "a" * 64
B = "b" * 64


def test_sizes_come_back_as_written_without_the_unreadable_ones(tmp_path: Path) -> None:
    path = tmp_path / "cache" / FILE_NAME
    write_sizes(path, {A: (2480, 3508), B: (0, 0)})
    assert read_sizes(path) == {A: (2480, 3508)}
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b'{"format": 1, "sizes": {"' + A.encode() + b'": [24', id="truncated"),
        pytest.param(b"\xff\xfe\x00garbage", id="not text"),
        pytest.param(b"[1, 2, 3]", id="not an object"),
        pytest.param(json.dumps({"format": 99, "sizes": {A: [1, 2]}}).encode(), id="another format"),
        pytest.param(json.dumps({"format": 1, "sizes": [[A, 1, 2]]}).encode(), id="sizes not a map"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested too deep"),
    ],
)
def test_a_damaged_or_foreign_file_is_ignored(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    assert read_sizes(path) == {}


def test_values_that_are_not_sizes_of_blobs_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    sizes = {
        A: [1011, 638],
        B: [0, 638],
        "c" * 63: [1, 1],
        "D" * 64: [1, 1],
        "e" * 64: [1.5, 2],
        "f" * 64: ["1", 2],
        "0" * 64: [1, 2, 3],
        "1" * 64: [True, 2],
        "2" * 64: [1, 10**12],
    }
    path.write_text(json.dumps({"format": 1, "sizes": sizes}), encoding="ascii")
    assert read_sizes(path) == {A: (1011, 638)}


def test_a_second_run_judges_resolution_from_the_remembered_sizes(
    demo_app: int, zhicheng_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.cli import main
    from desktop_app.services import Services

    picture = tmp_path / "获奖证书.png"
    Image.new("RGB", (128, 128), "white").save(picture)
    attach = ["attach", str(demo_app), "awards[1]", str(picture), "--kind", "award_certificate"]
    assert main([*attach, "--allow-duplicate"]) == 0
    services = Services(home=zhicheng_home, today=date(2026, 11, 27))
    try:
        first = services.check(demo_app)
    finally:
        services.close()
    assert any("清晰度不足" in f.message for f in first.findings)
    assert (zhicheng_home / "cache" / FILE_NAME).is_file()

    def no_header(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a remembered size was read from the picture again")

    monkeypatch.setattr(Image, "open", no_header)
    again = Services(home=zhicheng_home, today=date(2026, 11, 27))
    try:
        assert again.check(demo_app) == first
    finally:
        again.close()

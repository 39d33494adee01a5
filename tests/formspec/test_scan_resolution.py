"""Issue 13: a scan that would print below 150 dpi on its page is flagged “清晰度不足，请重新扫描”."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from desktop_app.cli import main
from desktop_app.formspec.completeness import PRINT_BOX_POINTS, print_dpi
from desktop_app.packet.evidence import content_box


def test_the_print_box_is_the_evidence_pages_box() -> None:
    box = content_box(True)
    assert PRINT_BOX_POINTS == pytest.approx((box.w, box.h))


def test_print_dpi_of_an_a4_scan_at_300_dpi_is_about_300() -> None:
    # The evidence box is smaller than A4 (margins, header, 经核对 strip), so an A4 scan prints a little denser.
    assert 300 < print_dpi(2480, 3508) < 500  # the box is about 8 inches tall: about 440 dpi
    assert print_dpi(128, 128) < 30


@pytest.mark.parametrize(("size", "flagged"), [((10, 10), True), ((128, 128), True), ((2480, 3508), False)])
def test_check_lists_low_resolution_scans(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, size: tuple[int, int], flagged: bool
) -> None:
    assert main(["demo", "--year", "2026"]) == 0
    app = capsys.readouterr().out.strip().splitlines()[-1]
    picture = tmp_path / "获奖证书.png"
    Image.new("RGB", size, "white").save(picture)
    code = main(
        ["attach", app, "awards[1]", str(picture), "--kind", "award_certificate", "--allow-duplicate"]
    )
    capsys.readouterr()
    if code != 0:
        pytest.skip("this size is refused at import already")
    main(["check", app])
    lines = [line for line in capsys.readouterr().out.splitlines() if "获奖证书.png" in line]
    assert any("清晰度不足，请重新扫描" in line for line in lines) is flagged


def test_the_demo_has_no_low_resolution_scan(services, demo_app: int) -> None:
    assert not [f for f in services.check(demo_app).findings if "清晰度不足" in f.message]


def test_an_id_card_is_judged_against_the_card(services, demo_app: int) -> None:
    from desktop_app.formspec.completeness import find_problems

    app = services.load(demo_app)
    front = next(a for a in app.attachments if a.kind == "id_card_front")
    # A 300-dpi scan of an ID card (1011 × 638 px) is fine, though enlarged on its page; 200 × 126 px is not.
    for size, flagged in (((1011, 638), False), ((200, 126), True)):
        findings = find_problems(
            app, services.forms, services.reference, today=services.today, scan_sizes={front.sha256: size}
        )
        assert any("清晰度不足" in f.message and "按原件大小" in f.message for f in findings) is flagged


def test_a_png_scans_orientation_is_read_without_decoding_its_pixels(tmp_path: Path) -> None:
    """The resolution check reads sizes for every scan on every check: a PNG must not be decoded for it."""
    from desktop_app.scans.normalise import exif_in_header

    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = tmp_path / "sideways.png"
    Image.new("RGB", (300, 200), "white").save(sideways, exif=exif)
    plain = tmp_path / "plain.png"
    Image.new("RGB", (300, 200), "white").save(plain)
    with Image.open(sideways) as picture:
        assert exif_in_header(picture).get(0x0112) == 6
        assert picture.tile  # still undecoded: Pillow clears the tiles once it has read the pixels
    with Image.open(plain) as picture:
        assert exif_in_header(picture).get(0x0112) is None
        assert picture.tile

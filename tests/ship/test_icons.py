"""The app icon: drawn by scripts/make_icons.py, legible at 16 px, used by the window, .ico/.icns complete."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageChops

from desktop_app.paths import bundle_root, resources_dir

ROOT = bundle_root()
sys.path.insert(0, str(ROOT / "scripts"))
import make_icons  # noqa: E402

sys.path.pop(0)


def test_committed_pngs_are_what_the_script_draws() -> None:
    # The script is the icon's source: a hand-edited PNG (or a changed drawing not re-rendered) fails here.
    for size in make_icons.SIZES:
        committed = Image.open(resources_dir() / "icons" / f"app-{size}.png").convert("RGBA")
        drawn = make_icons.draw_icon(size)
        assert committed.size == (size, size)
        assert ImageChops.difference(committed, drawn).getbbox() is None, size


def test_16_px_icon_reads_as_a_white_page_and_a_red_seal_on_blue() -> None:
    img = make_icons.draw_icon(16).convert("RGB")
    pixels = [img.getpixel((x, y)) for y in range(16) for x in range(16)]

    def count(test) -> int:
        return sum(1 for p in pixels if test(p))

    white = count(lambda p: min(p) > 235)
    blue = count(lambda p: p[2] > 110 and p[0] < 60)
    red = count(lambda p: p[0] > 150 and p[1] < 80 and p[2] < 80)
    # Each part covers whole pixels, not a one-pixel smear: the page, the background and the seal.
    assert white >= 40 and blue >= 60 and red >= 8, (white, blue, red)
    # The page's centre is white and the corners are the background (or transparent, rounded).
    assert min(img.getpixel((7, 8))) > 235
    assert Image.open(resources_dir() / "icons" / "app-16.png").getpixel((0, 0))[3] < 255


def test_ico_and_icns_hold_every_size(tmp_path: Path) -> None:
    written = make_icons.write_icons(tmp_path)
    ico = Image.open(tmp_path / "app.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    icns = Image.open(tmp_path / "app.icns")
    assert {(16, 16), (32, 32), (128, 128), (256, 256), (512, 512)} <= {s[:2] for s in icns.info["sizes"]}
    assert tmp_path / "app-16.png" in written


def test_window_gets_the_icon(qtbot, services) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from desktop_app.app import install_app_icon
    from desktop_app.ui.main_window import MainWindow

    icon = install_app_icon(QApplication.instance())
    window = MainWindow(services)
    qtbot.addWidget(window)
    shown = window.windowIcon()
    assert not shown.isNull()
    assert QSize(16, 16) in shown.availableSizes() and QSize(256, 256) in shown.availableSizes()
    # The 16 px picture Qt draws in the title bar is the hand-tuned 16 px drawing, not a scaled big one.
    drawn = shown.pixmap(16, 16).toImage()
    expected = make_icons.draw_icon(16)
    centre = drawn.pixelColor(7, 8)
    assert (centre.red(), centre.green(), centre.blue()) == expected.getpixel((7, 8))[:3]
    assert icon.cacheKey() == QApplication.instance().windowIcon().cacheKey()


def test_about_shows_the_icon_beside_the_version(qtbot, services) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop_app.app import install_app_icon
    from desktop_app.ui.about_dialog import AboutDialog

    install_app_icon(QApplication.instance())
    dialog = AboutDialog(services)
    qtbot.addWidget(dialog)
    picture = dialog.icon_label.pixmap().toImage()
    assert picture.width() == 64
    centre = picture.pixelColor(32, 36)
    assert min(centre.red(), centre.green(), centre.blue()) > 235  # the white page of the icon

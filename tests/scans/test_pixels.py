"""Numpy views of a picture's own pixels (issue 17's speed): what they read, what they keep alive, when they
are refused, and that flattening gives the same page with or without them."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from PIL import Image

from desktop_app.scans import flatten, pixels, samples
from desktop_app.scans.normalise import open_normalised


def _noise(mode: str, size: tuple[int, int], seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    bands = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    data = rng.integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    # A copy: fromarray may map the array's memory read-only, and the first write would then copy it.
    return Image.fromarray(data[..., 0] if bands == 1 else data, mode).copy()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_a_view_reads_the_pictures_own_pixels(mode: str) -> None:
    im = _noise(mode, (301, 123))
    view = pixels.view(im)
    if view is None:
        pytest.skip("views need Pillow 13 or later (Arrow export): flattening copies instead")
    expected = np.asarray(im)
    if mode == "L":
        assert view.shape == (123, 301)
        assert np.array_equal(view, expected)
    else:
        assert view.shape == (123, 301, 4)
        assert np.array_equal(view[..., : expected.shape[2]], expected)
    assert not view.flags.writeable  # reading a picture never changes it
    im.putpixel((7, 5), 9 if mode == "L" else (9, 2, 3, 4)[: len(im.getbands())])
    assert (view[5, 7] if mode == "L" else view[5, 7, 0]) == 9  # the same memory, not a copy


def test_a_view_keeps_the_pixels_alive_after_the_picture_is_gone() -> None:
    im = _noise("RGB", (200, 100), seed=3)
    expected = np.asarray(im).copy()
    view = pixels.view(im)
    if view is None:
        pytest.skip("views need Pillow 13 or later (Arrow export)")
    del im
    gc.collect()
    Image.new("RGB", (200, 100), (255, 0, 0)).load()  # memory freed too early would be reused here
    assert np.array_equal(view[..., :3], expected)


def test_a_new_picture_is_written_through_its_view() -> None:
    im, out = pixels.new_picture("RGB", (64, 32))
    if out is None:
        pytest.skip("views need Pillow 13 or later (Arrow export)")
    out[...] = 0
    out[10:20, 5:9, 0] = 200
    assert im.getpixel((6, 12)) == (200, 0, 0)
    assert im.getpixel((30, 12)) == (0, 0, 0)


@pytest.mark.parametrize("mode", ["CMYK", "P", "I;16", "1"])
def test_modes_without_a_view_are_copied_instead(mode: str) -> None:
    im = Image.new(mode, (40, 30))
    assert pixels.view(im) is None
    assert pixels.as_array(im).shape[:2] == (30, 40)


def test_a_picture_too_large_for_one_block_is_copied_instead() -> None:
    # Pillow keeps pictures over its block size (16 MB) in several blocks: no single buffer to view.
    im = Image.new("RGB", (4200, 1100), (10, 20, 30))
    assert pixels.view(im) is None
    assert pixels.as_array(im)[5, 5].tolist() == [10, 20, 30]


def _photo() -> tuple[Image.Image, dict]:
    page = samples.render_certificate(
        "毕业证书", ["兹证明 张三 于二〇一〇年七月毕业。"], size=(1240, 1754), issuer="昆明市某某大学", seed=2
    )
    photo = samples.photo_on_desk(page, frame=(1200, 1600), seed=11, tilt=10, orientation=1)
    upright = open_normalised(photo.data)
    found = flatten.find_page(upright)
    assert found is not None
    return upright, found.as_edit()


def test_flattening_gives_the_same_page_when_pixels_must_be_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    upright, edit = _photo()
    viewed = np.asarray(flatten.flatten(upright, edit))
    monkeypatch.setattr(pixels, "view", lambda im, writable=False: None)
    copied = np.asarray(flatten.flatten(upright, edit))
    assert np.array_equal(viewed, copied)


def test_the_page_made_in_strips_has_no_seams(monkeypatch: pytest.MonkeyPatch) -> None:
    upright, edit = _photo()
    in_strips = np.asarray(flatten.flatten(upright, edit)).astype(int)
    assert in_strips.shape[0] > 5 * flatten.STRIP_ROWS  # the page is made in several strips
    monkeypatch.setattr(flatten, "STRIP_ROWS", 100_000)
    whole = np.asarray(flatten.flatten(upright, edit)).astype(int)
    assert in_strips.shape == whole.shape
    # The light is interpolated per strip from the same small picture: at most a rounding step apart.
    assert np.abs(in_strips - whole).max() <= 1


def test_a_grey_photo_is_flattened_in_grey() -> None:
    upright, edit = _photo()
    colour = flatten.flatten(upright, edit)
    grey = flatten.flatten(upright.convert("L"), edit)
    assert grey.mode == "L" and grey.size == colour.size
    # Levelling grey is levelling the colour page's brightness: the same page, paper white, ink dark.
    difference = np.abs(np.asarray(grey).astype(int) - np.asarray(colour.convert("L")).astype(int))
    assert difference.mean() < 3
    assert (np.asarray(grey) > 240).mean() > 0.8


def test_borrowed_memory_is_copied_never_viewed() -> None:
    # An image over someone else's memory (an array, a mapped file) is read-only: never viewed, never written.
    data = np.arange(40 * 30, dtype=np.uint8).reshape(30, 40)
    borrowed = Image.frombuffer("L", (40, 30), data.tobytes(), "raw", "L", 0, 1)
    assert borrowed.readonly
    assert pixels.view(borrowed) is None
    assert pixels.view(borrowed, writable=True) is None
    assert np.array_equal(pixels.as_array(borrowed), data)


@pytest.mark.parametrize(
    ("version", "trusted"), [("11.2.0", False), ("12.1.1", False), ("13.0.0", True), ("14.2", True)]
)
def test_only_pillow_13_and_later_are_trusted_with_views(version: str, trusted: bool) -> None:
    # Pillow 11.2-12 exported borrowed or row-aligned images wrongly (a crash, or shifted pixels): those copy.
    assert pixels._trusted_pillow(version) is trusted


def test_a_small_picture_of_another_shape_is_not_taken_for_the_photos() -> None:
    # The light must come from this very picture reduced: a small picture of the upright photo passed with a
    # sideways one (or any other) is ignored, and the page is the one flattening alone makes.
    from desktop_app.scans import normalise

    upright, edit = _photo()
    stored = normalise.turned(upright, 8)  # stored sideways: EXIF 6 turns it upright
    alone = np.asarray(flatten.flatten(stored, edit, turn=6))
    given_wrong = np.asarray(flatten.flatten(stored, edit, turn=6, small=flatten.reduced(upright)))
    given_right = np.asarray(flatten.flatten(stored, edit, turn=6, small=flatten.reduced(stored)))
    assert np.array_equal(alone, given_wrong)
    assert np.array_equal(alone, given_right)

"""The parsed-font cache: a face read back is the face reportlab parses, and a cache file that is damaged,
foreign or older than its font is ignored and rebuilt (never served, never a failure)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop_app.packet import font_cache
from desktop_app.packet.font_cache import CachedFace, cache_file, load_font
from desktop_app.paths import resources_dir

FONTS = resources_dir() / "fonts"
REGULAR = FONTS / "NotoSansSC-Regular.ttf"
BOLD = FONTS / "NotoSansSC-Bold.ttf"
# Each bundled face: Noto at 1000 units per em, HanaMinB at 1024 (its widths are fractions).
BUNDLED = ["NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf", "HanaMinB.ttf"]


@pytest.fixture
def font(tmp_path: Path) -> Path:
    """A private copy of the regular face (tests change it)."""
    copy = tmp_path / "fonts" / "Face.ttf"
    copy.parent.mkdir()
    shutil.copy2(REGULAR, copy)
    return copy


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "fonts"


def _cached(name: str, font: Path, folder: Path) -> TTFont:
    """Load twice: the first parses and writes the cache, the second must read it."""
    load_font(name, font, folder)
    loaded = load_font(name, font, folder)
    assert isinstance(loaded.face, CachedFace), "the second load did not come from the cache"
    return loaded


@pytest.mark.parametrize("file_name", BUNDLED)
def test_a_face_read_from_the_cache_is_the_face_reportlab_parses(file_name: str, folder: Path) -> None:
    parsed = TTFont("Probe", str(FONTS / file_name))
    cached = _cached("Probe", FONTS / file_name, folder)
    assert vars(cached).keys() == vars(parsed).keys()
    assert (cached.fontName, cached._asciiReadable, cached._shapable) == (
        parsed.fontName,
        parsed._asciiReadable,
        parsed._shapable,
    )
    for name, expected in vars(parsed.face).items():
        value = getattr(cached.face, name)
        if name == "_pdfScale":
            assert [value(x) for x in (1, 250, 1023)] == [expected(x) for x in (1, 250, 1023)]
        elif name != "_pos":
            assert value == expected, name
            assert type(value) is type(expected), name
    # Numbers come back with the type the parse gave them (HanaMinB mixes int and float advance widths).
    pairs = zip(cached.face.hmetrics, parsed.face.hmetrics, strict=True)
    assert all(type(a[0]) is type(b[0]) and type(a[1]) is type(b[1]) for a, b in pairs)
    assert {type(w) for w in cached.face.charWidths.values()} == {
        type(w) for w in parsed.face.charWidths.values()
    }


def _draw(path: Path) -> bytes:
    """A page in both faces (subsetting reads the glyph tables, positions and metrics); invariant output."""
    canvas = Canvas(str(path), invariant=1, initialFontName="CacheProbe")
    canvas.setFont("CacheProbe", 12)
    canvas.drawString(72, 700, "专业技术职务任职资格评审表 2026年度 ABCxyz（一）")
    canvas.setFont("CacheProbeBold", 16)
    canvas.drawString(72, 660, "职称申报材料 第 1 页 共 208 页")
    canvas.showPage()
    canvas.save()
    return path.read_bytes()


def test_a_pdf_drawn_with_cached_faces_is_byte_for_byte_the_one_drawn_with_parsed_faces(
    folder: Path, tmp_path: Path
) -> None:
    saved = rl_config.invariant
    try:
        pdfmetrics.registerFont(TTFont("CacheProbe", str(REGULAR)))
        pdfmetrics.registerFont(TTFont("CacheProbeBold", str(BOLD)))
        parsed = _draw(tmp_path / "parsed.pdf")
        pdfmetrics.registerFont(_cached("CacheProbe", REGULAR, folder))
        pdfmetrics.registerFont(_cached("CacheProbeBold", BOLD, folder))
        cached = _draw(tmp_path / "cached.pdf")
    finally:
        rl_config.invariant = saved
        for name in ("CacheProbe", "CacheProbeBold"):
            pdfmetrics._fonts.pop(name, None)
    assert b"FontFile2" in cached
    assert cached == parsed


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    path.write_bytes(change(path.read_bytes()))


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_flip, id="one byte changed"),
        pytest.param(lambda data: data[: len(data) // 3], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: os.urandom(4096), id="random bytes"),
        pytest.param(lambda data: b"%PDF-1.4\n" + data, id="not a cache file"),
        pytest.param(lambda data: data + b"\x00" * 8, id="trailing bytes"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(damage, font: Path, folder: Path) -> None:  # type: ignore[no-untyped-def]
    _cached("Probe", font, folder)
    good = cache_file(folder, font).read_bytes()
    _rewrite(cache_file(folder, font), damage)
    again = load_font("Probe", font, folder)
    assert not isinstance(again.face, CachedFace)
    assert again.face.name == b"NotoSansSC-Regular"
    assert cache_file(folder, font).read_bytes() == good  # rebuilt, and served again next time
    assert isinstance(load_font("Probe", font, folder).face, CachedFace)


def test_another_font_s_cache_file_is_not_served(font: Path, folder: Path) -> None:
    bold = font.with_name("Other.ttf")
    shutil.copy2(BOLD, bold)
    _cached("Probe", font, folder)
    _cached("Probe", bold, folder)
    shutil.copy2(cache_file(folder, bold), cache_file(folder, font))  # intact, but written for the bold face
    again = load_font("Probe", font, folder)
    assert not isinstance(again.face, CachedFace)
    assert again.face.name == b"NotoSansSC-Regular"


def test_a_replaced_font_file_is_not_served_from_the_old_cache(font: Path, folder: Path) -> None:
    _cached("Probe", font, folder)
    shutil.copy2(BOLD, font)  # an update ships another face under the same file name
    again = load_font("Probe", font, folder)
    assert not isinstance(again.face, CachedFace)
    assert again.face.name == b"NotoSansSC-Bold"
    assert _cached("Probe", font, folder).face.name == b"NotoSansSC-Bold"


def test_a_changed_font_with_the_same_size_and_time_is_not_served_from_the_old_cache(
    font: Path, folder: Path
) -> None:
    _cached("Probe", font, folder)
    stat = font.stat()
    data = bytearray(font.read_bytes())
    data[12 + 8] ^= 0xFF  # the first table's checksum in the table directory, as an edited table changes it
    font.write_bytes(bytes(data))
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert font.stat().st_size == stat.st_size and font.stat().st_mtime_ns == stat.st_mtime_ns
    assert not isinstance(load_font("Probe", font, folder).face, CachedFace)


def _forged(font: Path, folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    """A cache file with a valid checksum and key whose tables were altered after the parse."""
    parsed = TTFont("Probe", str(font))
    change(parsed.face)
    data = font.read_bytes()
    key = font_cache.cache_key(font, data, font.stat().st_mtime_ns)
    cache_file(folder, font).write_bytes(font_cache.encode_face(parsed.face, key))


def _glyph_beyond_the_font(face) -> None:  # type: ignore[no-untyped-def]
    face.charToGlyph[ord("中")] = face.numGlyphs + 5


def _moved_glyph(face) -> None:  # type: ignore[no-untyped-def]
    face.glyphPos[100] += 2


def _metric_too_large(face) -> None:  # type: ignore[no-untyped-def]
    face.hmetrics[3] = (70000, 0)


def _method_hidden(face) -> None:  # type: ignore[no-untyped-def]
    face.makeSubset = 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_glyph_beyond_the_font, id="glyph number beyond the font"),
        pytest.param(_moved_glyph, id="glyph position not the font's"),
        pytest.param(_metric_too_large, id="metric beyond 16 bits"),
        pytest.param(_method_hidden, id="attribute hiding a method"),
    ],
)
def test_a_well_formed_cache_file_with_impossible_tables_is_not_served(
    change, font: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True)
    _forged(font, folder, change)
    again = load_font("Probe", font, folder)
    assert not isinstance(again.face, CachedFace)
    assert again.face.charToGlyph[ord("中")] < again.face.numGlyphs


def test_an_unwritable_cache_folder_only_costs_the_parse(font: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_bytes(b"a file where the cache folder would be")
    loaded = load_font("Probe", font, blocked / "fonts")
    assert loaded.face.name == b"NotoSansSC-Regular"
    assert blocked.read_bytes() == b"a file where the cache folder would be"


def test_the_bundled_faces_are_cached_in_the_data_folder(zhicheng_home: Path) -> None:
    from desktop_app.packet.fonts import font_cache_folder

    folder = font_cache_folder()
    assert folder == zhicheng_home / "cache" / "fonts"
    load_font("Probe", REGULAR, folder)
    written = cache_file(folder, REGULAR).read_bytes()
    assert written.startswith(font_cache.MAGIC)
    assert (
        hashlib.sha256(written[len(font_cache.MAGIC) + 32 :]).digest()
        == written[len(font_cache.MAGIC) :][:32]
    )


def test_no_cache_folder_is_made_before_the_data_folder_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.packet.fonts import font_cache_folder

    monkeypatch.setenv("ZHICHENG_HOME", str(tmp_path / "not-yet"))
    assert font_cache_folder() is None
    assert not (tmp_path / "not-yet").exists()


def test_glyph_to_char_is_the_parse_s_when_read(font: Path, folder: Path) -> None:
    cached = _cached("Probe", font, folder)
    assert "glyphToChar" not in vars(cached.face)
    assert cached.face.glyphToChar == TTFont("Probe", str(font)).face.glyphToChar

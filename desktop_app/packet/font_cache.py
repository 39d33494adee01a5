"""reportlab's parse of a TrueType file, kept between runs in the cache folder.

Parsing Noto Sans SC costs ~40 ms a face and HanaMinB ~100 ms (Python loops over 30 000–60 000 glyphs), paid
again by every packet; the same tables read back from a cache file take a few milliseconds.

A cache file is untrusted input. It is used only when its checksum matches, it was written for this very
font file (size, modification time, a hash of its first and last bytes, which hold the table directory
with every table's checksum) by this reportlab and this format, and every value has the type, shape and
range the parse produces and agrees with the font's own maxp, head and loca tables. Anything else (a
truncated, damaged or foreign file, an older format, a changed font) is ignored: the font is parsed and the
file rewritten. Writing the cache never fails a packet.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import struct
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import reportlab
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, TTFontFile

from desktop_app.paths import write_file_atomically

log = logging.getLogger(__name__)

FORMAT = 1
MAGIC = b"ZCTTF\x00\x01\n"
SUFFIX = ".ttfcache"
EDGE = 65536  # bytes hashed at each end of the font file
# Not stored: the font bytes (read from the font file), the parser's read position, the scaling function
# (rebuilt from unitsPerEm as the parse makes it) and glyphToChar, which only text shaping reads (uharfbuzz,
# not installed here): 30 000 one-element lists would be a quarter of the time a face takes to read.
NOT_STORED = frozenset({"_ttf_data", "_pos", "_pdfScale", "glyphToChar"})
# What drawing and subsetting read; a cache file without any of them is not a parse of a font.
REQUIRED = frozenset(
    {
        "name",
        "numGlyphs",
        "unitsPerEm",
        "charToGlyph",
        "charWidths",
        "defaultWidth",
        "hmetrics",
        "glyphPos",
        "table",
        "ascent",
        "descent",
        "capHeight",
        "bbox",
        "italicAngle",
        "stemV",
        "flags",
        "subfontNameX",
    }
)
SHORT_LIST = 64  # longer lists of numbers are stored as arrays, not JSON
_INT32 = (-(2**31), 2**31 - 1)
_SCALARS = (type(None), bool, int, float, str)
_U32 = "I" if array("I").itemsize == 4 else "L"


class _Unusable(Exception):
    """The cache file (or the parse to be stored) is not what this module writes."""


def cache_key(font: Path, data: bytes, mtime_ns: int) -> dict[str, Any]:
    """What a cache file must have been written for: this font file, this reportlab, this format."""
    edges = hashlib.sha256(data[:EDGE])
    edges.update(data[max(EDGE, len(data) - EDGE) :])
    return {
        "format": FORMAT,
        "reportlab": reportlab.Version,
        "byteorder": sys.byteorder,
        "font": font.name,
        "size": len(data),
        "mtime_ns": mtime_ns,
        "edges": edges.hexdigest(),
    }


def cache_file(folder: Path, font: Path) -> Path:
    """The cache file of one font (one per font: a changed font replaces its file instead of adding one)."""
    return folder / f"{font.stem}{SUFFIX}"


def load_font(name: str, font: Path, folder: Path | None) -> TTFont:
    """A reportlab TTFont of `font` (not registered): from the cache when it is valid, else parsed and the
    cache written for the next run. `folder` None: always parsed, nothing written."""
    if folder is None:
        return TTFont(name, str(font))
    try:
        with open(font, "rb") as fh:
            mtime_ns = os.fstat(fh.fileno()).st_mtime_ns
            data = fh.read()
    except OSError:
        return TTFont(name, str(font))  # reportlab says what is wrong with the file
    key = cache_key(font, data, mtime_ns)
    target = cache_file(folder, font)
    face = _read_cached(target, data, key, str(font))
    if face is not None:
        return _font_of(name, face)
    parsed = TTFont(name, str(font))
    _write_cache(target, parsed.face, key)
    return parsed


def _font_of(name: str, face: TTFontFace) -> TTFont:
    """TTFont.__init__ with the face given instead of parsed (tests compare the two objects attribute by attribute)."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config

    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


class CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no type hints
    """A face read from the cache; glyphToChar, if ever read, comes from parsing the font's bytes."""

    def __getattr__(self, name: str) -> Any:
        if name == "glyphToChar" and "_ttf_data" in vars(self):
            self.glyphToChar = made = TTFontFile(io.BytesIO(self._ttf_data)).glyphToChar
            return made
        raise AttributeError(name)


# Writing ----------------------------------------------------------------------------------------------
#
# A file is MAGIC, the SHA-256 of the rest, then a little-endian u32 header length, the JSON header (the key,
# each attribute's encoding, each array's type code and length) and the arrays' bytes in native order.
# A list or map of numbers is stored as columns: an array of ints ("i" or "q"), or of floats ("d") with the
# positions of the ints among them, so every value comes back with the type the parse gave it.


class _Arrays:
    def __init__(self) -> None:
        self.items: list[array[Any]] = []

    def add(self, data: array[Any]) -> int:
        self.items.append(data)
        return len(self.items) - 1

    def column(self, values: list[Any]) -> list[Any]:
        if all(type(v) is int for v in values):
            data = array("q", values)
            if not data or _INT32[0] <= min(data) and max(data) <= _INT32[1]:
                data = array("i", data)
            return [self.add(data)]
        if not all(type(v) in (int, float) and math.isfinite(v) for v in values):
            raise _Unusable("a list that is not numbers")
        ints = array("i", (n for n, v in enumerate(values) if type(v) is int))
        return [self.add(array("d", values)), self.add(ints)]


def _encode(value: Any, arrays: _Arrays) -> list[Any]:
    kind = type(value)
    if kind in _SCALARS and _is_json(value):
        return ["v", value]
    if kind is TTFNameBytes:
        return ["name", value.ustr]
    if kind is bytes:
        return ["bytes", value.hex()]
    if kind is tuple and all(type(v) is int for v in value):
        return ["tuple", list(value)]
    if kind is list and len(value) <= SHORT_LIST and _is_json(value):
        return ["v", value]
    if kind is list and all(type(v) in (int, float) for v in value):
        return ["numbers", arrays.column(value)]
    if kind is list and all(type(v) is tuple and len(v) == 2 for v in value):
        return ["pairs", arrays.column([v[0] for v in value]), arrays.column([v[1] for v in value])]
    if kind is dict and value and all(type(k) is int for k in value):
        return ["map", arrays.column(list(value)), arrays.column(list(value.values()))]
    if kind in (list, dict) and _is_json(value):
        return ["v", value]
    raise _Unusable(f"a {kind.__name__} value")


def _is_json(value: Any) -> bool:
    if type(value) in _SCALARS:
        return not (type(value) is float and not math.isfinite(value))
    if type(value) is list:
        return all(_is_json(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_json(v) for k, v in value.items())
    return False


def encode_face(face: TTFontFace, key: dict[str, Any]) -> bytes:
    """The cache file's bytes for a parsed face."""
    arrays = _Arrays()
    values = {name: _encode(v, arrays) for name, v in vars(face).items() if name not in NOT_STORED}
    header = json.dumps(
        {"key": key, "values": values, "arrays": [[a.typecode, len(a)] for a in arrays.items]},
        ensure_ascii=True,
        allow_nan=False,
    ).encode("ascii")
    body = struct.pack("<I", len(header)) + header + b"".join(a.tobytes() for a in arrays.items)
    return MAGIC + hashlib.sha256(body).digest() + body


def _write_cache(target: Path, face: TTFontFace, key: dict[str, Any]) -> None:
    try:
        data = encode_face(face, key)
        # What is written must read back as this face: a parse this module cannot check is not cached.
        _decode(data, face._ttf_data, key, str(face.filename))
    except (_Unusable, ValueError, TypeError, OverflowError) as exc:
        log.info("font %s not cached: %s", target.stem, exc)
        return
    try:
        write_file_atomically(target, data)
    except OSError as exc:  # a full disk or read-only folder: the next run parses again
        log.info("font cache %s not written: %s", target.name, exc)


# Reading ----------------------------------------------------------------------------------------------


def _read_cached(target: Path, font_data: bytes, key: dict[str, Any], filename: str) -> TTFontFace | None:
    try:
        data = target.read_bytes()
    except OSError:
        return None
    try:
        return _decode(data, font_data, key, filename)
    except Exception as exc:  # noqa: BLE001 - whatever the file holds, it is only a cache
        log.info("font cache %s ignored: %s", target.name, exc)
        return None


class _Columns:
    """The arrays of one cache file, read as columns of numbers (checked before they are turned into lists)."""

    def __init__(self, shapes: Any, blob: memoryview) -> None:
        if not isinstance(shapes, list):
            raise _Unusable("array table")
        self.arrays: list[array[Any]] = []
        offset = 0
        for shape in shapes:
            if not (isinstance(shape, list) and len(shape) == 2 and shape[0] in ("i", "q", "d")):
                raise _Unusable("array shape")
            typecode, count = shape
            if type(count) is not int or count < 0:
                raise _Unusable("array length")
            item = array(typecode)
            end = offset + count * item.itemsize
            if end > len(blob):
                raise _Unusable("truncated")
            item.frombytes(blob[offset:end])
            if typecode == "d" and not all(map(math.isfinite, item)):
                raise _Unusable("not a number")
            self.arrays.append(item)
            offset = end
        if offset != len(blob):
            raise _Unusable("trailing bytes")
        self._lists: dict[int, list[Any]] = {}

    def numbers(self, encoded: Any) -> array[Any]:
        """The values of a column as an array (checked: lengths, the int positions)."""
        if not isinstance(encoded, list) or len(encoded) not in (1, 2):
            raise _Unusable("column")
        values = self._get(encoded[0])
        if len(encoded) == 2:
            if values.typecode != "d":
                raise _Unusable("int positions of an int column")
            ints = self._get(encoded[1])
            if ints.typecode == "d" or (ints and not (0 <= min(ints) and max(ints) < len(values))):
                raise _Unusable("int positions")
        elif values.typecode == "d":
            raise _Unusable("float column without int positions")
        return values

    def values(self, encoded: Any) -> list[Any]:
        """The values of a column as a list, each with the type it was written with (made once)."""
        values = self.numbers(encoded)
        made = self._lists.get(id(values))
        if made is not None:
            return made
        made = values.tolist()
        if len(encoded) == 2:
            for n in self._get(encoded[1]).tolist():
                if not made[n].is_integer():
                    raise _Unusable("a fraction where an integer was")
                made[n] = int(made[n])
        self._lists[id(values)] = made
        return made

    def _get(self, index: Any) -> array[Any]:
        if type(index) is not int or not 0 <= index < len(self.arrays):
            raise _Unusable("array index")
        return self.arrays[index]


def _decode(data: bytes, font_data: bytes, key: dict[str, Any], filename: str) -> TTFontFace:
    """The face a cache file holds, after every check; raises _Unusable (or a parse error) otherwise."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32 + 4:
        raise _Unusable("not a font cache file")
    digest, body = data[len(MAGIC) : len(MAGIC) + 32], memoryview(data)[len(MAGIC) + 32 :]
    if hashlib.sha256(body).digest() != digest:
        raise _Unusable("checksum mismatch")
    (size,) = struct.unpack_from("<I", body)
    if size > len(body) - 4:
        raise _Unusable("header longer than the file")
    header = json.loads(bytes(body[4 : 4 + size]).decode("ascii"))
    if not isinstance(header, dict) or header.get("key") != key:
        raise _Unusable("written for another font file, reportlab or format")
    columns = _Columns(header.get("arrays"), body[4 + size :])
    stored = header.get("values")
    if not isinstance(stored, dict) or not REQUIRED <= stored.keys():
        raise _Unusable("attributes missing")
    for name in stored:
        # Instance attributes only: a stored name must not hide one of the class's methods.
        if not isinstance(name, str) or name in NOT_STORED or hasattr(CachedFace, name):
            raise _Unusable(f"attribute {name!r}")
    attributes = _checked_values(stored, columns, font_data)
    face = CachedFace.__new__(CachedFace)
    face.__dict__.update(attributes)
    face.filename = filename
    face._ttf_data = font_data
    face._pos = 0
    face._pdfScale = _scale(attributes["unitsPerEm"])
    return face


def _decode_value(encoded: Any, columns: _Columns) -> Any:
    if not isinstance(encoded, list) or not encoded or not isinstance(encoded[0], str):
        raise _Unusable("value")
    kind, args = encoded[0], encoded[1:]
    if kind == "v" and len(args) == 1 and _is_json(args[0]):
        return args[0]
    if kind == "name" and len(args) == 1 and isinstance(args[0], str):
        return TTFNameBytes(args[0].encode("utf8"))
    if kind == "bytes" and len(args) == 1 and isinstance(args[0], str):
        return bytes.fromhex(args[0])
    if kind == "tuple" and len(args) == 1 and isinstance(args[0], list):
        if all(type(v) is int for v in args[0]):
            return tuple(args[0])
    if kind == "numbers" and len(args) == 1:
        return columns.values(args[0])
    if kind == "pairs" and len(args) == 2:
        first, second = columns.values(args[0]), columns.values(args[1])
        return list(zip(first, second, strict=True))
    if kind == "map" and len(args) == 2:
        return dict(zip(columns.values(args[0]), columns.values(args[1]), strict=True))
    raise _Unusable(f"value kind {kind!r}")


def _checked_values(stored: dict[str, Any], columns: _Columns, font_data: bytes) -> dict[str, Any]:
    """Every attribute decoded, after what drawing and subsetting read was checked: in range, and in
    agreement with the font file's own maxp, head and loca tables."""
    scalars = {n: _decode_value(e, columns) for n, e in stored.items() if n not in _COLUMNS}
    glyphs, units = scalars["numGlyphs"], scalars["unitsPerEm"]
    if (
        type(glyphs) is not int
        or not 0 < glyphs <= 65535
        or type(units) is not int
        or not 16 <= units <= 16384
    ):
        raise _Unusable("glyph count or units")
    table = scalars["table"]
    if not isinstance(table, dict) or not {"head", "maxp", "loca", "glyf", "hmtx"} <= table.keys():
        raise _Unusable("table directory")
    for tag, record in table.items():
        offset, length = (
            (record.get(k) for k in ("offset", "length")) if isinstance(record, dict) else (-1, -1)
        )
        if type(offset) is not int or type(length) is not int or offset < 0 or length < 0:
            raise _Unusable(f"table {tag}")
        if offset + length > len(font_data):
            raise _Unusable(f"table {tag} beyond the font file")
    head, maxp = table["head"]["offset"], table["maxp"]["offset"]
    if _u16(font_data, maxp + 4) != glyphs or _u16(font_data, head + 18) != units:
        raise _Unusable("not this font's glyph count or units")
    sizes = [scalars[k] for k in ("defaultWidth", "ascent", "descent", "capHeight", "italicAngle", "stemV")]
    bbox = scalars["bbox"]
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise _Unusable("bounding box")
    if not all(type(n) in (int, float) and math.isfinite(n) for n in sizes + bbox):
        raise _Unusable("metrics")
    if type(scalars["flags"]) is not int or type(scalars["subfontNameX"]) is not bytes:
        raise _Unusable("flags")
    if type(scalars["name"]) is not TTFNameBytes:
        raise _Unusable("name")

    kinds = {n: stored[n][0] if isinstance(stored[n], list) and stored[n] else None for n in _COLUMNS}
    if kinds != _COLUMNS:
        raise _Unusable("glyph tables stored in another form")
    # Only what reportlab indexes or packs with is checked (a wrong width draws wrong, but cannot fail):
    # glyph numbers index the metrics and positions, metrics are packed as u16, positions must be the font's.
    found = dict(scalars)
    found.update({n: _decode_value(stored[n], columns) for n in _COLUMNS})
    glyph_numbers = list(found["charToGlyph"].values())
    if glyph_numbers and not (0 <= min(glyph_numbers) and max(glyph_numbers) < glyphs):
        raise _Unusable("glyph numbers beyond the font")
    metrics = found["hmetrics"]
    if len(metrics) != glyphs:
        raise _Unusable("metrics count")
    for column in stored["hmetrics"][1:]:
        numbers = columns.values(column)  # advance widths, then left side bearings (glyphs > 0: not empty)
        if not (0 <= min(numbers) and max(numbers) <= 0xFFFF):
            raise _Unusable("metrics range")
    if found["glyphPos"] != _loca(font_data, head, table["loca"], glyphs):
        raise _Unusable("glyph positions differ from the font's loca table")
    return {n: found[n] for n in stored}  # in the parse's order


# The glyph tables and how they must be stored.
_COLUMNS = {
    "charToGlyph": "map",
    "charWidths": "map",
    "hmetrics": "pairs",
    "glyphPos": "numbers",
}


def _u16(data: bytes, offset: int) -> int:
    if offset + 2 > len(data):
        raise _Unusable("beyond the font file")
    return int(struct.unpack_from(">H", data, offset)[0])


def _loca(data: bytes, head: int, loca: dict[str, Any], glyphs: int) -> list[int]:
    """The glyph offsets of the loca table (as reportlab reads them), with C loops instead of Python ones."""
    long_format = _u16(data, head + 50)
    if long_format not in (0, 1):
        raise _Unusable("loca format")
    item = array(_U32 if long_format else "H")
    size = (glyphs + 1) * item.itemsize
    if size > loca["length"]:
        raise _Unusable("loca table too short")
    item.frombytes(data[loca["offset"] : loca["offset"] + size])
    if sys.byteorder == "little":
        item.byteswap()
    values = item.tolist()
    return values if long_format else [v << 1 for v in values]


def _scale(units: int) -> Callable[[float], float]:
    # As TTFontFile.extractInfo builds it.
    if units == 1000:
        return lambda x: x
    factor = 1000 / units
    return lambda x: x * factor

"""Parsed TOML kept between runs as JSON: tomllib is pure Python (~13 ms for the forms and the reference
tables at every start), json is C (~1 ms).

A cache file serves only the very bytes it was made from (their SHA-256 is in it) and holds only what a TOML
document can (tables, arrays, text, whole numbers, finite numbers, true/false). Anything else in it, or a
damaged file, is ignored: the TOML is parsed again and the file rewritten. A document JSON cannot hold
exactly (dates and times) is never cached. The loaders check what they read either way; when cached data fails
their checks they read the TOML itself (`parse_toml`), so a cache file can never stop the app.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from desktop_app.paths import write_file_atomically

FORMAT = 1
MAX_BYTES = 4 << 20


def cache_folder() -> Path | None:
    """cache/toml in the data folder, or None before the data folder exists."""
    from desktop_app.paths import data_home_path

    home = data_home_path()
    return home / "cache" / "toml" if home.is_dir() else None


def _text(raw: bytes, universal_newlines: bool) -> str:
    text = raw.decode("utf-8")
    # As Path.read_text gives it (\r\n and \r as \n), or as tomllib.load reads a binary file.
    return text.replace("\r\n", "\n").replace("\r", "\n") if universal_newlines else text


def parse_toml(path: Path, universal_newlines: bool = False) -> dict[str, Any]:
    """tomllib's parse of the file (OSError, UnicodeDecodeError and TOMLDecodeError as reading and tomllib
    raise them); `universal_newlines` reads the text as Path.read_text does."""
    return tomllib.loads(_text(path.read_bytes(), universal_newlines))


def load_toml(path: Path, universal_newlines: bool = False) -> tuple[dict[str, Any], bool]:
    """`parse_toml`'s result, and whether it came from the cache (same errors)."""
    raw = path.read_bytes()
    folder = cache_folder()
    if folder is None:
        return tomllib.loads(_text(raw, universal_newlines)), False
    digest = hashlib.sha256(raw).hexdigest()
    # One file for each TOML file (and way of reading it), overwritten when the TOML changes.
    name = f"{path.resolve()}:{int(universal_newlines)}"
    target = folder / (hashlib.sha256(name.encode("utf-8")).hexdigest()[:24] + ".json")
    cached = _read(target, digest)
    if cached is not None:
        return cached, True
    data = tomllib.loads(_text(raw, universal_newlines))
    _write(target, digest, data)
    return data, False


def _is_toml_value(value: Any) -> bool:
    kind = type(value)
    if kind in (str, int, bool):
        return True
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if kind is list:
        return all(_is_toml_value(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _is_toml_value(v) for k, v in value.items())
    return False


def _read(target: Path, digest: str) -> dict[str, Any] | None:
    try:
        if target.stat().st_size > MAX_BYTES:
            return None
        stored = json.loads(target.read_bytes(), parse_constant=_refuse)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("sha256") != digest:
        return None
    data = stored.get("data")
    try:
        return data if isinstance(data, dict) and _is_toml_value(data) else None
    except RecursionError:
        return None


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not a TOML value")


def _write(target: Path, digest: str, data: dict[str, Any]) -> None:
    if not _is_toml_value(data):
        return  # dates and times: JSON would not give them back
    payload = json.dumps({"format": FORMAT, "sha256": digest, "data": data}, ensure_ascii=False)
    try:
        write_file_atomically(target, payload.encode("utf-8"))
    except OSError:
        pass  # a full disk or a read-only folder: parsed again next time

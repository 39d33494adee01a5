"""Parsed TOML kept as JSON between runs: the forms and the reference tables read from it are the ones the
TOML gives, and a cache file that is damaged, foreign, stale or tampered with is never what the app uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.formspec import loader
from desktop_app.formspec.toml_cache import cache_folder, load_toml, parse_toml
from desktop_app.paths import forms_dir, resources_dir
from desktop_app.reference import data as reference_data

BUNDLED = sorted(forms_dir().glob("*.toml")) + sorted((resources_dir() / "reference").glob("*.toml"))


def _only_cache_file() -> Path:
    folder = cache_folder()
    assert folder is not None
    [found] = list(folder.glob("*.json"))
    return found


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_cached_parse_is_tomllib_s_parse(path: Path) -> None:
    for universal in (False, True):
        assert load_toml(path, universal) == (parse_toml(path, universal), False)
        assert load_toml(path, universal) == (parse_toml(path, universal), True)


def test_forms_and_reference_from_the_cache_equal_those_from_the_toml() -> None:
    folder = resources_dir() / "reference"
    assert loader._load(forms_dir()) == loader._load_files(forms_dir(), use_cache=False)
    assert loader._load(forms_dir()) == loader._load_files(forms_dir(), use_cache=False)  # now from the cache
    assert reference_data._load(folder) == reference_data._load_files(folder, use_cache=False)
    assert reference_data._load(folder) == reference_data._load_files(folder, use_cache=False)
    assert len(list(cache_folder().glob("*.json"))) == len(BUNDLED)  # type: ignore[union-attr]


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "", id="empty"),
        pytest.param(lambda text: "[1, 2]", id="not an object"),
        pytest.param(lambda text: text.replace('"format": 1', '"format": 7'), id="another format"),
        pytest.param(lambda text: text.replace('"b"', "null"), id="null is no TOML value"),
        pytest.param(lambda text: text.replace("2.5", "NaN"), id="NaN"),
        pytest.param(lambda text: "[" * 50_000 + "]" * 50_000, id="nested too deep"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(damage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _toml(tmp_path, 'a = "b"\nn = 2.5\n[t]\nlist = [1, 2]\n')
    expected = parse_toml(path)
    load_toml(path)
    cached = _only_cache_file()
    cached.write_text(damage(cached.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_toml(path) == (expected, False)
    assert load_toml(path) == (expected, True)


def test_a_changed_toml_file_is_not_served_from_its_old_parse(tmp_path: Path) -> None:
    path = _toml(tmp_path, 'title = "旧"\n')
    load_toml(path)
    path.write_text('title = "新"\n', encoding="utf-8")
    assert load_toml(path) == ({"title": "新"}, False)


def test_dates_are_never_cached(tmp_path: Path) -> None:
    path = _toml(tmp_path, "since = 2026-01-01\n")
    assert load_toml(path)[1] is False and load_toml(path)[1] is False
    assert not list(cache_folder().glob("*.json"))  # type: ignore[union-attr]


def test_newlines_are_read_as_each_loader_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    path.write_bytes(b'text = """\r\none\r\ntwo"""\r\n')
    assert load_toml(path, True)[0] == {"text": "one\ntwo"}
    assert load_toml(path, False)[0] == parse_toml(path, False)
    assert load_toml(path, True) == ({"text": "one\ntwo"}, True)
    assert load_toml(path, False) == (parse_toml(path, False), True)


def _tamper(change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite every cache file's data (keeping its checksum of the TOML bytes) with `change`."""
    for cached in cache_folder().glob("*.json"):  # type: ignore[union-attr]
        stored = json.loads(cached.read_text(encoding="utf-8"))
        change(stored["data"])
        cached.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")


def test_cached_forms_the_loader_refuses_are_read_from_the_toml_instead() -> None:
    expected = loader._load_files(forms_dir(), use_cache=False)
    loader._load(forms_dir())

    def break_fields(data):  # type: ignore[no-untyped-def]
        for field in data.get("fields", []):
            field["type"] = "no such type"

    _tamper(break_fields)
    assert loader._load(forms_dir()) == expected


def test_cached_reference_tables_the_loader_refuses_are_read_from_the_toml_instead() -> None:
    folder = resources_dir() / "reference"
    expected = reference_data._load_files(folder, use_cache=False)
    reference_data._load(folder)

    def break_edition(data):  # type: ignore[no-untyped-def]
        data["edition"] = "not a year"

    _tamper(break_edition)
    assert reference_data._load(folder) == expected

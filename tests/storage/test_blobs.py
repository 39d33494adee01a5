"""The blob store keeps the exact bytes that were checked, even when the person's file changes meanwhile."""

from __future__ import annotations

import hashlib
from pathlib import Path

from desktop_app.storage.blobs import BlobStore


def test_copying_from_the_file_stores_exactly_the_bytes_read(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    source = tmp_path / "毕业证书.jpg"
    source.write_bytes(b"\xff\xd8 scan of a diploma " * 1000)
    data = source.read_bytes()
    sha, size, new = store.put_bytes(data, hashlib.sha256(data).hexdigest(), copy_of=source)
    assert new and size == len(data)
    assert store.read(sha) == data and store.verify(sha)


def test_a_file_changed_after_it_was_read_does_not_get_into_the_store(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    source = tmp_path / "毕业证书.jpg"
    source.write_bytes(b"the scan that was checked " * 1000)
    data = source.read_bytes()
    source.write_bytes(b"a different picture saved over it " * 1000)  # e.g. the person re-scanned
    sha, _size, new = store.put_bytes(data, hashlib.sha256(data).hexdigest(), copy_of=source)
    assert new and store.read(sha) == data and store.verify(sha)
    assert not list((tmp_path / "blobs").glob(".incoming-*"))  # no half-made copy left behind


def test_a_vanished_source_falls_back_to_the_bytes_in_hand(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    data = b"scan bytes " * 500
    sha, _size, new = store.put_bytes(data, hashlib.sha256(data).hexdigest(), copy_of=tmp_path / "gone.jpg")
    assert new and store.read(sha) == data

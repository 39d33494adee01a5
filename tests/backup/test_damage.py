"""Damaged backups: any flipped byte, a truncation or a wrong passphrase is detected, named, and restores nothing."""

from __future__ import annotations

import random
import zipfile

import pytest

from desktop_app.backup.archive import data_offset
from desktop_app.backup.errors import BackupDamaged, BackupError, WrongPassphrase
from desktop_app.usecases import backup as ub


@pytest.fixture
def backup_file(services, scanned_app, out_dir):
    return ub.create_backup(services, scanned_app, out_dir=out_dir).path


def _offsets(path, sample: int, seed: int = 6) -> list[int]:
    """Every byte of the zip's structure and compressed data, plus a random sample of the stored scans."""
    size = path.stat().st_size
    structure: set[int] = set(range(max(0, size - 2000), size))
    stored: list[int] = []
    with open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            start = data_offset(fh, info)
            structure.update(range(info.header_offset, start))
            if info.compress_type == zipfile.ZIP_STORED:
                stored.extend(range(start, start + info.compress_size))
            else:
                structure.update(range(start, start + info.compress_size, 7))
    rng = random.Random(seed)
    picked = sorted(structure)
    rng.shuffle(picked)
    return picked[:sample] + rng.sample(stored, min(sample // 3, len(stored)))


def _flip(path, offset, target):
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << (offset % 8)
    target.write_bytes(data)


def test_any_flipped_byte_is_detected_and_named(services, backup_file, tmp_path):
    damaged = tmp_path / "damaged.zip"
    offsets = _offsets(backup_file, 240)
    assert len(offsets) > 250
    for offset in offsets:
        _flip(backup_file, offset, damaged)
        try:
            result = ub.verify_backup(services, damaged)
        except BackupError as exc:  # refused outright (e.g. a flip that turns a name into an unsafe one)
            assert str(exc)
            continue
        assert not result.ok, f"flip at {offset} went unnoticed"
        assert all(p.path and p.what for p in result.problems)


def test_flip_in_a_scan_names_that_scan(services, backup_file, tmp_path):
    with open(backup_file, "rb") as fh, zipfile.ZipFile(fh) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("扫描件/"))
        offset = data_offset(fh, info) + info.compress_size // 2
    damaged = tmp_path / "damaged.zip"
    _flip(backup_file, offset, damaged)
    result = ub.verify_backup(services, damaged)
    assert [p.path for p in result.problems] == [info.filename]


def test_damaged_backup_restores_nothing(services, scanned_app, backup_file, tmp_path, other_services):
    damaged = tmp_path / "damaged.zip"
    with open(backup_file, "rb") as fh, zipfile.ZipFile(fh) as zf:
        info = zf.getinfo(ub.DB_MEMBER)
        offset = data_offset(fh, info) + 5
    _flip(backup_file, offset, damaged)
    before = other_services.blobs.root.rglob("*")
    with pytest.raises(BackupDamaged, match="数据库快照"):
        ub.restore_backup(other_services, damaged)
    assert other_services.repo.list_applications() == []
    assert list(other_services.blobs.root.rglob("*")) == list(before)
    assert not any((other_services.home / "restore-staging").iterdir())


@pytest.mark.parametrize("keep", [0.999, 0.5, 0.01])
def test_truncated_backup_is_refused(services, backup_file, tmp_path, other_services, keep):
    short = tmp_path / "short.zip"
    data = backup_file.read_bytes()
    short.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BackupDamaged, match="已损坏"):
        ub.restore_backup(other_services, short)
    result = ub.verify_backup(services, short)
    assert not result.ok and result.problems
    assert other_services.repo.list_applications() == []


@pytest.fixture
def encrypted_file(services, scanned_app, out_dir):
    return ub.create_backup(services, scanned_app, out_dir=out_dir, passphrase="正确的口令").path


def test_wrong_passphrase_is_told_apart_from_damage(services, encrypted_file, other_services, tmp_path):
    with pytest.raises(WrongPassphrase, match="口令不正确"):
        ub.verify_backup(services, encrypted_file, "错误的口令")
    with pytest.raises(WrongPassphrase):
        ub.restore_backup(other_services, encrypted_file, "错误的口令")
    assert other_services.repo.list_applications() == []
    with pytest.raises(BackupError, match="需要口令"):
        ub.restore_backup(other_services, encrypted_file, None)


@pytest.mark.slow
def test_flipped_byte_in_encrypted_backup_is_damage_not_wrong_passphrase(services, encrypted_file, tmp_path):
    size = encrypted_file.stat().st_size
    damaged = tmp_path / "damaged.zip.enc"
    # Header, salt, key check tag, header digest, first chunk, a middle chunk and the last byte.
    for offset in (3, 12, 40, 150, 300, size // 2, size - 1):
        _flip(encrypted_file, min(offset, size - 1), damaged)
        result = ub.verify_backup(services, damaged, "正确的口令")
        assert not result.ok
        assert result.problems[0].path.startswith("加密"), (offset, result.problems)
    damaged.write_bytes(encrypted_file.read_bytes()[: size - 100])
    result = ub.verify_backup(services, damaged, "正确的口令")
    assert not result.ok and "截断" in result.problems[0].what

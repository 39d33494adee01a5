"""Hostile archives are refused with a clear message before anything is written outside (or inside) the target."""

from __future__ import annotations

import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest

from desktop_app.backup.errors import BackupDamaged, BackupError, HostileArchive
from desktop_app.backup.reader import inspect_zip
from desktop_app.usecases import backup as ub
from tests.backup.helpers import build_zip, patch_all, reseal

JPEG = b"\xff\xd8\xff\xe0" + b"scan" * 200 + b"\xff\xd9"


def _info(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 27, 9, 0, 0))
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def _refused(services, path: Path, match: str, error: type[BackupError] = HostileArchive) -> None:
    """Restore must fail with the message; no application, no staged file, nothing written anywhere."""
    staging = services.home / "restore-staging"
    with pytest.raises(error, match=match):
        ub.restore_backup(services, path)
    assert services.repo.list_applications() == []
    assert not staging.exists() or not any(staging.rglob("*"))
    assert not any(services.blobs.root.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("../evil.txt", r"\.\."),
        ("扫描件/../../evil.txt", r"\.\."),
        ("/ABSOLUTE/evil.txt", "绝对路径"),
        ("C:/evil.txt", "绝对路径"),
        ("..\\evil.txt", "反斜杠"),
        ("扫描件/a\x1bb.jpg", "控制字符"),
        ("扫描件/CON.jpg", "设备名"),
        ("扫描件/报告.jpg.", "不允许的字符"),
    ],
)
def test_unsafe_paths_are_refused(services, tmp_path, monkeypatch, name, match):
    monkeypatch.chdir(tmp_path)
    path = build_zip(tmp_path / "bad.zip", [(_info(name.replace("/ABSOLUTE", str(tmp_path))), b"evil")])
    _refused(services, path, match)
    assert not (tmp_path / "evil.txt").exists()
    assert not (services.home / "evil.txt").exists()
    assert not Path(services.home.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("mode", "match"),
    [(stat.S_IFLNK | 0o777, "符号链接"), (stat.S_IFCHR | 0o666, "设备"), (stat.S_IFIFO | 0o666, "设备")],
)
def test_links_and_devices_are_refused(services, tmp_path, mode, match):
    path = build_zip(tmp_path / "bad.zip", [(_info("扫描件/link.jpg", mode), b"/etc/passwd")])
    _refused(services, path, match)


def test_duplicate_names_are_refused(services, tmp_path):
    with pytest.warns(UserWarning):
        path = build_zip(
            tmp_path / "bad.zip", [(_info("扫描件/证书.jpg"), JPEG), (_info("扫描件/证书.jpg"), b"other")]
        )
    _refused(services, path, "重复")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("扫描件/Diploma.jpg", "扫描件/DIPLOMA.jpg"),
        (unicodedata.normalize("NFC", "扫描件/café.jpg"), unicodedata.normalize("NFD", "扫描件/café.jpg")),
        ("扫描件/学历", "扫描件/学历/证书.jpg"),
    ],
)
def test_colliding_names_are_refused(services, tmp_path, first, second):
    path = build_zip(tmp_path / "bad.zip", [(_info(first), JPEG), (_info(second), b"other")])
    _refused(services, path, "覆盖|冲突")


def test_gbk_names_without_utf8_flag_are_refused(services, tmp_path):
    path = build_zip(tmp_path / "bad.zip", [(_info("scan/XXXXXXXX.jpg"), JPEG)])
    patch_all(path, b"XXXXXXXX", "毕业证书".encode("gbk"))
    reseal(path)
    _refused(services, path, "GBK")


def test_invalid_utf8_names_are_refused(services, tmp_path):
    path = build_zip(tmp_path / "bad.zip", [(_info("扫描件/é.jpg"), JPEG)])
    # Not resealed: the directory cannot even be parsed by the sealing code, and must be refused anyway.
    patch_all(path, "é".encode(), b"\xc3\x28")
    _refused(services, path, "UTF-8")


def test_too_many_entries_are_refused(services, tmp_path, monkeypatch):
    from desktop_app.backup import reader

    monkeypatch.setattr(reader, "MAX_ENTRIES", 50)
    path = build_zip(tmp_path / "bad.zip", [(_info(f"扫描件/{i}.jpg"), b"x") for i in range(51)])
    _refused(services, path, "数量过多")


def test_high_ratio_bomb_is_refused(services, tmp_path):
    info = _info("申报数据/bomb.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    path = build_zip(tmp_path / "bomb.zip", [(info, b"\0" * (20 << 20))])
    assert path.stat().st_size < 200_000
    _refused(services, path, "压缩炸弹")


def test_huge_declared_size_is_refused(services, tmp_path):
    info = _info("申报数据/big.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    payload = bytes(range(256)) * 4096
    path = build_zip(tmp_path / "big.zip", [(info, payload)])
    size = len(payload).to_bytes(4, "little")
    patch_all(path, size, (3 << 30).to_bytes(4, "little"))
    reseal(path)
    _refused(services, path, "声明大小异常")


def test_more_inflated_bytes_than_declared_are_refused(services, tmp_path):
    """A member that lies about its size small: inflation stops at the declared size and nothing is restored."""
    info = _info("申报数据/lies.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    payload = b"{}" + b" " * (900_000 - 2)
    path = build_zip(tmp_path / "lies.zip", [(info, payload)])
    patch_all(path, len(payload).to_bytes(4, "little"), (1000).to_bytes(4, "little"))
    reseal(path)
    with pytest.raises(BackupDamaged, match="超过记录"):
        ub.restore_backup(services, path)
    assert services.repo.list_applications() == []


def test_crc_damaged_member_is_refused_by_name(services, tmp_path):
    path = build_zip(tmp_path / "crc.zip", [(_info("扫描件/02_学历情况/毕业证书.jpg"), JPEG)])
    patch_all(path, b"scanscan", b"scanSCAN")
    reseal(path)
    _refused(services, path, "毕业证书.jpg", BackupDamaged)


def test_truncated_archive_is_refused(services, tmp_path):
    path = build_zip(tmp_path / "cut.zip", [(_info("扫描件/毕业证书.jpg"), JPEG)])
    path.write_bytes(path.read_bytes()[:-40])
    _refused(services, path, "已损坏", BackupDamaged)


def test_member_missing_from_manifest_is_not_extracted(services, tmp_path):
    path = build_zip(
        tmp_path / "extra.zip",
        [(_info("扫描件/a.jpg"), JPEG), (_info("扫描件/b.jpg"), b"x")],
        manifest_names=["扫描件/a.jpg"],
    )
    staging = tmp_path / "staging"
    result = inspect_zip(path, extract_to=staging)
    assert [p.path for p in result.problems] == ["扫描件/b.jpg"]
    assert not (staging / "扫描件" / "b.jpg").exists()


def test_hand_made_zip_without_database_is_refused(services, tmp_path):
    path = build_zip(tmp_path / "plain.zip", [(_info("扫描件/a.jpg"), JPEG)])
    _refused(services, path, "数据库快照", BackupDamaged)


def test_foreign_zip_without_seal_is_refused(services, tmp_path):
    path = tmp_path / "foreign.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _refused(services, path, "已损坏", BackupDamaged)


def test_deflate_stream_with_trailing_bytes_is_refused(tmp_path):
    """Content after the end of a deflate stream cannot hide inside an otherwise valid member."""
    info = _info("申报数据/x.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    path = build_zip(tmp_path / "x.zip", [(info, b"{}")])
    assert zlib.compress(b"{}")  # sanity: zlib available
    result = inspect_zip(path)
    assert result.ok


def _rebuild_with_snapshot_change(services, scanned_app, tmp_path, sql: str) -> Path:
    """A genuine backup whose database snapshot was edited, re-packed with valid hashes and seal."""
    import sqlite3

    from desktop_app.backup.archive import Member, write_zip

    original = ub.create_backup(services, scanned_app, out_dir=tmp_path / "orig").path
    files = tmp_path / "files"
    checked = inspect_zip(original, extract_to=files)
    db = checked.extracted[ub.DB_MEMBER]
    con = sqlite3.connect(db)
    with con:
        con.executescript(sql)
    con.close()
    members = [
        Member(entry["path"], entry["role"], source=checked.extracted[entry["path"]])
        for entry in checked.manifest["files"]
    ]
    meta = {k: v for k, v in checked.manifest.items() if k not in ("files", "format", "format_version")}
    target = tmp_path / "edited.zip"
    write_zip(target, members, meta)
    return target


def test_snapshot_without_blob_rows_still_restores(services, scanned_app, tmp_path, other_services):
    path = _rebuild_with_snapshot_change(
        services, scanned_app, tmp_path, "PRAGMA foreign_keys=OFF; DELETE FROM blobs;"
    )
    result = ub.restore_backup(other_services, path)
    again = other_services.load(result.app_id)
    assert len(again.attachments) == len(services.load(scanned_app).attachments)
    assert all(other_services.blobs.verify(a.sha256) for a in again.attachments)


def test_snapshot_naming_a_scan_the_archive_lacks_is_refused(services, scanned_app, tmp_path, other_services):
    path = _rebuild_with_snapshot_change(
        services,
        scanned_app,
        tmp_path,
        "PRAGMA foreign_keys=OFF; UPDATE attachments SET sha256 = '"
        + "0" * 64
        + "' WHERE id = (SELECT min(id) FROM attachments);",
    )
    with pytest.raises(BackupDamaged, match="缺失"):
        ub.restore_backup(other_services, path)
    assert other_services.repo.list_applications() == []


def test_snapshot_with_two_applications_is_refused(services, scanned_app, tmp_path, other_services):
    path = _rebuild_with_snapshot_change(
        services,
        scanned_app,
        tmp_path,
        "INSERT INTO applications (person_name, year, created_at, updated_at, ui_state) "
        "VALUES ('别人', 2026, '2026-01-01', '2026-01-01', '{}');",
    )
    with pytest.raises(BackupDamaged, match="申报数量"):
        ub.restore_backup(other_services, path)
    assert other_services.repo.list_applications() == []

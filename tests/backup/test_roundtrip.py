"""Back up the demo application and restore it on another computer: every answer and every scan comes back."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from desktop_app.usecases import backup as ub


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_restores_every_answer_and_every_scan(
    services, scanned_app, packet_pdf, out_dir, other_services
):
    result = ub.create_backup(services, scanned_app, out_dir=out_dir)
    original = services.load(scanned_app)

    restored = ub.restore_backup(other_services, result.path)

    assert other_services.export_answers(restored.app_id) == services.export_answers(scanned_app)
    again = other_services.load(restored.app_id)
    assert [(a.display_name, a.sha256, a.kind, a.section, a.edits) for a in again.attachments] == [
        (a.display_name, a.sha256, a.kind, a.section, a.edits) for a in original.attachments
    ]
    for att in again.attachments:
        assert (
            other_services.blobs.path(att.sha256).read_bytes() == services.blobs.path(att.sha256).read_bytes()
        )
    # Entries keep their order, review notes and the 无此项 marks.
    for key, section in original.sections.items():
        got = again.section(key)
        assert [e.answers for e in got.entries] == [e.answers for e in section.entries]
        assert got.not_applicable == section.not_applicable
    # Nothing is left in the staging folder.
    assert not any((other_services.home / "restore-staging").iterdir())


def test_archive_opens_anywhere_with_readable_names(services, scanned_app, packet_pdf, out_dir):
    result = ub.create_backup(services, scanned_app, out_dir=out_dir)
    app = services.load(scanned_app)
    with zipfile.ZipFile(result.path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        infos = {i.filename: i for i in zf.infolist()}
        answers = json.loads(zf.read(ub.ANSWERS_MEMBER))
    assert answers == services.export_answers(scanned_app)
    assert manifest["application"]["person_name"] == app.person_name
    assert manifest["application"]["year"] == 2026
    assert manifest["app_version"]
    # Every scan is there under its upload name, in a section folder.
    scan_names = [n for n in names if n.startswith("扫描件/")]
    assert len(scan_names) == len(app.attachments)
    for att in app.attachments:
        assert any(n.endswith("/" + att.display_name) for n in scan_names), att.display_name
    # The packet PDF is included; images and PDFs are stored, JSON and the database deflated.
    packet = [n for n in names if n.startswith("打印材料/")]
    assert packet and zipfile.ZipFile(result.path).read(packet[0]) == packet_pdf.read_bytes()
    for name, info in infos.items():
        if name.lower().endswith((".jpg", ".jpeg", ".png", ".pdf")):
            assert info.compress_type == zipfile.ZIP_STORED, name
        if name.endswith((".json", ".sqlite")):
            assert info.compress_type == zipfile.ZIP_DEFLATED, name
    # The manifest lists every other file with its size and SHA-256.
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    with zipfile.ZipFile(result.path) as zf:
        for name, entry in listed.items():
            data = zf.read(name)
            assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_snapshot_holds_only_this_application(services, scanned_app, out_dir, tmp_path):
    other = services.new_application("王小红", 2025)
    services.set_answer(other, "basic.name", "王小红")
    result = ub.create_backup(services, scanned_app, out_dir=out_dir)
    with zipfile.ZipFile(result.path) as zf:
        snapshot = zf.read(ub.DB_MEMBER)
    assert "王小红".encode() not in snapshot
    assert "李明远".encode() in snapshot


def test_backup_without_packet_says_so(services, scanned_app, out_dir):
    result = ub.create_backup(services, scanned_app, out_dir=out_dir)
    assert any("材料包" in note for note in result.notes)
    with zipfile.ZipFile(result.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["notes"] == list(result.notes)


def test_encrypted_round_trip(services, scanned_app, out_dir, other_services):
    result = ub.create_backup(services, scanned_app, out_dir=out_dir, passphrase="昆明 2026 口令")
    assert result.path.name.endswith(".zip.enc")
    data = result.path.read_bytes()
    assert "李明远".encode() not in data and b"manifest.json" not in data
    restored = ub.restore_backup(other_services, result.path, "昆明 2026 口令")
    assert other_services.export_answers(restored.app_id) == services.export_answers(scanned_app)


def test_restore_never_overwrites_and_replace_keeps_old_until_success(services, scanned_app, out_dir):
    path = ub.create_backup(services, scanned_app, out_dir=out_dir).path
    with pytest.raises(ub.SameApplicationExists) as info:
        ub.restore_backup(services, path)
    assert info.value.existing_id == scanned_app
    assert [s.id for s in services.repo.list_applications()] == [scanned_app]

    copy = ub.restore_backup(services, path, allow_duplicate=True)
    assert copy.app_id != scanned_app and services.repo.exists(scanned_app)

    replaced = ub.restore_backup(services, path, replace_id=copy.app_id)
    assert replaced.replaced_id == copy.app_id
    assert not services.repo.exists(copy.app_id)
    assert services.export_answers(replaced.app_id) == services.export_answers(scanned_app)


def test_keep_last_n_per_year_and_never_the_only_one(services, scanned_app, out_dir, monkeypatch):
    from datetime import datetime, timedelta

    ub.set_keep_per_year(services, 2)
    start = datetime(2026, 11, 27, 9, 0, 0)
    made = []
    for i in range(4):
        monkeypatch.setattr(ub, "datetime", _FixedNow(start + timedelta(minutes=i)))
        made.append(ub.create_backup(services, scanned_app, out_dir=out_dir).path)
    left = sorted(p.name for p in out_dir.iterdir())
    assert left == sorted(p.name for p in made[-2:])

    ub.set_keep_per_year(services, 5)
    with pytest.raises(Exception, match="至少保留 1 份"):
        ub.set_keep_per_year(services, 0)
    assert ub.prune_backups(services, out_dir, scanned_app, keep=0) == [made[-2]]
    assert [p.name for p in out_dir.iterdir()] == [made[-1].name]


class _FixedNow:
    """datetime stand-in whose now() is fixed; everything else is the real datetime."""

    def __init__(self, when):
        self._when = when

    def now(self):
        return self._when

    def __getattr__(self, name):
        from datetime import datetime

        return getattr(datetime, name)


def test_after_packet_writes_a_verified_backup_and_reports_it(services, scanned_app, monkeypatch, tmp_path):
    ub.set_backup_folder(services, tmp_path / "自动备份")
    message = ub.backup_after_packet(services, scanned_app)
    assert message.startswith("已自动备份到")
    listed = ub.list_backups(services)
    assert len(listed) == 1 and listed[0].verified == "ok" and listed[0].year == 2026

    ub.set_auto_backup(services, False)
    assert ub.backup_after_packet(services, scanned_app) == ""

    ub.set_auto_backup(services, True)
    ub.set_backup_folder(services, tmp_path / "a-file")
    (tmp_path / "a-file").write_text("not a folder")
    assert ub.backup_after_packet(services, scanned_app).startswith("自动备份失败")


def test_default_folder_is_under_documents_without_override(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHICHENG_HOME")
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(tmp_path / "Documents"))
    assert ub.default_folder() == tmp_path / "Documents" / "职称申报备份"


def test_restore_into_a_new_year_carries_forward(services, scanned_app, out_dir, other_services):
    path = ub.create_backup(services, scanned_app, out_dir=out_dir).path
    result = ub.restore_into_new_year(other_services, path, 2027)
    listed = {(s.person_name, s.year) for s in other_services.repo.list_applications()}
    assert listed == {("李明远", 2026), ("李明远", 2027)}
    new = other_services.load(result.app_id)
    assert new.year == 2027 and other_services.export_answers(result.app_id)["cover"]["year"] == 2027
    # Carried entries are marked for review; their scans came along from the backup.
    assert any(e.review_note for e in new.section("education").entries)
    assert new.attachments and all(other_services.blobs.exists(a.sha256) for a in new.attachments)


def test_cancel_leaves_nothing_behind(services, scanned_app, out_dir, other_services):
    from desktop_app.backup.errors import Cancelled

    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        ub.create_backup(services, scanned_app, out_dir=out_dir, cancel=lambda: next(calls) > 3)
    assert list(out_dir.iterdir()) == []

    path = ub.create_backup(services, scanned_app, out_dir=out_dir).path
    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        ub.restore_backup(other_services, path, cancel=lambda: next(calls) > 3)
    assert other_services.repo.list_applications() == []
    assert not any((other_services.home / "restore-staging").iterdir())


def test_unwritable_backup_folder_gives_a_clear_message(services, scanned_app, tmp_path, monkeypatch):
    from desktop_app.backup import archive
    from desktop_app.errors import UserError

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.os, "fsync", full_disk)
    out = tmp_path / "U盘"
    # A full disk is said as such, with where (never "damaged").
    with pytest.raises(UserError, match="磁盘空间不足.*U盘"):
        ub.create_backup(services, scanned_app, out_dir=out)
    assert list(out.iterdir()) == []


def test_lost_or_damaged_scan_in_the_store_is_named_and_nothing_written(services, scanned_app, out_dir):
    from desktop_app.backup.errors import BackupError

    att = services.load(scanned_app).attachments[0]
    blob = services.blobs.path(att.sha256)
    original = blob.read_bytes()
    blob.chmod(0o600)
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(BackupError, match="已损坏"):
        ub.create_backup(services, scanned_app, out_dir=out_dir)
    blob.unlink()
    with pytest.raises(BackupError, match=f"“{att.display_name}”已丢失"):
        ub.create_backup(services, scanned_app, out_dir=out_dir)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []

"""Yearly backups of one application: create (snapshot, answers, scans, packet), verify, restore, carry forward.

Joins storage (snapshot, blobs, rows) with desktop_app.backup (archive format, checks, encryption); no Qt.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

import desktop_app
from desktop_app.backup.archive import MANIFEST, Member, commit, temp_path_beside, write_zip
from desktop_app.backup.crypto import ENCRYPTED_SUFFIX, decrypt_file, encrypt_file, is_encrypted
from desktop_app.backup.errors import (
    BackupDamaged,
    BackupError,
    Cancelled,
    PassphraseRequired,
    Problem,
)
from desktop_app.backup.reader import Inspection, inspect_zip
from desktop_app.errors import DataError, UserError
from desktop_app.paths import HOME_ENV
from desktop_app.scans.naming import safe_filename, section_folder
from desktop_app.storage import DB_NAME, open_engine
from desktop_app.storage.repository import now
from desktop_app.storage.schema import answers, applications, attachments, blobs, entries, section_flags

log = logging.getLogger(__name__)

SETTING_FOLDER = "backup.folder"
SETTING_KEEP = "backup.keep_per_year"
SETTING_AUTO = "backup.auto_after_packet"
SETTING_VERIFIED = "backup.verified"
SETTING_ENCRYPTION_ACKNOWLEDGED = "backup.encryption_acknowledged"
DEFAULT_KEEP = 5
FOLDER_NAME = "职称申报备份"

LOST_PASSPHRASE_WARNING = (
    "加密备份的口令只在您的记忆中，程序不会保存它。口令一旦遗失，这份备份将无法恢复，任何人（包括开发者）都无法打开。"
)

DB_MEMBER = "申报数据/数据库快照.sqlite"
ANSWERS_MEMBER = "申报数据/填写内容.json"
README_MEMBER = "说明.txt"
SCANS_FOLDER = "扫描件"
PACKET_FOLDER = "打印材料"

_NAME_RE = re.compile(
    r"^(?P<person>.+)_(?P<year>\d{4})年职称申报备份_(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.zip(?P<enc>\.enc)?$"
)

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


@dataclass(frozen=True)
class BackupResult:
    """A written and verified backup."""

    path: Path
    size: int
    files: int
    encrypted: bool
    notes: tuple[str, ...] = ()
    pruned: tuple[Path, ...] = ()

    @property
    def message(self) -> str:
        """What to tell the person."""
        return f"备份完成：{self.path}（{self.files} 个文件，{_megabytes(self.size)}，已校验）"


@dataclass(frozen=True)
class BackupListing:
    """One backup file in the backup folder, for the 备份 page."""

    path: Path
    person_name: str
    year: int
    created_at: datetime
    size: int
    encrypted: bool
    verified: str  # "ok", "damaged" or "" (not checked since it was last changed)
    verified_at: str = ""


@dataclass(frozen=True)
class RestoreResult:
    """The application a backup was restored into."""

    app_id: int
    person_name: str
    year: int
    replaced_id: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


class SameApplicationExists(BackupError):
    """An application of the same person and year exists; restoring asks first instead of overwriting."""

    def __init__(self, existing_id: int, person_name: str, year: int) -> None:
        self.existing_id = existing_id
        super().__init__(
            f"本机已有 {person_name} {year} 年的申报（编号 {existing_id}），恢复不会覆盖它",
            "加 --as-new 另存为一份新的申报，或加 --replace 在恢复成功后替换原申报",
        )


# Settings -------------------------------------------------------------------------------------------


def default_folder() -> Path:
    """~/Documents/职称申报备份; with ZHICHENG_HOME (portable install, tests) a folder beside the data."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / FOLDER_NAME
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / FOLDER_NAME


def backup_folder(services: Any) -> Path:
    """Where backups are written (setting, else the default)."""
    stored = services.repo.get_setting(SETTING_FOLDER)
    return Path(stored) if stored else default_folder()


def set_backup_folder(services: Any, folder: Path) -> None:
    """Choose the backup folder (e.g. a USB stick)."""
    services.repo.set_setting(SETTING_FOLDER, str(Path(folder).expanduser()))


def keep_per_year(services: Any) -> int:
    """How many backups of each application-year are kept (at least 1)."""
    value = services.repo.get_setting(SETTING_KEEP, DEFAULT_KEEP)
    return max(1, int(value)) if isinstance(value, int) else DEFAULT_KEEP


def set_keep_per_year(services: Any, count: int) -> None:
    """Set how many backups per application-year to keep; the newest one is always kept."""
    if count < 1:
        raise UserError("每个年度至少保留 1 份备份", "请填写 1 或更大的数字")
    services.repo.set_setting(SETTING_KEEP, int(count))


def is_auto_backup_on(services: Any) -> bool:
    """Whether a backup is written after every successful packet (default on)."""
    return bool(services.repo.get_setting(SETTING_AUTO, True))


def set_auto_backup(services: Any, flag: bool) -> None:
    """Switch the automatic backup after each packet on or off."""
    services.repo.set_setting(SETTING_AUTO, bool(flag))


def encryption_acknowledged(services: Any) -> bool:
    """Whether the person has confirmed that a lost passphrase cannot be recovered."""
    return bool(services.repo.get_setting(SETTING_ENCRYPTION_ACKNOWLEDGED, False))


def acknowledge_encryption(services: Any) -> None:
    """Record the confirmation of LOST_PASSPHRASE_WARNING (the passphrase itself is never stored)."""
    services.repo.set_setting(SETTING_ENCRYPTION_ACKNOWLEDGED, True)


# Create ---------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"


def _noop_progress(done: int, total: int, text: str) -> None:
    pass


@contextmanager
def _work_dir(services: Any, label: str) -> Iterator[Path]:
    """A private scratch folder inside the data folder (never the backup folder: it may be a shared stick)."""
    root = services.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def snapshot_database(services: Any, app_id: int, target: Path) -> None:
    """A consistent copy of the database holding only this application (SQLite backup API, then pruned)."""
    source = sqlite3.connect(services.home / DB_NAME)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA foreign_keys=ON")
        with copy:
            copy.execute("DELETE FROM applications WHERE id != ?", (app_id,))
            copy.execute("DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)")
            # Settings belong to this computer (folders, switches), not to the application.
            copy.execute("DELETE FROM settings")
        copy.execute("PRAGMA journal_mode=DELETE")
        # VACUUM rewrites the file so nothing of other people's applications survives in free pages.
        copy.execute("VACUUM")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DataError("数据库快照校验失败，未生成备份", "请重启程序后重试")
    finally:
        copy.close()
        source.close()


def _section_folders(services: Any) -> dict[str | None, str]:
    folders: dict[str | None, str] = {None: "00_申报材料"}
    # The same folders as the upload-ready export: 00 for 基本信息 and the cover, then 01 … 13.
    for section in services.forms:
        folders[section.key] = section_folder(section.number, section.title)
    return folders


def scan_members(services: Any, app: Any) -> list[Member]:
    """Every attachment under its upload name, in one folder per section, names made unique."""
    folders = _section_folders(services)
    taken: set[str] = set()
    members: list[Member] = []
    for att in app.attachments:
        if not services.blobs.exists(att.sha256):
            raise BackupError(f"本机保存的扫描件“{att.display_name}”已丢失，未生成备份",
                              "请在申报中重新上传这份扫描件后再备份")
        folder = folders.get(att.section, safe_filename(att.section or "其他"))
        # NFC first: the reader compares names NFC + casefold, so two names differing only in Unicode form
        # (a file from a Mac) must not both go in.
        name = safe_filename(unicodedata.normalize("NFC", att.display_name or att.original_name or "材料"))
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate = f"{SCANS_FOLDER}/{folder}/{name}"
        n = 2
        while unicodedata.normalize("NFC", candidate).casefold() in taken:
            candidate = f"{SCANS_FOLDER}/{folder}/{stem}（{n}）{'.' + ext if ext else ''}"
            n += 1
        taken.add(unicodedata.normalize("NFC", candidate).casefold())
        members.append(Member(
            candidate, "scan", source=services.blobs.path(att.sha256), expected_sha256=att.sha256,
            extra={"attachment_id": att.id, "section": att.section, "display_name": att.display_name},
        ))
    return members


def latest_packet_pdf(services: Any, app_id: int) -> Path | None:
    """The newest packet PDF of the application, if the packet feature has written one."""
    import importlib

    try:
        packet_usecase: Any = importlib.import_module("desktop_app.usecases.packet")
    except ImportError:
        packet_usecase = None
    finder = getattr(packet_usecase, "latest_packet", None)
    if finder is not None:
        found = finder(services, app_id)
        return Path(found) if found else None
    # Where usecases.packet.default_packet_path puts it, then the older packets/<id>/ layout.
    candidates = list((services.home / "打印材料").glob(f"*-{app_id}.pdf"))
    candidates += list((services.home / "packets" / str(app_id)).glob("*.pdf"))
    candidates = [p for p in candidates if p.is_file()]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


def _readme(app: Any, has_packet: bool) -> str:
    lines = [
        f"职称申报材料助手 备份：{app.person_name} {app.year} 年度申报",
        "",
        "这是一个普通的 zip 压缩包，不需要本程序也能打开：",
        f"- {SCANS_FOLDER}/：全部扫描件，按申报系统的分节放在各自的文件夹里，文件名即上传时的名称。",
        f"- {ANSWERS_MEMBER}：全部填写内容（JSON 格式，可用记事本打开）。",
        f"- {DB_MEMBER}：本申报的数据库快照，供程序“从备份恢复”使用。",
    ]
    if has_packet:
        lines.append(f"- {PACKET_FOLDER}/：最近一次生成的打印材料包（PDF）。")
    lines += [f"- {MANIFEST}：每个文件的大小和 SHA-256 校验值。", "",
              "恢复方法：在程序的“备份”页点“从备份恢复”，或运行 zhicheng restore 备份文件。"]
    # The byte-order mark lets older Windows Notepad show the Chinese text correctly.
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def backup_filename(person_name: str, year: int, when: datetime, encrypted: bool) -> str:
    """The file name of a backup: person, year and time, so a folder of backups sorts by itself."""
    person = safe_filename(person_name or "未填写姓名").replace("_", "－")
    name = f"{person}_{year}年职称申报备份_{when.strftime('%Y%m%d-%H%M%S')}.zip"
    return name + (ENCRYPTED_SUFFIX if encrypted else "")


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    base = path.name.split(".zip")[0]
    rest = path.name[len(base):]
    n = 2
    while (candidate := path.with_name(f"{base}-{n}{rest}")).exists():
        n += 1
    return candidate


def create_backup(services: Any, app_id: int, out_dir: Path | None = None, passphrase: str | None = None,
                  progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> BackupResult:
    """Write one verified backup file of the application; "备份完成" only after every hash was re-read."""
    report = progress or _noop_progress
    app = services.load(app_id)
    folder = Path(out_dir) if out_dir is not None else backup_folder(services)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建备份文件夹 {folder}（{exc.strerror}）", "请选择另一个文件夹，或检查 U 盘是否插好") from None
    when = datetime.now()
    target = _unique(folder / backup_filename(app.person_name, app.year, when, passphrase is not None))
    notes: list[str] = []
    with _work_dir(services, "backup") as work:
        report(0, 0, "正在生成数据库快照")
        snapshot = work / "snapshot.sqlite"
        snapshot_database(services, app_id, snapshot)
        answers_json = json.dumps(services.export_answers(app_id), ensure_ascii=False, indent=2).encode("utf-8")
        packet = latest_packet_pdf(services, app_id)
        members = [
            Member(README_MEMBER, "readme", data=_readme(app, packet is not None).encode("utf-8")),
            Member(DB_MEMBER, "database", source=snapshot),
            Member(ANSWERS_MEMBER, "answers", data=answers_json),
            *scan_members(services, app),
        ]
        if packet is not None:
            members.append(Member(f"{PACKET_FOLDER}/{safe_filename(packet.name)}", "packet", source=packet))
        else:
            notes.append("尚未生成打印材料包，备份中不含材料包 PDF")
        title = app.value("cover", "title_name") or ""
        meta = {
            "app_version": desktop_app.__version__,
            "created_at": when.isoformat(timespec="seconds"),
            "application": {"id": app.id, "person_name": app.person_name, "year": app.year, "title_sought": title},
            "notes": notes,
        }
        plain = work / "backup.zip" if passphrase is not None else temp_path_beside(target)
        try:
            write_zip(plain, members, meta, progress=lambda d, t: report(d, t, "正在写入备份"), cancel=cancel)
            _drop_cache(plain)
            checked = inspect_zip(plain, progress=lambda d, t: report(d, t, "正在校验备份"), cancel=cancel)
            if not checked.ok:
                raise BackupDamaged(checked.problems, "写入后读回校验失败，请检查备份位置（例如 U 盘）后重试")
            if passphrase is not None:
                _encrypt_and_check(plain, target, passphrase, work, report, cancel)
            else:
                commit(plain, target)
        except OSError as exc:
            if plain.exists():
                plain.unlink()
            raise BackupError(f"写入备份文件失败（{exc.strerror or exc}），未生成备份",
                              "请检查备份位置（例如 U 盘）是否已满、已拔出或只读后重试") from None
        except BaseException:
            if plain.exists():
                plain.unlink()
            raise
    size = target.stat().st_size
    record_verified(services, target, True)
    pruned = prune_backups(services, folder, app.person_name, app.year, keep=keep_per_year(services), newest=target)
    return BackupResult(target, size, len(members) + 1, passphrase is not None, tuple(notes), tuple(pruned))


def _drop_cache(path: Path) -> None:
    """Ask the OS to forget the file's cached pages, so the verification reads what the disk really holds."""
    if not hasattr(os, "posix_fadvise"):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def _encrypt_and_check(plain: Path, target: Path, passphrase: str, work: Path, report: ProgressFn,
                       cancel: CancelFn | None) -> None:
    tmp = temp_path_beside(target)
    try:
        expected = encrypt_file(plain, tmp, passphrase, progress=lambda d, t: report(d, t, "正在加密"), cancel=cancel)
        _drop_cache(tmp)
        again = work / "reread.zip"
        got = decrypt_file(tmp, again, passphrase, progress=lambda d, t: report(d, t, "正在校验加密备份"),
                           cancel=cancel)
        again.unlink()
        if got != expected:
            raise BackupDamaged([Problem("加密数据", "读回的内容与写入的不一致")],
                                "写入后读回校验失败，请检查备份位置（例如 U 盘）后重试")
        commit(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def prune_backups(services: Any, folder: Path, person_name: str, year: int, keep: int,
                  newest: Path | None = None) -> list[Path]:
    """Delete the oldest backups of this person and year beyond `keep`; never the newest, never the only one."""
    keep = max(1, keep)
    # File names carry person and year only: with two local applications of the same person and year
    # (另存为新申报) the files cannot be told apart, so none is deleted rather than the other one's.
    namesakes = [a for a in services.repo.list_applications() if a.person_name == person_name and a.year == year]
    if len(namesakes) > 1:
        return []
    mine = [item for item in list_backups(services, folder) if item.person_name == _filename_person(person_name)
            and item.year == year]
    mine.sort(key=lambda item: (item.created_at, item.path.name), reverse=True)
    removed: list[Path] = []
    for item in mine[keep:]:
        if newest is not None and item.path == newest:
            continue
        try:
            item.path.unlink()
            removed.append(item.path)
        except OSError:
            log.warning("could not delete old backup %s", item.path)
    return removed


def _filename_person(person_name: str) -> str:
    return safe_filename(person_name or "未填写姓名").replace("_", "－")


# List and verify ------------------------------------------------------------------------------------


def list_backups(services: Any, folder: Path | None = None) -> list[BackupListing]:
    """Backups in the folder (newest first), recognised by their file names, with their verified state."""
    folder = folder or backup_folder(services)
    if not folder.is_dir():
        return []
    states = services.repo.get_setting(SETTING_VERIFIED, {}) or {}
    found: list[BackupListing] = []
    for path in folder.iterdir():
        match = _NAME_RE.match(path.name)
        if not match or not path.is_file():
            continue
        stat = path.stat()
        state = states.get(str(path.resolve()), {})
        fresh = state.get("size") == stat.st_size and state.get("mtime_ns") == stat.st_mtime_ns
        found.append(BackupListing(
            path=path,
            person_name=match["person"],
            year=int(match["year"]),
            created_at=datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S"),
            size=stat.st_size,
            encrypted=bool(match["enc"]),
            verified=("ok" if state.get("ok") else "damaged") if fresh else "",
            verified_at=state.get("at", "") if fresh else "",
        ))
    found.sort(key=lambda item: (item.year, item.created_at), reverse=True)
    return found


def record_verified(services: Any, path: Path, ok: bool) -> None:
    """Remember the outcome of a verification for the 备份 page (valid while the file is unchanged)."""
    states = dict(services.repo.get_setting(SETTING_VERIFIED, {}) or {})
    stat = path.stat()
    states[str(path.resolve())] = {"ok": ok, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "at": now()}
    # Forget files that are gone, so the setting does not grow forever.
    states = {k: v for k, v in states.items() if Path(k).exists()}
    services.repo.set_setting(SETTING_VERIFIED, states)


def _open_plain(path: Path, passphrase: str | None, work: Path, report: ProgressFn,
                cancel: CancelFn | None) -> Path:
    """The plain zip of a backup: the file itself, or its decryption into `work`."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}", "请检查文件路径")
    if not is_encrypted(path):
        if path.name.endswith(ENCRYPTED_SUFFIX):
            raise BackupDamaged([Problem("加密文件头", "已损坏，无法识别为加密备份")])
        return path
    if not passphrase:
        raise PassphraseRequired()
    plain = work / "archive.zip"
    decrypt_file(path, plain, passphrase, progress=lambda d, t: report(d, t, "正在解密"), cancel=cancel)
    return plain


def verify_backup(services: Any, path: Path, passphrase: str | None = None, progress: ProgressFn | None = None,
                  cancel: CancelFn | None = None) -> Inspection:
    """Check every byte of a backup file; the Inspection lists every damaged or missing file by name."""
    report = progress or _noop_progress
    path = Path(path)
    with _work_dir(services, "verify") as work:
        try:
            plain = _open_plain(path, passphrase, work, report, cancel)
            result = inspect_zip(plain, progress=lambda d, t: report(d, t, "正在校验备份"), cancel=cancel)
        except BackupDamaged as exc:
            result = Inspection(manifest=None, problems=list(exc.problems))
    if services is not None:
        record_verified(services, path, result.ok)
    return result


# Restore --------------------------------------------------------------------------------------------


def find_same(services: Any, person_name: str, year: int) -> int | None:
    """The id of an existing application of the same person and year, if any."""
    for summary in services.repo.list_applications():
        if summary.person_name == person_name and summary.year == year:
            return int(summary.id)
    return None


def _read_snapshot(path: Path) -> dict[str, list[dict[str, Any]]]:
    """All rows of the snapshot (migrated to the current schema first if it is older)."""
    try:
        engine = open_engine(path)
    except UserError:
        raise
    except Exception as exc:  # a damaged SQLite file inside an intact archive
        raise BackupDamaged([Problem(DB_MEMBER, f"数据库快照无法打开（{type(exc).__name__}）")]) from None
    try:
        with engine.connect() as con:
            ok = con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            if not ok:
                raise BackupDamaged([Problem(DB_MEMBER, "数据库快照内部已损坏")])
            return {
                table.name: [dict(row._mapping) for row in con.execute(select(table))]
                for table in (applications, entries, answers, section_flags, blobs, attachments)
            }
    finally:
        engine.dispose()


def restore_backup(services: Any, path: Path, passphrase: str | None = None, *, replace_id: int | None = None,
                   allow_duplicate: bool = False, progress: ProgressFn | None = None,
                   cancel: CancelFn | None = None) -> RestoreResult:
    """Restore a backup into a new application; an existing one is replaced only when asked, after success.

    Everything is extracted and checked in a staging folder first; the rows go in in one transaction.
    """
    report = progress or _noop_progress
    path = Path(path)
    staging_root = services.home / "restore-staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    _remove_stale(staging_root)
    with _work_dir(services, "restore") as work:
        plain = _open_plain(path, passphrase, work, report, cancel)
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=staging_root))
        try:
            checked = inspect_zip(plain, extract_to=staging, progress=lambda d, t: report(d, t, "正在检查并解开备份"),
                                  cancel=cancel)
            if not checked.ok:
                raise BackupDamaged(checked.problems, "未恢复任何内容；请改用另一份备份")
            report(0, 0, "正在恢复申报")
            return _restore_rows(services, checked, replace_id, allow_duplicate)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _remove_stale(root: Path, hours: float = 12) -> None:
    """Remove staging folders an interrupted restore left behind (never a running one: those are fresh)."""
    limit = datetime.now().timestamp() - hours * 3600
    for path in root.iterdir():
        try:
            if path.is_dir() and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _restore_rows(services: Any, checked: Inspection, replace_id: int | None,
                  allow_duplicate: bool) -> RestoreResult:
    manifest = checked.manifest or {}
    files = {f["path"]: f for f in manifest.get("files", [])}
    db_path = checked.extracted.get(DB_MEMBER)
    if db_path is None:
        raise BackupDamaged([Problem(DB_MEMBER, "缺失")])
    rows = _read_snapshot(db_path)
    if len(rows["applications"]) != 1:
        raise BackupDamaged([Problem(DB_MEMBER, "其中的申报数量不是 1 份")])
    app_row = rows["applications"][0]
    person, year = app_row["person_name"], int(app_row["year"])
    if replace_id is not None:
        services.load(replace_id)
    else:
        existing = find_same(services, person, year)
        if existing is not None and not allow_duplicate:
            raise SameApplicationExists(existing, person, year)
    by_hash: dict[str, Path] = {}
    for name, entry in files.items():
        if entry.get("role") == "scan" and name in checked.extracted:
            by_hash[entry["sha256"]] = checked.extracted[name]
    # Blobs first: they are content-addressed, so an interrupted restore leaves only unused files, no rows.
    for att in rows["attachments"]:
        staged = by_hash.get(att["sha256"])
        if staged is None:
            raise BackupDamaged([Problem(f"扫描件 {att['display_name']}", "缺失")])
        sha, _, _ = services.blobs.put_file(staged)
        if sha != att["sha256"]:
            raise BackupDamaged([Problem(f"扫描件 {att['display_name']}", "内容与记录不符")])
    # A snapshot whose attachments lack their blob rows (hand-edited) still restores: the rows are rebuilt.
    described = {row["sha256"] for row in rows["blobs"]}
    for att in rows["attachments"]:
        if att["sha256"] not in described:
            described.add(att["sha256"])
            rows["blobs"].append({"sha256": att["sha256"], "size": by_hash[att["sha256"]].stat().st_size,
                                  "media_type": "application/octet-stream", "created_at": now()})
    try:
        new_id = _insert_rows(services, rows)
    except (SQLAlchemyError, KeyError, TypeError) as exc:
        log.warning("snapshot rows rejected: %s", exc)
        raise BackupDamaged([Problem(DB_MEMBER, "数据库快照的内容前后不一致，无法恢复")]) from None
    expected = _answers_in_backup(checked)
    if expected is not None and manifest.get("app_version") == desktop_app.__version__:
        if services.export_answers(new_id) != expected:
            services.repo.delete_application(new_id)
            raise BackupDamaged([Problem(ANSWERS_MEMBER, "与数据库快照中的填写内容不一致")])
    if replace_id is not None:
        services.repo.delete_application(replace_id)
    return RestoreResult(new_id, person, year, replace_id)


def _answers_in_backup(checked: Inspection) -> Any:
    path = checked.extracted.get(ANSWERS_MEMBER)
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def _insert_rows(services: Any, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Insert the snapshot's rows as a new application in one transaction; returns its id."""
    app_row = dict(rows["applications"][0])
    old_app = app_row.pop("id")
    app_row["carried_from"] = None
    with services.engine.begin() as con:
        new_id = int(con.execute(insert(applications).values(**app_row)).inserted_primary_key[0])
        entry_map: dict[int, int] = {}
        for row in rows["entries"]:
            if row["application_id"] != old_app:
                continue
            values = {k: v for k, v in row.items() if k != "id"} | {"application_id": new_id}
            entry_map[row["id"]] = int(con.execute(insert(entries).values(**values)).inserted_primary_key[0])
        for row in rows["answers"]:
            if row["entry_id"] in entry_map:
                con.execute(insert(answers).values(**(row | {"entry_id": entry_map[row["entry_id"]]})))
        for row in rows["section_flags"]:
            con.execute(insert(section_flags).values(**(row | {"application_id": new_id})))
        known = set(con.execute(select(blobs.c.sha256)).scalars())
        for row in rows["blobs"]:
            if row["sha256"] not in known:
                con.execute(insert(blobs).values(**row))
        for row in rows["attachments"]:
            values = {k: v for k, v in row.items() if k != "id"} | {"application_id": new_id}
            if values["entry_id"] is not None:
                values["entry_id"] = entry_map.get(values["entry_id"])
            con.execute(insert(attachments).values(**values))
    return new_id


def restore_into_new_year(services: Any, path: Path, new_year: int, passphrase: str | None = None,
                          progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> RestoreResult:
    """从备份恢复 to a new year: restore the old year as its own application, then carry it forward."""
    from desktop_app.usecases.wizard import carry_forward

    restored = restore_backup(services, path, passphrase, allow_duplicate=True, progress=progress, cancel=cancel)
    new_id = carry_forward(services, restored.app_id, new_year)
    return RestoreResult(new_id, restored.person_name, new_year, None,
                         (f"已恢复 {restored.year} 年的申报（编号 {restored.app_id}），并据此新建 {new_year} 年申报",))


# Automatic ------------------------------------------------------------------------------------------


def backup_after_packet(services: Any, app_id: int) -> str:
    """Called after every successful packet: write a verified backup; never raises, returns what to show."""
    try:
        if not is_auto_backup_on(services):
            return ""
        result = create_backup(services, app_id)
    except Cancelled:
        return "自动备份已取消"
    except UserError as exc:
        log.warning("automatic backup failed: %s", exc)
        return f"自动备份失败：{exc}"
    except Exception:
        log.exception("automatic backup failed")
        return "自动备份失败（程序内部错误），请在“备份”页手动备份"
    return f"已自动备份到 {result.path}"

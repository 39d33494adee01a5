"""Yearly backups of one application: create (snapshot, answers, scans, packet), verify, restore, carry forward.

Joins storage (snapshot, blobs, rows) with desktop_app.backup (archive format, checks, encryption); no Qt.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import desktop_app
from desktop_app.backup.archive import MANIFEST, Member, commit, temp_path_beside, write_zip
from desktop_app.backup.crypto import ENCRYPTED_SUFFIX, decrypt_file, encrypt_file
from desktop_app.backup.crypto import is_encrypted as is_encrypted  # re-exported for the window and the CLI
from desktop_app.backup.errors import (
    BackupDamaged,
    BackupError,
    ContentRefused,
    PassphraseRequired,
    Problem,
)
from desktop_app.backup.errors import BadItems as BadItems  # re-exported for the window and the CLI
from desktop_app.backup.errors import Cancelled as Cancelled  # re-exported for the window
from desktop_app.backup.reader import Inspection, inspect_zip, read_sealed_manifest
from desktop_app.domain import ApplicationData, Entry, SectionData
from desktop_app.errors import UserError
from desktop_app.formspec.types import check_value
from desktop_app.os_errors import from_os_error
from desktop_app.paths import HOME_ENV, private_dir
from desktop_app.scans.naming import safe_filename, section_folder
from desktop_app.storage.housekeeping import note_partial
from desktop_app.storage.repository import new_uid, now
from desktop_app.storage.snapshot import SnapshotRejected, SnapshotRows, read_snapshot
from desktop_app.usecases.auto_backup import is_auto_backup_on as is_auto_backup_on  # re-exported
from desktop_app.usecases.auto_backup import set_auto_backup as set_auto_backup  # re-exported

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

SETTING_FOLDER = "backup.folder"
SETTING_KEEP = "backup.keep_per_year"
SETTING_VERIFIED = "backup.verified"
SETTING_ENCRYPTION_ACKNOWLEDGED = "backup.encryption_acknowledged"
DEFAULT_KEEP = 5
FOLDER_NAME = "职称申报备份"
STAGING_FOLDER = "restore-staging"

LOST_PASSPHRASE_WARNING = "加密备份的口令只在您的记忆中，程序不会保存它。口令一旦遗失，这份备份将无法恢复，任何人（包括开发者）都无法打开。"

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


def backup_folder(services: Services) -> Path:
    """Where backups are written (setting, else the default)."""
    stored = services.repo.get_setting(SETTING_FOLDER)
    return Path(stored) if stored else default_folder()


def set_backup_folder(services: Services, folder: Path) -> None:
    """Choose the backup folder (e.g. a USB stick)."""
    services.repo.set_setting(SETTING_FOLDER, str(Path(folder).expanduser()))


def keep_per_year(services: Services) -> int:
    """How many backups of each application-year are kept (at least 1)."""
    value = services.repo.get_setting(SETTING_KEEP, DEFAULT_KEEP)
    return max(1, int(value)) if isinstance(value, int) else DEFAULT_KEEP


def set_keep_per_year(services: Services, count: int) -> None:
    """Set how many backups per application-year to keep; the newest one is always kept."""
    if count < 1:
        raise UserError("每个年度至少保留 1 份备份", "请填写 1 或更大的数字")
    services.repo.set_setting(SETTING_KEEP, int(count))


def encryption_acknowledged(services: Services) -> bool:
    """Whether the person has confirmed that a lost passphrase cannot be recovered."""
    return bool(services.repo.get_setting(SETTING_ENCRYPTION_ACKNOWLEDGED, False))


def acknowledge_encryption(services: Services) -> None:
    """Record the confirmation of LOST_PASSPHRASE_WARNING (the passphrase itself is never stored)."""
    services.repo.set_setting(SETTING_ENCRYPTION_ACKNOWLEDGED, True)


# Create ---------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"


def _noop_progress(done: int, total: int, text: str) -> None:
    pass


@contextmanager
def _work_dir(services: Services, label: str) -> Iterator[Path]:
    """A private scratch folder inside the data folder (never the backup folder: it may be a shared stick)."""
    root = private_dir(services.home / "tmp")
    # The process id in the name lets the next run remove it if this one is killed (storage.housekeeping).
    path = Path(tempfile.mkdtemp(prefix=f"{label}-{os.getpid()}-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def snapshot_database(services: Services, app_id: int, target: Path) -> None:
    """A consistent copy of the database holding only this application (a storage operation)."""
    services.repo.write_snapshot(app_id, target)


def _section_folders(services: Services) -> dict[str | None, str]:
    folders: dict[str | None, str] = {None: "00_申报材料"}
    # The same folders as the upload-ready export: 00 for 基本信息 and the cover, then 01 … 13.
    for section in services.forms:
        folders[section.key] = section_folder(section.number, section.title)
    return folders


def scan_members(services: Services, app: Any) -> list[Member]:
    """Every attachment under its upload name, in one folder per section, names made unique."""
    folders = _section_folders(services)
    taken: set[str] = set()
    members: list[Member] = []
    for att in app.attachments:
        if not services.blobs.exists(att.sha256):
            raise BackupError(
                f"本机保存的扫描件“{att.display_name}”已丢失，未生成备份",
                "请在申报中重新上传这份扫描件后再备份",
            )
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
        members.append(
            Member(
                candidate,
                "scan",
                source=services.blobs.path(att.sha256),
                expected_sha256=att.sha256,
                extra={"attachment_id": att.id, "section": att.section, "display_name": att.display_name},
            )
        )
    return members


def latest_packet_pdf(services: Services, app_id: int) -> Path | None:
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
    lines += [
        f"- {MANIFEST}：每个文件的大小和 SHA-256 校验值。",
        "",
        "恢复方法：在程序的“备份”页点“从备份恢复”，或运行 zhicheng restore 备份文件。",
    ]
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
    rest = path.name[len(base) :]
    n = 2
    while (candidate := path.with_name(f"{base}-{n}{rest}")).exists():
        n += 1
    return candidate


def create_backup(
    services: Services,
    app_id: int,
    out_dir: Path | None = None,
    passphrase: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> BackupResult:
    """Write one verified backup file of the application; "备份完成" only after every hash was re-read."""
    report = progress or _noop_progress
    app = services.load(app_id)
    folder = Path(out_dir) if out_dir is not None else backup_folder(services)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise (
            from_os_error(exc, folder)
            or BackupError(
                f"无法创建备份文件夹 {folder}（{exc.strerror}）", "请选择另一个文件夹，或检查 U 盘是否插好"
            )
        ) from None
    when = datetime.now()
    target = _unique(folder / backup_filename(app.person_name, app.year, when, passphrase is not None))
    notes: list[str] = []
    with _work_dir(services, "backup") as work:
        report(0, 0, "正在生成数据库快照")
        snapshot = work / "snapshot.sqlite"
        snapshot_database(services, app_id, snapshot)
        answers_json = json.dumps(services.export_answers(app_id), ensure_ascii=False, indent=2).encode(
            "utf-8"
        )
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
            "application": {
                "id": app.id,
                "uid": services.repo.application_uid(app_id),
                "person_name": app.person_name,
                "year": app.year,
                "title_sought": title,
            },
            "notes": notes,
        }
        plain = work / "backup.zip" if passphrase is not None else temp_path_beside(target)
        if passphrase is None:
            note_partial(work, plain)
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
            mapped = from_os_error(exc, folder if not exc.filename else None, needed=_estimate(members))
            if mapped is not None:
                raise mapped from None
            raise BackupError(
                f"写入备份文件失败（{exc.strerror or exc}），未生成备份",
                "请检查备份位置（例如 U 盘）是否已满、已拔出或只读后重试",
            ) from None
        except BaseException:
            if plain.exists():
                plain.unlink()
            raise
    size = target.stat().st_size
    record_verified(services, target, True)
    pruned = prune_backups(services, folder, app_id, keep=keep_per_year(services), newest=target)
    return BackupResult(target, size, len(members) + 1, passphrase is not None, tuple(notes), tuple(pruned))


def _estimate(members: list[Member]) -> int:
    """Roughly how many bytes a backup of these members takes (scans are stored, not compressed)."""
    total = 0
    for member in members:
        try:
            total += len(member.data) if member.data is not None else Path(member.source or "").stat().st_size
        except OSError:
            continue
    return total


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


def _encrypt_and_check(
    plain: Path, target: Path, passphrase: str, work: Path, report: ProgressFn, cancel: CancelFn | None
) -> None:
    tmp = temp_path_beside(target)
    note_partial(work, tmp)
    try:
        expected = encrypt_file(
            plain, tmp, passphrase, progress=lambda d, t: report(d, t, "正在加密"), cancel=cancel
        )
        _drop_cache(tmp)
        again = work / "reread.zip"
        got = decrypt_file(
            tmp, again, passphrase, progress=lambda d, t: report(d, t, "正在校验加密备份"), cancel=cancel
        )
        again.unlink()
        if got != expected:
            raise BackupDamaged(
                [Problem("加密数据", "读回的内容与写入的不一致")],
                "写入后读回校验失败，请检查备份位置（例如 U 盘）后重试",
            )
        commit(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def prune_backups(
    services: Services, folder: Path, app_id: int, keep: int, newest: Path | None = None
) -> list[Path]:
    """Delete the oldest backups of this very application beyond `keep`; never the newest, never the only one.

    A backup counts as this application's only when its sealed manifest carries the application's identity:
    another data folder's namesake (same person and year, e.g. on a shared USB stick), an encrypted backup
    that cannot be read without its passphrase, or an older backup without an identity is never deleted.
    """
    keep = max(1, keep)
    app = services.load(app_id)
    uid = services.repo.application_uid(app_id)
    if not uid:
        return []
    candidates = [
        item
        for item in list_backups(services, folder)
        if item.person_name == _filename_person(app.person_name)
        and item.year == app.year
        and not item.encrypted
    ]
    mine = []
    for item in candidates:
        manifest = read_sealed_manifest(item.path)
        application = (manifest or {}).get("application")
        if isinstance(application, dict) and application.get("uid") == uid:
            mine.append(item)
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


def list_backups(services: Services, folder: Path | None = None) -> list[BackupListing]:
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
        found.append(
            BackupListing(
                path=path,
                person_name=match["person"],
                year=int(match["year"]),
                created_at=datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S"),
                size=stat.st_size,
                encrypted=bool(match["enc"]),
                verified=("ok" if state.get("ok") else "damaged") if fresh else "",
                verified_at=state.get("at", "") if fresh else "",
            )
        )
    found.sort(key=lambda item: (item.year, item.created_at), reverse=True)
    return found


def newest_backup(folder: Path | None = None) -> Path | None:
    """The newest backup file in a folder (default: the default backup folder), read without the database."""
    folder = folder or default_folder()
    try:
        names = [(m["stamp"], p) for p in folder.iterdir() if (m := _NAME_RE.match(p.name)) and p.is_file()]
    except OSError:
        return None
    return max(names)[1] if names else None


def record_verified(services: Services, path: Path, ok: bool) -> None:
    """Remember the outcome of a verification for the 备份 page (valid while the file is unchanged)."""
    states = dict(services.repo.get_setting(SETTING_VERIFIED, {}) or {})
    stat = path.stat()
    states[str(path.resolve())] = {"ok": ok, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "at": now()}
    # Forget files that are gone, so the setting does not grow forever.
    states = {k: v for k, v in states.items() if Path(k).exists()}
    services.repo.set_setting(SETTING_VERIFIED, states)


def _open_plain(
    path: Path, passphrase: str | None, work: Path, report: ProgressFn, cancel: CancelFn | None
) -> Path:
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


def verify_backup(
    services: Services,
    path: Path,
    passphrase: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> Inspection:
    """Check every byte of a backup file; the Inspection lists every damaged or missing file by name."""
    report = progress or _noop_progress
    path = Path(path)
    with _work_dir(services, "verify") as work:
        try:
            plain = _open_plain(path, passphrase, work, report, cancel)
            result = inspect_zip(plain, progress=lambda d, t: report(d, t, "正在校验备份"), cancel=cancel)
            if result.ok and services is not None:
                # The same schema and value checks as restore: a backup that cannot be restored is not 完好.
                report(0, 0, "正在检查备份中的填写内容")
                result.problems.extend(_content_problems(services, plain, work))
                result.content_refused = bool(result.problems)
        except BackupDamaged as exc:
            result = Inspection(manifest=None, problems=list(exc.problems))
    if services is not None:
        record_verified(services, path, result.ok)
    return result


def _content_problems(services: Services, plain: Path, work: Path) -> list[Problem]:
    """Schema and value problems of the database snapshot inside an intact plain backup zip."""
    import zipfile

    from desktop_app.storage.snapshot import MAX_BYTES

    target = work / "snapshot-check.sqlite"
    try:
        with zipfile.ZipFile(plain) as zf, zf.open(DB_MEMBER) as src, open(target, "wb") as dst:
            copied = 0
            while chunk := src.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_BYTES:
                    return [Problem(DB_MEMBER, "数据库快照过大，不是本程序写入的")]
                dst.write(chunk)
    except KeyError:
        return [Problem(DB_MEMBER, "缺失")]
    try:
        rows = _read_rows(target)
    except BackupDamaged as exc:
        return list(exc.problems)
    return check_snapshot_values(services, rows).problems


# Restore --------------------------------------------------------------------------------------------


def find_same(services: Services, person_name: str, year: int) -> int | None:
    """The id of an existing application of the same person and year, if any."""
    for summary in services.repo.list_applications():
        if summary.person_name == person_name and summary.year == year:
            return int(summary.id)
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UID = re.compile(r"^[0-9a-f]{32}$")
MAX_NAME = 255


@dataclass
class ItemCheck:
    """What of a snapshot fails the checks `set` applies: named problems and the rows to leave out."""

    problems: list[Problem] = field(default_factory=list)
    answers: set[tuple[int, str]] = field(default_factory=set)
    entries: set[int] = field(default_factory=set)
    attachments: set[int] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    # Values the validators normalised (as `set` would store them): (entry id, field) -> JSON text.
    normalised: dict[tuple[int, str], str] = field(default_factory=dict)


def snapshot_from(checked: Inspection) -> SnapshotRows:
    """The checked rows of the backup's database snapshot (read as data; schema and size checked first)."""
    db_path = checked.extracted.get(DB_MEMBER)
    if db_path is None:
        raise BackupDamaged([Problem(DB_MEMBER, "缺失")])
    return _read_rows(db_path)


def _read_rows(db_path: Path) -> SnapshotRows:
    try:
        rows = read_snapshot(db_path)
    except SnapshotRejected as exc:
        raise ContentRefused([Problem(DB_MEMBER, exc.reason)]) from None
    app_row = rows.application
    if not 2000 <= app_row["year"] <= 2100:
        raise ContentRefused([Problem(DB_MEMBER, f"申报年度 {app_row['year']} 不合理")])
    if len(app_row["person_name"]) > 100 or _CONTROL.search(app_row["person_name"]):
        raise ContentRefused([Problem(DB_MEMBER, "申报人姓名含有控制字符或过长")])
    return rows


def _is_clean_name(value: str, limit: int = MAX_NAME) -> bool:
    return len(value) <= limit and not _CONTROL.search(value)


def check_snapshot_values(services: Services, rows: SnapshotRows) -> ItemCheck:
    """Every value of a snapshot through the same validators as `set`; problems named by section, entry, field."""
    out = ItemCheck()
    tables = rows.tables
    forms = services.forms
    numbers: dict[int, int] = {}
    by_section: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(tables["entries"], key=lambda r: (r["section"], r["position"], r["id"])):
        by_section.setdefault(row["section"], []).append(row)
    for key, section_rows in by_section.items():
        if not forms.has_section(key):
            out.problems.append(Problem(f"分节“{_shown(key)}”", "不是本程序的分节，无法恢复"))
            out.entries.update(r["id"] for r in section_rows)
            continue
        section = forms.section(key)
        if not section.repeatable and len(section_rows) > 1:
            out.problems.append(Problem(section.title, f"只应有一项，备份中有 {len(section_rows)} 项"))
            out.entries.update(r["id"] for r in section_rows[1:])
        for n, row in enumerate(section_rows, start=1):
            numbers[row["id"]] = n
            if not _is_clean_name(row["review_note"], 500):
                out.problems.append(Problem(_where(section, n, None), "核对提示含有控制字符或过长"))
                out.entries.add(row["id"])
    decoded: dict[int, dict[str, Any]] = {}
    entry_rows = {r["id"]: r for r in tables["entries"]}
    for row in tables["answers"]:
        entry_id, key = row["entry_id"], row["field"]
        if entry_id in out.entries:
            continue
        section = forms.section(entry_rows[entry_id]["section"])
        where = _where(section, numbers[entry_id], key)
        if not section.has_field(key):
            out.problems.append(Problem(where, "不是本程序的字段"))
            out.answers.add((entry_id, key))
            continue
        try:
            value = json.loads(row["value"])
        except ValueError:
            value = _UNREADABLE
        if value is _UNREADABLE or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            out.problems.append(Problem(where, "保存的内容无法读取"))
            out.answers.add((entry_id, key))
            continue
        if isinstance(value, str) and _CONTROL.search(value.replace("\n", "").replace("\t", "")):
            out.problems.append(Problem(where, "含有控制字符（例如终端转义码），本程序不会写入这样的内容"))
            out.answers.add((entry_id, key))
            continue
        decoded.setdefault(entry_id, {})[key] = value
    app = _application_data(rows, decoded, out)
    for entry_id, values in decoded.items():
        if entry_id in out.entries:
            continue
        section = forms.section(entry_rows[entry_id]["section"])
        for key, value in values.items():
            if (entry_id, key) in out.answers:
                continue
            spec = section.field(key)
            error = ""
            stored: Any = value
            if spec.derived:
                checked = check_value(spec, value, services.today)
                error, stored = ("" if checked.ok else str(checked.error)), checked.value
            else:
                stored, error, _next_step = services.check_field(app, section, spec, values, value)
            if error:
                out.problems.append(Problem(_where(section, numbers[entry_id], key), error))
                out.answers.add((entry_id, key))
            elif stored is None:
                out.answers.add((entry_id, key))
            elif stored != value:
                out.normalised[(entry_id, key)] = json.dumps(stored, ensure_ascii=False)
    for row in tables["section_flags"]:
        key = row["section"]
        if not forms.has_section(key) or not forms.section(key).repeatable:
            out.problems.append(Problem(f"分节“{_shown(key)}”", "不能标记为“无此项”"))
            out.flags.add(key)
    for row in tables["attachments"]:
        what = _attachment_problem(forms, row)
        if what:
            name = row["display_name"] if isinstance(row["display_name"], str) else ""
            out.problems.append(Problem(f"扫描件“{_shown(name)[:60]}”", what))
            out.attachments.add(row["id"])
    return out


_UNREADABLE = object()


def _shown(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:60]


def _where(section: Any, number: int, key: str | None) -> str:
    parts = [section.title]
    if section.repeatable:
        parts.append(f"第{number}条")
    if key is not None:
        parts.append(section.field(key).label if section.has_field(key) else f"字段“{_shown(key)}”")
    return " ".join(parts)


def _attachment_problem(forms: Any, row: dict[str, Any]) -> str:
    if row["section"] is not None and not forms.has_section(row["section"]):
        return "所属分节不是本程序的分节"
    for column in ("display_name", "original_name"):
        if not row[column] or not _is_clean_name(row[column]):
            return "文件名为空、含有控制字符或过长"
    if not _is_clean_name(row["kind"], 60):
        return "材料类型含有控制字符或过长"
    try:
        edits = json.loads(row["edits"] or "{}")
    except ValueError:
        return "旋转、裁剪等编辑信息无法读取"
    if not isinstance(edits, dict):
        return "旋转、裁剪等编辑信息无法读取"
    return ""


def _application_data(
    rows: SnapshotRows, decoded: dict[int, dict[str, Any]], bad: ItemCheck
) -> ApplicationData:
    """The snapshot as the app's plain data, for the validators that look at other answers (choices)."""
    sections: dict[str, list[Entry]] = {}
    for row in sorted(rows.tables["entries"], key=lambda r: r["position"]):
        if row["id"] not in bad.entries:
            sections.setdefault(row["section"], []).append(
                Entry(id=row["id"], position=row["position"], answers=decoded.get(row["id"], {}))
            )
    app_row = rows.application
    return ApplicationData(
        id=app_row["id"],
        person_name=app_row["person_name"],
        year=app_row["year"],
        sections={k: SectionData(key=k, entries=tuple(v)) for k, v in sections.items()},
    )


def _without_bad_items(rows: SnapshotRows, bad: ItemCheck) -> SnapshotRows:
    tables = rows.tables
    kept_entries = [r for r in tables["entries"] if r["id"] not in bad.entries]
    entry_ids = {r["id"] for r in kept_entries}
    kept_answers = []
    for row in tables["answers"]:
        key = (row["entry_id"], row["field"])
        if row["entry_id"] in entry_ids and key not in bad.answers:
            kept_answers.append(row | {"value": bad.normalised.get(key, row["value"])})
    app_row = dict(rows.application)
    try:
        state = json.loads(app_row["ui_state"] or "{}")
    except ValueError:
        state = None
    # Where the wizard was is not the person's data: an unreadable one is simply forgotten.
    app_row["ui_state"] = app_row["ui_state"] if isinstance(state, dict) else "{}"
    return SnapshotRows(
        rows.version,
        {
            "applications": [app_row],
            "entries": kept_entries,
            "answers": kept_answers,
            "section_flags": [r for r in tables["section_flags"] if r["section"] not in bad.flags],
            "blobs": list(tables["blobs"]),
            "attachments": [
                r
                for r in tables["attachments"]
                if r["id"] not in bad.attachments and (r["entry_id"] is None or r["entry_id"] in entry_ids)
            ],
        },
    )


def restore_backup(
    services: Services,
    path: Path,
    passphrase: str | None = None,
    *,
    replace_id: int | None = None,
    allow_duplicate: bool = False,
    without_bad_items: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> RestoreResult:
    """Restore a backup into a new application; an existing one is replaced only when asked, after success.

    Everything is extracted and checked in a staging folder first; every value goes through the validators
    of `set`, and a backup with bad items is refused (BadItems) unless `without_bad_items` leaves them out.
    """
    report = progress or _noop_progress
    path = Path(path)
    staging_root = services.home / STAGING_FOLDER
    private_dir(staging_root)
    with _work_dir(services, "restore") as work:
        plain = _open_plain(path, passphrase, work, report, cancel)
        staging = Path(tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=staging_root))
        try:
            checked = inspect_zip(
                plain,
                extract_to=staging,
                progress=lambda d, t: report(d, t, "正在检查并解开备份"),
                cancel=cancel,
            )
            if not checked.ok:
                raise BackupDamaged(checked.problems, "未恢复任何内容；请改用另一份备份")
            report(0, 0, "正在检查备份中的填写内容")
            return _restore_rows(services, checked, replace_id, allow_duplicate, without_bad_items)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _restore_rows(
    services: Services,
    checked: Inspection,
    replace_id: int | None,
    allow_duplicate: bool,
    without_bad_items: bool,
) -> RestoreResult:
    manifest = checked.manifest or {}
    files = {f["path"]: f for f in manifest.get("files", [])}
    rows = snapshot_from(checked)
    bad = check_snapshot_values(services, rows)
    if bad.problems and not without_bad_items:
        raise BadItems(bad.problems)
    rows = _without_bad_items(rows, bad)
    app_row = rows.application
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
    for att in rows.tables["attachments"]:
        staged = by_hash.get(att["sha256"])
        if staged is None:
            raise BackupDamaged([Problem(f"扫描件 {att['display_name']}", "缺失")])
        sha, _, _ = services.blobs.put_file(staged)
        if sha != att["sha256"]:
            raise BackupDamaged([Problem(f"扫描件 {att['display_name']}", "内容与记录不符")])
    # A snapshot whose attachments lack their blob rows (hand-edited) still restores: the rows are rebuilt.
    described = {row["sha256"] for row in rows.tables["blobs"]}
    for att in rows.tables["attachments"]:
        if att["sha256"] not in described:
            described.add(att["sha256"])
            rows.tables["blobs"].append(
                {
                    "sha256": att["sha256"],
                    "size": by_hash[att["sha256"]].stat().st_size,
                    "media_type": "application/octet-stream",
                    "created_at": now(),
                }
            )
    uid = _restored_uid(services, app_row.get("uid", ""), replace_id)
    try:
        new_id = services.repo.restore_snapshot(rows, uid)
    except Exception as exc:  # noqa: BLE001 - constraint failures of a hand-made snapshot
        log.warning("snapshot rows rejected: %s", exc)
        raise BackupDamaged([Problem(DB_MEMBER, "数据库快照的内容前后不一致，无法恢复")]) from None
    # The new application must be in place and readable before anything else is touched.
    try:
        restored = services.export_answers(new_id)
        services.check(new_id)
    except Exception:  # noqa: BLE001 - whatever fails here, the original stays and the copy goes
        log.exception("restored application %s is not readable", new_id)
        services.repo.delete_application(new_id)
        raise BackupDamaged([Problem(DB_MEMBER, "恢复后的申报无法读取，已撤销恢复")]) from None
    expected = _answers_in_backup(checked)
    if (
        expected is not None
        and not bad.problems
        and not bad.normalised
        and manifest.get("app_version") == desktop_app.__version__
        and restored != expected
    ):
        services.repo.delete_application(new_id)
        raise BackupDamaged([Problem(ANSWERS_MEMBER, "与数据库快照中的填写内容不一致")])
    if replace_id is not None:
        services.repo.delete_application(replace_id)
    notes = (
        (f"已略过 {len(bad.problems)} 项有问题的内容：" + "；".join(str(p) for p in bad.problems),)
        if bad.problems
        else ()
    )
    return RestoreResult(new_id, person, year, replace_id, notes)


def _restored_uid(services: Services, uid: str, replace_id: int | None) -> str:
    """Keep the application's identity unless another local application already carries it (另存为新申报)."""
    if not _UID.match(uid or ""):
        return new_uid()
    holders = set(services.repo.applications_with_uid(uid)) - (
        {replace_id} if replace_id is not None else set()
    )
    return new_uid() if holders else uid


def _answers_in_backup(checked: Inspection) -> Any:
    path = checked.extracted.get(ANSWERS_MEMBER)
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def restore_into_new_year(
    services: Services,
    path: Path,
    new_year: int,
    passphrase: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> RestoreResult:
    """从备份恢复 to a new year: restore the old year as its own application, then carry it forward."""
    from desktop_app.usecases.wizard import carry_forward

    restored = restore_backup(
        services, path, passphrase, allow_duplicate=True, progress=progress, cancel=cancel
    )
    new_id = carry_forward(services, restored.app_id, new_year)
    return RestoreResult(
        new_id,
        restored.person_name,
        new_year,
        None,
        (f"已恢复 {restored.year} 年的申报（编号 {restored.app_id}），并据此新建 {new_year} 年申报",),
    )


# Automatic ------------------------------------------------------------------------------------------


def backup_after_packet(
    services: Services,
    app_id: int,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> str:
    """Called after every successful packet: write a verified backup; never raises, returns what to show.

    `progress` and `cancel` go to create_backup, so the window can show the backup's own bar and stop it.
    """
    try:
        if not is_auto_backup_on(services):
            return ""
        result = create_backup(services, app_id, progress=progress, cancel=cancel)
    except Cancelled:
        return "自动备份已取消"
    except UserError as exc:
        log.warning("automatic backup failed: %s", exc)
        return f"自动备份失败：{exc}"
    except Exception:
        log.exception("automatic backup failed")
        return "自动备份失败（程序内部错误），请在“备份”页手动备份"
    return f"已自动备份到 {result.path}"

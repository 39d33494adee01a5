"""Write a backup zip: members streamed in with their SHA-256, a manifest, a seal, fsync, verify, atomic rename.

Layout choices, and why:
- Already-compressed scans (JPEG, PNG, PDF, HEIC …) are stored, not deflated again: deflating them gains
  nothing and costs most of the time.
- The zip comment carries a seal: the SHA-256 of the central directory (and zip64 records). Together with
  the per-member CRC-32 and SHA-256 and a byte-for-byte comparison of every local header with its central
  record, every byte of the file is covered, so any single flipped byte is detected and named.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.backup.errors import BackupError, Cancelled
from desktop_app.os_errors import replace_file

FORMAT = "zhicheng-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20

SEAL_PREFIX = b"ZHICHENG-BACKUP-SEAL v1 sha256="
SEAL_LENGTH = len(SEAL_PREFIX) + 64

# Media that are compressed already; everything else (JSON, SQLite, text) is deflated.
STORED_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".pdf", ".heic", ".heif", ".webp", ".gif", ".avif", ".zip"}
)

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

EOCD_SIG = b"PK\x05\x06"
EOCD64_SIG = b"PK\x06\x06"
LOCATOR64_SIG = b"PK\x06\x07"
EOCD_SIZE = 22


@dataclass(frozen=True)
class Member:
    """One file to put into the archive: from a path or from bytes, with its role for the manifest."""

    arcname: str
    role: str
    source: Path | None = None
    data: bytes | None = None
    expected_sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Size in bytes of the member's content."""
        if self.data is not None:
            return len(self.data)
        assert self.source is not None
        return self.source.stat().st_size

    @property
    def is_stored(self) -> bool:
        """Whether the member is stored uncompressed (already-compressed media)."""
        return Path(self.arcname).suffix.lower() in STORED_SUFFIXES


@dataclass(frozen=True)
class Tail:
    """Where the central directory and end record of a zip file are."""

    cd_start: int
    eocd_pos: int
    entries: int
    comment: bytes


def check_cancel(cancel: CancelCheck | None) -> None:
    """Raise Cancelled when the person asked to stop."""
    if cancel is not None and cancel():
        raise Cancelled()


def read_tail(fh: Any, file_size: int) -> Tail:
    """Parse the end of a zip strictly; raises ValueError with a Chinese description on any inconsistency."""
    if file_size < EOCD_SIZE + SEAL_LENGTH:
        raise ValueError("文件太短，不是完整的备份")
    fh.seek(file_size - EOCD_SIZE - SEAL_LENGTH)
    end = fh.read(EOCD_SIZE + SEAL_LENGTH)
    eocd_pos = file_size - EOCD_SIZE - SEAL_LENGTH
    if end[:4] != EOCD_SIG:
        raise ValueError("压缩包末尾的结束记录缺失或已损坏（文件可能不完整）")
    disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len = struct.unpack("<HHHHIIH", end[4:22])
    if comment_len != SEAL_LENGTH or disk != 0 or cd_disk != 0 or n_disk != n_total:
        raise ValueError("压缩包末尾的结束记录已损坏")
    comment = end[22:]
    entries = n_total
    cd_end = eocd_pos
    if cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF or n_total == 0xFFFF:
        fh.seek(eocd_pos - 20)
        locator = fh.read(20)
        if locator[:4] != LOCATOR64_SIG:
            raise ValueError("压缩包的 zip64 定位记录已损坏")
        _, rec_offset, total_disks = struct.unpack("<IQI", locator[4:])
        if total_disks != 1:
            raise ValueError("压缩包的 zip64 定位记录已损坏")
        fh.seek(rec_offset)
        rec = fh.read(56)
        if rec[:4] != EOCD64_SIG or rec_offset + 56 != eocd_pos - 20:
            raise ValueError("压缩包的 zip64 结束记录已损坏")
        _, _, _, d64, cd64_disk, n64_disk, n64_total, cd_size, cd_offset = struct.unpack(
            "<QHHIIQQQQ", rec[4:56]
        )
        if d64 != 0 or cd64_disk != 0 or n64_disk != n64_total:
            raise ValueError("压缩包的 zip64 结束记录已损坏")
        entries = n64_total
        cd_end = rec_offset
    if cd_offset + cd_size != cd_end:
        raise ValueError("压缩包的文件目录位置与大小不一致")
    return Tail(cd_start=cd_offset, eocd_pos=eocd_pos, entries=entries, comment=comment)


def data_offset(fh: Any, info: zipfile.ZipInfo) -> int:
    """Where a member's data starts, from the name and extra lengths in its local header."""
    fh.seek(info.header_offset + 26)
    name_len, extra_len = struct.unpack("<HH", fh.read(4).ljust(4, b"\0"))
    return int(info.header_offset) + 30 + int(name_len) + int(extra_len)


def _hash_range(fh: Any, start: int, length: int, digest: Any) -> None:
    fh.seek(start)
    while length > 0:
        chunk = fh.read(min(CHUNK, length))
        if not chunk:
            raise ValueError("文件不完整")
        digest.update(chunk)
        length -= len(chunk)


def seal_digest(fh: Any, tail: Tail, infos: Sequence[zipfile.ZipInfo]) -> str:
    """SHA-256 of every deflated member's raw bytes, then the central directory and zip64 records.

    Deflate can encode the same content in several ways (padding bits, an unused final flag), so a flipped
    bit there would leave the content and its CRC intact; sealing the raw bytes catches those too.
    Stored members need no such cover: CRC-32 detects every change of up to 32 consecutive bits.
    """
    digest = hashlib.sha256()
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.compress_type != zipfile.ZIP_STORED:
            _hash_range(fh, data_offset(fh, info), info.compress_size, digest)
    _hash_range(fh, tail.cd_start, tail.eocd_pos - tail.cd_start, digest)
    return digest.hexdigest()


def _write_seal(fh: Any) -> None:
    size = fh.seek(0, os.SEEK_END)
    tail = read_tail(fh, size)
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
    seal = SEAL_PREFIX + seal_digest(fh, tail, infos).encode("ascii")
    fh.seek(tail.eocd_pos + EOCD_SIZE)
    fh.write(seal)


def _zipinfo(member: Member, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member.arcname, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED if member.is_stored else zipfile.ZIP_DEFLATED
    # A regular file readable by everyone who can read the archive; never a link or device.
    info.create_system = 3
    info.external_attr = (0o100644 & 0xFFFF) << 16
    info.file_size = member.size
    return info


def _copy_member(
    zf: zipfile.ZipFile,
    member: Member,
    info: zipfile.ZipInfo,
    on_bytes: Callable[[int], None],
    cancel: CancelCheck | None,
) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with zf.open(info, "w") as out:
        if member.data is not None:
            digest.update(member.data)
            out.write(member.data)
            size = len(member.data)
            on_bytes(size)
        else:
            assert member.source is not None
            with open(member.source, "rb") as src:
                while chunk := src.read(CHUNK):
                    check_cancel(cancel)
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    on_bytes(len(chunk))
    sha = digest.hexdigest()
    if member.expected_sha256 and sha != member.expected_sha256:
        raise BackupError(
            f"本机保存的扫描件“{member.arcname}”内容已损坏（校验值不符），未生成备份",
            "请在申报中重新上传这份扫描件后再备份",
        )
    return size, sha


def write_zip(
    target: Path,
    members: Sequence[Member],
    meta: dict[str, Any],
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> dict[str, Any]:
    """Write members and the manifest to `target` (a temporary path; the caller verifies and renames).

    Returns the manifest that was written.
    """
    total = sum(m.size for m in members)
    done = 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    now = time.localtime()
    date_time = (max(1980, now.tm_year), now.tm_mon, now.tm_mday, now.tm_hour, now.tm_min, now.tm_sec)
    files: list[dict[str, Any]] = []
    with open(target, "w+b") as fh:
        with zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
            for member in members:
                check_cancel(cancel)
                info = _zipinfo(member, date_time)
                size, sha = _copy_member(zf, member, info, on_bytes, cancel)
                files.append(
                    {"path": member.arcname, "size": size, "sha256": sha, "role": member.role, **member.extra}
                )
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta, "files": files}
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(_zipinfo(Member(MANIFEST, "manifest", data=data), date_time), data)
            zf.comment = b"\0" * SEAL_LENGTH
        fh.flush()
        _write_seal(fh)
        fh.flush()
        os.fsync(fh.fileno())
    return manifest


def temp_path_beside(target: Path) -> Path:
    """A fresh hidden temporary file in the target's folder (so the final rename is atomic)."""
    # The process id in the name tells a later run whether its writer is gone (then it is removed).
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".partial")
    os.close(fd)
    return Path(name)


def commit(tmp: Path, target: Path) -> None:
    """Atomically move a finished, verified file into place and make the rename durable."""
    replace_file(tmp, target)
    if os.name == "posix":
        try:
            dir_fd = os.open(target.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)

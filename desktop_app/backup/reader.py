"""Read a backup zip: refuse hostile archives, check every byte, optionally extract into a staging folder.

Checks, in order: the central directory as a whole (names, types, sizes — refused before anything is
read or written), the seal over the directory, each local header against its directory record, the
manifest, then every member's CRC-32 and SHA-256 while streaming it (bytes actually inflated are counted).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.backup.archive import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SEAL_PREFIX,
    CancelCheck,
    Progress,
    check_cancel,
    read_tail,
    seal_digest,
)
from desktop_app.backup.errors import BackupDamaged, BackupError, HostileArchive, Problem

# Limits far above any real application-year (hundreds of scans, a few GB) and far below a bomb.
MAX_ENTRIES = 20_000
MAX_MEMBER_BYTES = 2 << 30
MAX_TOTAL_BYTES = 32 << 30
MAX_MANIFEST_BYTES = 32 << 20
MAX_RATIO = 200
RATIO_FLOOR = 1 << 20
MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 1024

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_WINDOWS_INVALID = set('<>:"|?*')
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_SHA_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Inspection:
    """The result of reading a backup: its manifest, every problem found, and extracted files if asked."""

    manifest: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    extracted: dict[str, Path] = field(default_factory=dict)
    # True when the bytes are intact but the content fails the checks of restore (schema, values).
    content_refused: bool = False

    @property
    def ok(self) -> bool:
        """No problem found."""
        return self.manifest is not None and not self.problems


def _shown(name: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in name)[:120]


def name_problem(name: str) -> str | None:
    """Why this member name must not be extracted, or None when it is a safe relative path."""
    if not name:
        return "压缩包内有文件名为空的项目"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return f"压缩包内的文件名含控制字符：{_shown(name)}"
    if "\\" in name:
        return f"压缩包内的文件名含反斜杠路径：{_shown(name)}"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"压缩包内有绝对路径：{_shown(name)}"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        return f"压缩包内的文件路径过长：{_shown(name)}"
    parts = name.rstrip("/").split("/")
    for part in parts:
        if part == "..":
            return f"压缩包内有指向上级文件夹（..）的路径：{_shown(name)}"
        if part in ("", "."):
            return f"压缩包内的文件路径不规范：{_shown(name)}"
        if any(ch in _WINDOWS_INVALID for ch in part) or part.endswith((" ", ".")):
            return f"压缩包内的文件名含不允许的字符：{_shown(name)}"
        if _WINDOWS_RESERVED.match(part):
            return f"压缩包内的文件名是系统保留的设备名：{_shown(name)}"
        if len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
            return f"压缩包内的文件名过长：{_shown(name)}"
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in part):
            return f"压缩包内的文件名不是有效的 UTF-8：{_shown(name)}"
    return None


def _collision_key(name: str) -> str:
    return unicodedata.normalize("NFC", name.rstrip("/")).casefold()


def _legacy_name(info: zipfile.ZipInfo) -> str | None:
    """The name shown as GBK when the entry lacks the UTF-8 flag but uses non-ASCII bytes."""
    if info.flag_bits & 0x800:
        return None
    raw = info.orig_filename.encode("cp437", "replace")
    if all(b < 0x80 for b in raw):
        return None
    return raw.decode("gbk", "replace")


def check_entries(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose directory holds anything unsafe to extract; raises HostileArchive."""
    if len(infos) > MAX_ENTRIES:
        raise HostileArchive(f"压缩包内文件数量过多（{len(infos)} 个，上限 {MAX_ENTRIES}）")
    seen: dict[str, str] = {}
    files: set[str] = set()
    folders: set[str] = set()
    total = 0
    for info in infos:
        legacy = _legacy_name(info)
        if legacy is not None:
            raise HostileArchive(f"压缩包内的文件名不是 UTF-8 编码（可能是 GBK 等旧编码）：{_shown(legacy)}")
        name = info.orig_filename
        problem = name_problem(name)
        if problem:
            raise HostileArchive(problem)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if info.create_system == 3 and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            what = "符号链接" if kind == stat.S_IFLNK else "设备或特殊文件"
            raise HostileArchive(f"压缩包内有{what}：{_shown(name)}")
        if info.flag_bits & 0x1 or info.flag_bits & 0x40:
            raise HostileArchive(f"压缩包内的文件设置了密码：{_shown(name)}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise HostileArchive(f"压缩包内的文件使用了不支持的压缩方式：{_shown(name)}")
        key = _collision_key(name)
        if key in seen:
            if seen[key] == name:
                raise HostileArchive(f"压缩包内有重复的文件名：{_shown(name)}")
            raise HostileArchive(
                f"压缩包内有只差大小写或写法的文件名，会互相覆盖：{_shown(seen[key])} 与 {_shown(name)}"
            )
        seen[key] = name
        parts = key.split("/")
        for i in range(1, len(parts)):
            folders.add("/".join(parts[:i]))
        if name.endswith("/") or (info.create_system == 3 and kind == stat.S_IFDIR):
            if info.file_size:
                raise HostileArchive(f"压缩包内的文件夹项带有内容：{_shown(name)}")
            folders.add(key)
            continue
        files.add(key)
        if info.file_size > MAX_MEMBER_BYTES:
            raise HostileArchive(f"压缩包内的文件声明大小异常（{info.file_size} 字节）：{_shown(name)}")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise HostileArchive(f"压缩包内的文件大小记录自相矛盾：{_shown(name)}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise HostileArchive(f"压缩包内的文件压缩比异常（疑似压缩炸弹）：{_shown(name)}")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise HostileArchive("压缩包解开后的总大小异常（疑似压缩炸弹）")
    clash = files & folders
    if clash:
        raise HostileArchive(f"压缩包内的文件名与文件夹名冲突：{_shown(sorted(clash)[0])}")


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _check_layout(
    fh: Any, infos: list[zipfile.ZipInfo], cd_start: int, offsets: dict[str, int]
) -> list[Problem]:
    """Compare every local header with its directory record and require the members to tile the file.

    Fills `offsets` with where each member's data starts, according to its local header.
    """
    problems: list[Problem] = []
    expected = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != expected:
            problems.append(Problem(info.filename, "文件头位置与目录不符（压缩包结构已损坏）"))
        fh.seek(info.header_offset)
        raw = fh.read(_LOCAL_HEADER.size)
        name_bytes = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        if len(raw) < _LOCAL_HEADER.size:
            problems.append(Problem(info.filename, "文件头不完整（文件被截断）"))
            return problems
        sig, version, flags, method, mtime, mdate, crc, csize, usize, nlen, elen = _LOCAL_HEADER.unpack(raw)
        name = fh.read(nlen)
        extra = fh.read(elen)
        is64 = csize == 0xFFFFFFFF or usize == 0xFFFFFFFF
        same = (
            sig == b"PK\x03\x04"
            and version == info.extract_version
            and flags == info.flag_bits
            and method == info.compress_type
            and (mtime, mdate) == _dos_time(info)
            and crc == info.CRC
            and name == name_bytes
            and (is64 or (csize == info.compress_size and usize == info.file_size))
            and (is64 or extra == info.extra)
        )
        if not same:
            problems.append(Problem(info.filename, "文件头已损坏"))
        offsets[info.orig_filename] = info.header_offset + _LOCAL_HEADER.size + nlen + elen
        expected = info.header_offset + _LOCAL_HEADER.size + nlen + elen + info.compress_size
    if expected != cd_start:
        problems.append(Problem("压缩包结构", "文件数据与目录之间有多余或缺失的字节"))
    return problems


class _Damaged(Exception):
    """A member whose bytes do not match its directory record."""


def stream_member(fh: Any, info: zipfile.ZipInfo, data_offset: int) -> Iterator[bytes]:
    """Yield a member's content read straight from the file, inflating at most CHUNK bytes at a time.

    Raises _Damaged unless the compressed data ends exactly where the directory says, inflates to exactly
    the declared size, and matches the CRC-32 (so padding bits and a cleared final-block flag count too).
    """
    fh.seek(data_offset)
    left = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    try:
        while left > 0:
            raw = fh.read(min(CHUNK, left))
            if not raw:
                raise _Damaged("数据不完整（文件被截断）")
            left -= len(raw)
            pending = raw
            while True:
                if inflater is None:
                    out, pending = pending, b""
                else:
                    if inflater.eof and pending:
                        raise _Damaged("压缩数据后有多余的字节")
                    out = inflater.decompress(pending, CHUNK)
                    pending = inflater.unconsumed_tail
                produced += len(out)
                if produced > info.file_size:
                    raise _Damaged("解压后的大小超过记录（疑似压缩炸弹）")
                if out:
                    crc = zlib.crc32(out, crc)
                    yield out
                if not pending and len(out) < CHUNK:
                    break
        if inflater is not None and (not inflater.eof or inflater.unused_data):
            raise _Damaged("压缩数据不完整")
    except zlib.error:
        raise _Damaged("压缩数据已损坏") from None
    except (OSError, ValueError):
        raise _Damaged("数据位置超出文件范围") from None
    if produced != info.file_size or crc != info.CRC:
        raise _Damaged("内容已损坏（CRC 校验失败）")


def _read_manifest(
    zf: zipfile.ZipFile, fh: Any, offsets: dict[str, int], problems: list[Problem]
) -> dict[str, Any] | None:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        problems.append(Problem(MANIFEST, "缺失（不是本程序生成的备份，或清单已损坏）"))
        return None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise HostileArchive("备份清单 manifest.json 大小异常")
    try:
        data = b"".join(stream_member(fh, info, offsets[MANIFEST]))
        manifest = json.loads(data.decode("utf-8"))
    except (_Damaged, KeyError, UnicodeDecodeError, ValueError):
        problems.append(Problem(MANIFEST, "备份清单已损坏"))
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        problems.append(Problem(MANIFEST, "不是职称申报材料助手的备份清单"))
        return None
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"这份备份由更新版本的程序生成（格式版本 {version}），当前程序只支持到 {FORMAT_VERSION}",
            "请安装最新版本的职称申报材料助手后再恢复",
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not all(_valid_file_entry(f) for f in files):
        problems.append(Problem(MANIFEST, "备份清单的文件列表格式不正确"))
        return None
    names = [f["path"] for f in files]
    if len({_collision_key(n) for n in names}) != len(names) or MANIFEST in names:
        raise HostileArchive("备份清单中有重复的文件名")
    for name in names:
        problem = name_problem(name)
        if problem:
            raise HostileArchive(problem)
    return manifest


def _valid_file_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("size"), int)
        and not isinstance(entry.get("size"), bool)
        and 0 <= entry["size"] <= MAX_MEMBER_BYTES
        and isinstance(entry.get("sha256"), str)
        and bool(_SHA_HEX.match(entry["sha256"]))
    )


def _open_target(root: Path, name: str) -> int:
    target = root.joinpath(*name.split("/"))
    # Belt and braces after name_problem: the resolved path must stay inside the staging folder.
    if not str(target.resolve(strict=False)).startswith(str(root.resolve()) + os.sep):
        raise HostileArchive(f"压缩包内的路径会写到目标文件夹之外：{_shown(name)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.open(target, flags, 0o600)


def inspect_zip(
    path: Path,
    extract_to: Path | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Inspection:
    """Check a plain backup zip completely; with `extract_to` also write its files there (only safe names).

    Raises HostileArchive before anything is written; returns every damaged or missing file otherwise.
    """
    size = path.stat().st_size
    problems: list[Problem] = []
    with open(path, "rb") as fh:
        try:
            tail = read_tail(fh, size)
        except (ValueError, OSError, struct.error) as exc:
            tail = None
            problems.append(Problem("压缩包结构", str(exc)))
        try:
            zf = zipfile.ZipFile(fh)
        except UnicodeDecodeError:
            raise HostileArchive("压缩包内的文件名不是有效的 UTF-8 编码") from None
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            struct.error,
            NotImplementedError,
        ):
            raise BackupDamaged(
                problems or [Problem("压缩包结构", "无法读取文件目录（文件不完整或已损坏）")]
            ) from None
        with zf:
            infos = zf.infolist()
            check_entries(infos)
            offsets: dict[str, int] = {}
            if tail is not None:
                if not tail.comment.startswith(SEAL_PREFIX):
                    problems.append(
                        Problem("压缩包结构", "缺少校验封条（不是本程序生成的备份，或末尾已损坏）")
                    )
                elif tail.comment[len(SEAL_PREFIX) :].decode("ascii", "replace") != _seal(fh, tail, infos):
                    problems.append(Problem("压缩包结构", "文件目录已损坏（封条校验值不符）"))
                if tail.entries != len(infos):
                    problems.append(Problem("压缩包结构", "结束记录中的文件数与目录不符"))
            try:
                layout = _check_layout(fh, infos, tail.cd_start if tail is not None else -1, offsets)
            except (OSError, ValueError, struct.error):
                layout = [Problem("压缩包结构", "文件头位置超出文件范围（压缩包结构已损坏）")]
            problems.extend(p for p in layout if tail is not None or p.path != "压缩包结构")
            manifest = _read_manifest(zf, fh, offsets, problems)
            extracted: dict[str, Path] = {}
            if manifest is not None:
                _check_members(
                    fh, infos, offsets, manifest, extract_to, extracted, problems, progress, cancel
                )
    return Inspection(manifest=manifest, problems=problems, extracted=extracted)


def read_sealed_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of a plain backup zip whose seal and layout are intact; None when it cannot be vouched for."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            tail = read_tail(fh, size)
            with zipfile.ZipFile(fh) as zf:
                infos = zf.infolist()
                check_entries(infos)
                if not tail.comment.startswith(SEAL_PREFIX):
                    return None
                if tail.comment[len(SEAL_PREFIX) :].decode("ascii", "replace") != _seal(fh, tail, infos):
                    return None
                if tail.entries != len(infos):
                    return None
                offsets: dict[str, int] = {}
                problems = _check_layout(fh, infos, tail.cd_start, offsets)
                if problems:
                    return None
                return _read_manifest(zf, fh, offsets, problems)
    except Exception:  # noqa: BLE001 - anything unreadable is simply not vouched for
        return None


def _seal(fh: Any, tail: Any, infos: list[zipfile.ZipInfo]) -> str:
    try:
        return seal_digest(fh, tail, infos)
    except (ValueError, OSError, struct.error):
        return ""


def _check_members(
    fh: Any,
    infos: list[zipfile.ZipInfo],
    offsets: dict[str, int],
    manifest: dict[str, Any],
    extract_to: Path | None,
    extracted: dict[str, Path],
    problems: list[Problem],
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> None:
    declared = {f["path"]: f for f in manifest["files"]}
    by_name = {i.orig_filename: i for i in infos}
    for name in by_name:
        if name != MANIFEST and not name.endswith("/") and name not in declared:
            problems.append(Problem(name, "不在备份清单中"))
    if extract_to is not None:
        need = sum(f["size"] for f in manifest["files"])
        extract_to.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(extract_to).free < need + (64 << 20):
            raise BackupError("磁盘空间不足，无法恢复这份备份", f"约需 {need // (1 << 20) + 64} MB 可用空间")
    total = sum(by_name[f["path"]].file_size for f in manifest["files"] if f["path"] in by_name)
    done = 0
    for entry in manifest["files"]:
        check_cancel(cancel)
        name = entry["path"]
        info = by_name.get(name)
        if info is None or name not in offsets:
            problems.append(Problem(name, "缺失"))
            continue
        digest = hashlib.sha256()
        count = 0
        fd = _open_target(extract_to, name) if extract_to is not None else None
        try:
            for chunk in stream_member(fh, info, offsets[name]):
                count += len(chunk)
                digest.update(chunk)
                if fd is not None:
                    os.write(fd, chunk)
                if progress is not None:
                    progress(done + count, total)
                check_cancel(cancel)
        except _Damaged as exc:
            problems.append(Problem(name, str(exc)))
            continue
        finally:
            if fd is not None:
                os.close(fd)
            done += info.file_size
        if count != entry["size"] or digest.hexdigest() != entry["sha256"]:
            problems.append(Problem(name, "内容已损坏（SHA-256 校验值与清单不符）"))
            continue
        if extract_to is not None:
            extracted[name] = extract_to.joinpath(*name.split("/"))

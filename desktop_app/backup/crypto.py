"""Optional passphrase encryption of a finished backup zip: scrypt (n=2^17, r=8, p=1) + AES-256-GCM in chunks.

File layout (all integers big-endian):
    MAGIC (8) | header length (4) | header JSON | key check tag (16) | header digest SHA-256 (32) | chunks…
Each chunk is AES-GCM over up to CHUNK plaintext bytes with nonce = prefix (8) + counter (4) and associated
data = header digest + final flag, so reordering, truncation and appended data are all detected. The key
check tag (an empty message under counter 0) tells a wrong passphrase apart from damage; the plain header
digest tells a damaged header apart from a wrong passphrase. The passphrase is never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop_app.backup.archive import CancelCheck, Progress, check_cancel
from desktop_app.backup.errors import BackupDamaged, BackupError, Problem, WrongPassphrase

MAGIC = b"ZCBAKENC"
VERSION = 1
CHUNK = 1 << 20
TAG = 16
SCRYPT_N = 1 << 17
SCRYPT_R = 8
SCRYPT_P = 1
_CHECK_AAD = b"zhicheng-backup key check"
_MAX_HEADER = 4096
ENCRYPTED_SUFFIX = ".enc"


def is_encrypted(path: Path) -> bool:
    """Whether the file is an encrypted backup (by its first bytes, not its name)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def encrypt_file(
    source: Path,
    target: Path,
    passphrase: str,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> str:
    """Encrypt `source` into `target` (fsynced); returns the SHA-256 of the plaintext."""
    if not passphrase:
        raise BackupError("口令不能为空", "请设置一个口令")
    salt = os.urandom(16)
    prefix = os.urandom(8)
    header = json.dumps(
        {
            "v": VERSION,
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": salt.hex(),
            "cipher": "AES-256-GCM",
            "chunk": CHUNK,
            "nonce_prefix": prefix.hex(),
        },
        separators=(",", ":"),
    ).encode("ascii")
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    aead = AESGCM(key)
    check = aead.encrypt(_nonce(prefix, 0), b"", _CHECK_AAD)
    head = MAGIC + struct.pack(">I", len(header)) + header + check
    digest = hashlib.sha256(head).digest()
    plain_hash = hashlib.sha256()
    total = source.stat().st_size
    done = 0
    counter = 1
    with open(source, "rb") as src, open(target, "wb") as out:
        out.write(head + digest)
        chunk = src.read(CHUNK)
        while True:
            check_cancel(cancel)
            following = src.read(CHUNK) if len(chunk) == CHUNK else b""
            final = not following
            plain_hash.update(chunk)
            out.write(aead.encrypt(_nonce(prefix, counter), chunk, digest + (b"\1" if final else b"\0")))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            if final:
                break
            chunk = following
            counter += 1
        out.flush()
        os.fsync(out.fileno())
    return plain_hash.hexdigest()


def _read_header(fh: BinaryIO) -> tuple[dict[str, Any], bytes, bytes]:
    damaged = BackupDamaged([Problem("加密文件头", "已损坏，无法解密")])
    start = fh.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[: len(MAGIC)] != MAGIC:
        raise damaged
    (length,) = struct.unpack(">I", start[len(MAGIC) :])
    if length > _MAX_HEADER:
        raise damaged
    header_bytes = fh.read(length)
    check = fh.read(TAG)
    digest = fh.read(32)
    if len(header_bytes) != length or len(check) != TAG or len(digest) != 32:
        raise BackupDamaged([Problem("加密文件", "文件不完整（被截断）")])
    if hashlib.sha256(start + header_bytes + check).digest() != digest:
        raise damaged
    try:
        header = json.loads(header_bytes)
        ok = (
            header["v"] == VERSION
            and header["kdf"] == "scrypt"
            and header["cipher"] == "AES-256-GCM"
            and header["chunk"] == CHUNK
            and len(bytes.fromhex(header["salt"])) == 16
            and len(bytes.fromhex(header["nonce_prefix"])) == 8
            # Bounds keep a forged header from demanding gigabytes of memory or a weak key.
            and header["n"] in (1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20)
            and 1 <= header["r"] <= 16
            and 1 <= header["p"] <= 4
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BackupError("加密备份的格式版本不受支持", "请安装最新版本的职称申报材料助手")
    return header, check, digest


def decrypt_file(
    source: Path,
    target: Path,
    passphrase: str,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> str:
    """Decrypt into `target`; raises WrongPassphrase or BackupDamaged (naming the damaged megabyte)."""
    total = source.stat().st_size
    with open(source, "rb") as src:
        header, check, digest = _read_header(src)
        prefix = bytes.fromhex(header["nonce_prefix"])
        aead = AESGCM(_key(passphrase, bytes.fromhex(header["salt"]), header["n"], header["r"], header["p"]))
        try:
            aead.decrypt(_nonce(prefix, 0), check, _CHECK_AAD)
        except InvalidTag:
            raise WrongPassphrase() from None
        plain_hash = hashlib.sha256()
        counter = 1
        with open(target, "wb") as out:
            block = src.read(CHUNK + TAG)
            while True:
                check_cancel(cancel)
                following = src.read(CHUNK + TAG) if len(block) == CHUNK + TAG else b""
                final = not following
                try:
                    plain = aead.decrypt(_nonce(prefix, counter), block, digest + (b"\1" if final else b"\0"))
                except (InvalidTag, ValueError):
                    where = "末尾不完整（文件被截断）" if final else f"第 {counter} MB 附近的数据已损坏"
                    raise BackupDamaged([Problem("加密数据", where)]) from None
                plain_hash.update(plain)
                out.write(plain)
                if progress is not None:
                    progress(src.tell(), total)
                if final:
                    break
                block = following
                counter += 1
            out.flush()
            os.fsync(out.fileno())
    return plain_hash.hexdigest()

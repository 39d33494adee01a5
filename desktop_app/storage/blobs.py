"""Content-addressed store of scans: files named by the SHA-256 of their exact bytes, never modified."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from desktop_app.os_errors import from_os_error
from desktop_app.paths import private_dir, restrict_to_owner

CHUNK = 1 << 20


def _size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class BlobStore:
    """Store bytes under blobs/ab/abcdef…; writing the same bytes twice stores them once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        private_dir(root)

    def path(self, sha256: str) -> Path:
        """Where a blob lives (it may not exist)."""
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path(sha256).is_file()

    def put_file(self, source: Path) -> tuple[str, int, bool]:
        """Copy a file in by streaming; returns (sha256, size, newly_stored). The source is only read."""
        try:
            return self._put_file(source)
        except OSError as exc:
            raise self._storage_problem(exc, _size_of(source)) from None

    def _storage_problem(self, exc: OSError, needed: int | None) -> Exception:
        """A full disk or read-only store, said truthfully; other errors (e.g. reading the source) unchanged."""
        if exc.filename is None or Path(exc.filename).parent in (self.root, *self.root.parents):
            mapped = from_os_error(exc, self.root, needed)
            if mapped is not None and exc.errno != errno.ENOENT:
                return mapped
        return exc

    def _put_file(self, source: Path) -> tuple[str, int, bool]:
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=f".incoming-{os.getpid()}-")
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            return self._commit(Path(tmp_name), digest.hexdigest(), size)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)

    def put_bytes(
        self, data: bytes, sha256: str | None = None, copy_of: Path | None = None
    ) -> tuple[str, int, bool]:
        """Store bytes; returns (sha256, size, newly_stored) (see _put_bytes); a full disk is said as such."""
        try:
            return self._put_bytes(data, sha256, copy_of)
        except OSError as exc:
            raise self._storage_problem(exc, len(data)) from None

    def _put_bytes(
        self, data: bytes, sha256: str | None = None, copy_of: Path | None = None
    ) -> tuple[str, int, bool]:
        """Store bytes; returns (sha256, size, newly_stored). `sha256` saves hashing again when known.

        `copy_of` names a file the bytes were read from: it is copied by the operating system, which
        costs a third of writing the bytes from memory, then hashed again; if the file changed since it
        was read, the bytes in hand are written instead.
        """
        sha = sha256 or hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            return sha, len(data), False
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=f".incoming-{os.getpid()}-")
        try:
            os.close(fd)
            if copy_of is None or not self._copied(copy_of, Path(tmp_name), sha, len(data)):
                with open(tmp_name, "wb") as dst:
                    dst.write(data)
                    dst.flush()
                    os.fsync(dst.fileno())
            return self._commit(Path(tmp_name), sha, len(data))
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)

    @staticmethod
    def _copied(source: Path, tmp: Path, sha256: str, size: int) -> bool:
        """Copy `source` into `tmp` and sync it; True only when the copy has exactly the expected hash."""
        try:
            info = os.stat(source)
            # Only a regular file of the expected size is copied (never a FIFO or a device that never ends).
            if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                return False
            shutil.copyfile(source, tmp)
            digest = hashlib.sha256()
            with open(tmp, "rb+") as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                os.fsync(fh.fileno())
        except OSError:
            return False
        return digest.hexdigest() == sha256

    def _commit(self, tmp: Path, sha: str, size: int) -> tuple[str, int, bool]:
        target = self.path(sha)
        if target.is_file():
            return sha, size, False
        private_dir(target.parent)
        restrict_to_owner(tmp)
        os.replace(tmp, target)
        return sha, size, True

    def read(self, sha256: str) -> bytes:
        """The blob's bytes."""
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to their name."""
        digest = hashlib.sha256()
        with open(self.path(sha256), "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256

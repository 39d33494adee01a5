"""Build backup-shaped zips by hand (valid manifest and seal), so each hostile property is tested on its own."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from desktop_app.backup.archive import FORMAT, FORMAT_VERSION, MANIFEST, SEAL_LENGTH, _write_seal


def reseal(path: Path) -> None:
    """Recompute the seal after bytes were patched (an attacker can always do this; it is not a MAC)."""
    with open(path, "r+b") as fh:
        _write_seal(fh)


def build_zip(
    path: Path,
    members: list[tuple[zipfile.ZipInfo | str, bytes]],
    manifest_names: list[str] | None = None,
    seal: bool = True,
) -> Path:
    """A zip with the given members and a manifest listing them (with their real hashes)."""
    files = []
    for info, data in members:
        name = info.filename if isinstance(info, zipfile.ZipInfo) else info
        if manifest_names is None or name in manifest_names:
            files.append(
                {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "role": "scan"}
            )
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "app_version": "0", "files": files}
    with zipfile.ZipFile(path, "w") as zf:
        for info, data in members:
            zf.writestr(info, data)
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
        zf.comment = b"\0" * SEAL_LENGTH
    if seal:
        reseal(path)
    return path


def patch_all(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes everywhere in the file (local header and directory), same length."""
    assert len(old) == len(new)
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))

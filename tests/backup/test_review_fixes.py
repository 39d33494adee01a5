"""Backups of look-alike names and of namesake applications (found in review)."""

from __future__ import annotations

import io
import time
import unicodedata
from pathlib import Path

from PIL import Image

import desktop_app.usecases.backup as backup
from desktop_app.usecases.scans import Target, attach_bytes


def _jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG")
    return out.getvalue()


def test_names_differing_only_in_unicode_form_still_back_up(services, demo_app: int, tmp_path: Path) -> None:
    name = "证书Café.jpg"
    for form, colour in (("NFC", "red"), ("NFD", "blue")):
        attach_bytes(services, demo_app, Target(None), _jpeg(colour), unicodedata.normalize(form, name))
    result = backup.create_backup(services, demo_app, out_dir=tmp_path)
    assert result.path.exists()
    assert backup.verify_backup(services, result.path).ok


def test_backing_up_a_namesake_application_keeps_the_others_only_backup(
    services, demo_app: int, tmp_path: Path
) -> None:
    backup.set_keep_per_year(services, 1)
    first = backup.create_backup(services, demo_app, out_dir=tmp_path)
    other = backup.restore_backup(services, first.path, allow_duplicate=True).app_id  # 另存为新申报
    time.sleep(1.1)  # backup file names carry the second
    backup.create_backup(services, other, out_dir=tmp_path)
    assert first.path.exists()

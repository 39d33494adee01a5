"""What a packet is made from (PacketSource, ScanAccess, OpenItem) and which image pages it needs prepared
(material_jobs): plain data and Pillow only, so importing files (`attach`) prepares print pictures without
loading the PDF libraries that drawing and merging the packet need (pypdf, reportlab: ~0.1 s to import).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from desktop_app.domain import ApplicationData, Attachment
from desktop_app.errors import UserError
from desktop_app.formspec.model import FormSet
from desktop_app.packet.scan_pages import Normaliser, PrepareJob, freeze_edits
from desktop_app.reference import Reference

log = logging.getLogger(__name__)

RASTER_DPI = 200
RASTER_MAX_SIDE = round(842 * RASTER_DPI / 72)  # an A4 page's long side at that resolution


class MaterialError(UserError):
    """One attachment cannot be placed into the packet."""


@dataclass(frozen=True)
class PacketOptions:
    """Two-sided printing (each part starts on an odd page) and the verification strip."""

    duplex: bool = False
    verify_strip: bool = True
    workers: int = 2
    draft: bool = False


@dataclass(frozen=True)
class OpenItem:
    """One open item of the completeness check, in `check`'s words; `kind` is set for a missing required scan."""

    text: str
    section: str = ""
    entry_id: int | None = None
    kind: str | None = None
    kind_label: str = ""


def _open_pdf_default(path: Path, edits: Mapping[str, Any]) -> list[Any]:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(str(edits.get("pdf_password", "") or "")):
        raise MaterialError("这个 PDF 设置了打开密码，无法放入打印材料", "请在证明材料中输入密码后重试")
    return list(reader.pages)


@dataclass(frozen=True)
class ScanAccess:
    """How scans are read; the use case passes the scans feature's functions (packet cannot import them)."""

    normalise: Normaliser | None = None
    image_pages: Callable[[Path, Mapping[str, Any]], list[int]] = lambda path, edits: [0]
    pdf_pages: Callable[[Path, Mapping[str, Any]], list[Any]] = _open_pdf_default
    # Chosen pages of a PDF attachment (by position among the chosen ones) as upright pictures, one at a
    # time, for pages that cannot be placed as pages (fonts not embedded). None: such a page stops the
    # packet with a message instead.
    pdf_raster: Callable[[Path, Mapping[str, Any], Sequence[int]], Iterable[Image.Image]] | None = None


@dataclass(frozen=True)
class PacketSource:
    """Everything the packet is made from (plain data and file locations, no database)."""

    app: ApplicationData
    forms: FormSet
    reference: Reference
    locate: Callable[[str], Path]
    cache_dir: Path
    scans: ScanAccess = field(default_factory=ScanAccess)
    today: date | None = None
    # The completeness check's errors (the one `find_problems`, asked by the use case): a final packet
    # is written only when there are none; a draft lists them on its first page.
    open_items: tuple[OpenItem, ...] = ()


def image_jobs(att: Attachment, path: Path, source: PacketSource) -> list[PrepareJob]:
    """The pages of one image attachment to prepare (the scans feature counts them, with the chosen pages)."""
    edits = dict(att.edits or {})
    pages = source.scans.image_pages(path, edits)
    frozen = freeze_edits(edits)
    return [
        PrepareJob(path, att.sha256, page, frozen, source.cache_dir, source.scans.normalise) for page in pages
    ]


def material_jobs(source: PacketSource) -> list[PrepareJob]:
    """Every image page the packet needs prepared (also used to prepare in the background after import)."""
    jobs: list[PrepareJob] = []
    for att in source.app.attachments:
        if att.media_type.startswith("image/"):
            try:
                jobs.extend(image_jobs(att, source.locate(att.sha256), source))
            except UserError:
                log.info("skipping unreadable attachment %s in background preparation", att.id)
    return jobs

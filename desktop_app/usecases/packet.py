"""Print packet use cases: join the stored application, the scans feature and the packet pipeline."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from desktop_app.packet.scan_pages import (
    cache_path,
    prepare_many,
)
from desktop_app.packet.source import (
    RASTER_DPI,
    RASTER_MAX_SIDE,
    OpenItem,
    PacketOptions,
    PacketSource,
    ScanAccess,
    material_jobs,
)
from desktop_app.scans import normalise as scan_normalise
from desktop_app.usecases.prepare import (
    IMPORT_PIXELS,
    PixelBudget,
    cache_dir,
    import_page_check,
    normalise_for_print,
)

if TYPE_CHECKING:
    from desktop_app.domain import ApplicationData
    from desktop_app.packet.pipeline import PacketResult
    from desktop_app.services import Services

log = logging.getLogger(__name__)

LATEST_SETTING = "packet.latest_path"
__all__ = [
    "PacketOptions",
    "IMPORT_PIXELS",
    "PixelBudget",
    "cache_dir",
    "default_packet_path",
    "import_page_check",
    "latest_packet",
    "make_packet",
    "normalise_for_print",
    "open_items",
    "packet_source",
    "prepare_attachment_pages",
    "prepared_page_paths",
]


def _image_pages(path: Path, edits: Mapping[str, Any]) -> list[int]:
    with open(path, "rb") as fh:
        head = fh.read(4)
    # Only TIFF has pages; counting them reads the whole file, which 160 photos cannot afford each time.
    count = scan_normalise.image_page_count(path) if head in (b"II*\x00", b"MM\x00*") else 1
    return scan_normalise.selected_pages(edits, count)


def _pdf_pages(path: Path, edits: Mapping[str, Any]) -> list[Any]:
    return scan_normalise.pdf_pages(path, edits)


def _pdf_raster(path: Path, edits: Mapping[str, Any], positions: Sequence[int]) -> Iterator[Image.Image]:
    """Some of a PDF attachment's chosen pages (by position among them) rendered upright with QtPdf, one at a
    time, to fit an A4 page at the packet's raster resolution (a poster-sized page is not rendered huge)."""
    from desktop_app.scans import pdfrender

    data = path.read_bytes()
    password = str(edits.get("pdf_password", "") or "")
    chosen = scan_normalise.selected_pages(edits, scan_normalise.pdf_page_count(data, password))
    return pdfrender.iter_pdf_pages(
        data, edits, RASTER_DPI, pages=[chosen[p] for p in positions], max_side=RASTER_MAX_SIDE
    )


SCAN_ACCESS = ScanAccess(
    normalise=normalise_for_print, image_pages=_image_pages, pdf_pages=_pdf_pages, pdf_raster=_pdf_raster
)


def open_items(services: Services, app_id: int, app: ApplicationData | None = None) -> tuple[OpenItem, ...]:
    """The completeness check's errors (the same `check` as the CLI and the review page), as the packet
    prints them; an item that is a missing required scan carries its kind, so the draft leaves its place."""
    items: list[OpenItem] = []
    for finding in services.check(app_id, app).errors:
        kinds = services.forms.section(finding.section).attachments if finding.section else ()
        kind = next((k for k in kinds if k.key == finding.kind), None)
        items.append(
            OpenItem(
                text=f"{finding.location()}：{finding.message}",
                section=finding.section,
                entry_id=finding.entry_id,
                kind=kind.key if kind else None,
                kind_label=kind.label if kind else "",
            )
        )
    return tuple(items)


def packet_source(services: Services, app_id: int, with_open_items: bool = True) -> PacketSource:
    """What the pipeline needs, read from storage (with the completeness check's open items)."""
    app = services.load(app_id)
    return PacketSource(
        open_items=open_items(services, app_id, app) if with_open_items else (),
        app=app,
        forms=services.forms,
        reference=services.reference,
        locate=services.blobs.path,
        cache_dir=cache_dir(services),
        scans=SCAN_ACCESS,
        today=services.today,
    )


def default_packet_path(services: Services, app_id: int, draft: bool = False) -> Path:
    """Where the app keeps an application's packet (or its draft) unless the person chooses another place."""
    app = services.load(app_id)
    name = str(app.single("basic").get("name") or app.person_name)
    folder = Path(services.home) / "打印材料"
    folder.mkdir(parents=True, exist_ok=True)
    # A draft's name does not end in "-<id>.pdf", so it is never taken for the packet (latest_packet).
    return folder / (f"{app.year}年度职称申报材料-{name}-{app_id}" + ("-草稿.pdf" if draft else ".pdf"))


def make_packet(
    services: Services,
    app_id: int,
    out: Path,
    options: PacketOptions | None = None,
    progress: Callable[[int, int, str], None] = lambda done, total, text: None,
    is_cancelled: Callable[[], bool] = lambda: False,
) -> PacketResult:
    """Build the application's print packet into `out` (the previous file stays until the new one is verified).

    A final packet only when the completeness check has no open item (else IncompletePacketError, nothing
    written); `options.draft` writes a draft marked 草稿 that lists them.
    """
    from desktop_app.packet.pipeline import assemble_packet

    result = assemble_packet(
        packet_source(services, app_id), Path(out), options or PacketOptions(), progress, is_cancelled
    )
    if result.open_items:
        return result  # a draft is no packet: never remembered for the backup
    # Remembered so the automatic backup finds a packet saved outside the default folder too.
    services.repo.set_setting(f"{LATEST_SETTING}.{app_id}", str(Path(result.path).resolve()))
    return result


def latest_packet(services: Services, app_id: int) -> Path | None:
    """The newest successfully written packet PDF of the application that still exists, if any."""
    stored = services.repo.get_setting(f"{LATEST_SETTING}.{app_id}")
    candidates = [Path(stored)] if stored else []
    candidates += list((Path(services.home) / "打印材料").glob(f"*-{app_id}.pdf"))
    candidates = [p for p in candidates if p.is_file()]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


def packet_was_made(services: Services, app_id: int) -> bool:
    """Whether a packet was ever written for the application (its file may since have moved)."""
    return bool(services.repo.get_setting(f"{LATEST_SETTING}.{app_id}"))


def prepared_page_paths(services: Services, app_id: int, sha256: str) -> list[Path]:
    """Where the prepared print pages of one attached image blob are cached (one path per printed page)."""
    jobs = material_jobs(packet_source(services, app_id, with_open_items=False))
    return [cache_path(j.cache_dir, j.sha256, j.page, j.edits) for j in jobs if j.sha256 == sha256]


def prepare_attachment_pages(
    services: Services,
    app_id: int,
    is_cancelled: Callable[[], bool] = lambda: False,
    on_done: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Prepare every scan's print page now (call right after import, in the background); returns how many."""
    jobs = material_jobs(packet_source(services, app_id, with_open_items=False))
    return len(prepare_many(jobs, is_cancelled=is_cancelled, on_done=on_done))

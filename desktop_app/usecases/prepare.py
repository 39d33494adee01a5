"""The import's decode check that prepares each page's print picture on the way (issue 5) and flattens a phone
photo's page (issue 17): kept apart from the packet pipeline so `attach` loads neither pypdf nor reportlab.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from desktop_app.packet.scan_pages import (
    PrepareJob,
    cached,
    decode_scale,
    decoded_for_print,
    fit_for_print,
    freeze_edits,
    needs_rendering,
    print_picture,
    save_prepared,
)
from desktop_app.scans import normalise as scan_normalise
from desktop_app.scans import photos
from desktop_app.scans.intake import PageCheck

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

CACHE_FOLDER = ("cache", "pages")


def normalise_for_print(im: Image.Image, edits: Mapping[str, Any]) -> Image.Image:
    """Upright sRGB picture with the attachment's edits, for an image already decoded (maybe at reduced scale)."""
    return scan_normalise.normalise_decoded(im, edits)


def cache_dir(services: Services) -> Path:
    """Folder of prepared print pages (by blob hash and settings); safe to delete."""
    return Path(services.home).joinpath(*CACHE_FOLDER)


class PixelBudget:
    """Bounds the pixels decoded at once by the import threads (memory ≈ 4 bytes a pixel, twice over while
    a picture is made upright and sRGB). A picture larger than the whole budget waits until it is alone."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._used = 0
        self._free = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        """Wait until `pixels` (at most the whole budget) are free, keep them for the block."""
        need = max(1, min(pixels, self.limit))
        with self._free:
            self._free.wait_for(lambda: self._used + need <= self.limit)
            self._used += need
        try:
            yield
        finally:
            with self._free:
                self._used -= need
                self._free.notify_all()


# Three 300-dpi A4 scans or a dozen half-decoded phone photos at once; the largest page accepted (A4 at
# 600 dpi, 35 MP) with at most a photo beside it. About 160 MB of RGBA at the worst.
IMPORT_PIXELS = PixelBudget(40_000_000)


def import_page_check(
    services: Services,
    sha256: str,
    findings: dict[int, Any] | None = None,
    *,
    card: bool = False,
    missed: list[int] | None = None,
) -> PageCheck:
    """The import's decode check that also prepares the page's print picture (one decode per page).

    Pages printable as they are (upright JPEGs up to 300 dpi) get the plain, cheaper decode check; pages
    already prepared from these very bytes are accepted as they were then. A failure to write the cache
    is not the file's fault: it is logged and the packet prepares the page later.
    With `findings` (issue 17), the first page of a photo is also looked at for a document page: the
    decoded print picture is searched, flattened when the page is found, and cached as the print page of
    that edit; `findings[page]` receives the PageFinding or the reason it was not flattened. `card`: the file
    is an ID card's side, whose page takes the card's proportions (the edit attach_bytes will store).
    `missed` receives the pages whose print picture could not be cached (the caller prepares them later).
    """
    folder = cache_dir(services)

    def check(data: bytes, page: int) -> None:
        job = PrepareJob(data, sha256, page, (), folder, normalise_for_print)
        with scan_normalise.pillow_errors():
            header = scan_normalise.open_page(data, page)  # oversized pages are refused before decoding
            pixels = header.width * header.height // decode_scale(header) ** 2
            look = findings is not None and page == 0 and photos.photo_evidence(header)
            header.close()
            if not look and cached(job) is not None:
                return  # these very bytes were decoded into this print page before: accepted then, accepted now
            render = look or needs_rendering(job)
        if not render:
            scan_normalise.check_decodes(data, page)
            if findings is not None and page == 0:
                findings[page] = photos.NOT_A_PHOTO
            return
        with IMPORT_PIXELS.hold(pixels):
            if look and findings is not None:
                job, picture, findings[page] = _look_and_flatten(job, card)
            else:
                with scan_normalise.pillow_errors():
                    picture = print_picture(job)
                if findings is not None and page == 0:
                    findings[page] = photos.NOT_A_PHOTO
            try:
                save_prepared(job, picture)
            except OSError:
                log.warning("could not cache a print page during import", exc_info=True)
                if missed is not None:
                    missed.append(page)
            del picture  # freed before the budget is given back

    return check


def _look_and_flatten(job: PrepareJob, card: bool) -> tuple[PrepareJob, Image.Image, Any]:
    """A photo's first page: decoded once, the page looked for on a small upright copy and, when found, warped
    straight from the stored pixels (a sideways photo is never turned whole). Returns the job whose print page
    the picture is (with the flatten edit when found), the picture, and what was found (a PageFinding or why not)."""
    from desktop_app.scans import flatten  # OpenCV loads when a photo's page is looked for, not at start-up

    with scan_normalise.pillow_errors(), decoded_for_print(job) as decoded:
        turn = scan_normalise.orientation(decoded)
        stored = scan_normalise.to_srgb(decoded)
    small = flatten.reduced(stored)
    found = flatten.look_for_page(True, small.upright(turn))
    if isinstance(found, photos.PageFinding):
        # The print page of the flattened edit, from the same decode: one more step, not a second decode.
        edit = (found.as_card() if card else found).as_edit()
        flattened = flatten.flatten(stored, edit, turn=turn, small=small)
        return replace(job, edits=freeze_edits({"flatten": edit})), fit_for_print(flattened), found
    return job, fit_for_print(scan_normalise.turned(stored, turn)), found

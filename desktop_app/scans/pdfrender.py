"""Rasterise PDF pages with QtPdf (pypdf cannot render; poppler is not on Windows).

Deliberate, documented exception to "scans never imports Qt": this module uses only QtCore/QtGui/QtPdf
(no widgets, no QApplication needed), and it is imported lazily by the few callers that need pixels.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from PIL import Image

from desktop_app.scans.errors import ScanRefused
from desktop_app.scans.normalise import (
    DAMAGED_PDF,
    NEEDS_PASSWORD,
    Source,
    apply_edits,
    pdf_page_count,
    read_source,
    selected_pages,
)

# A printed A4 page at this resolution stays legible for stamps and small print.
DEFAULT_DPI = 150
# Never build a raster bigger than an A4 page at 600 dpi, whatever the page box claims.
MAX_SIDE = 7016


@contextmanager
def _opened(data: bytes, password: str) -> Iterator[Any]:
    """A loaded QPdfDocument over `data`, closed on exit; raises ScanRefused when it cannot be read."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    if password:
        doc.setPassword(password)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    try:
        if doc.status() != QPdfDocument.Status.Ready:
            if doc.error() == QPdfDocument.Error.IncorrectPassword:
                raise ScanRefused(NEEDS_PASSWORD)
            raise ScanRefused(DAMAGED_PDF)
        yield doc
    finally:
        doc.close()
        buffer.close()


def _render(doc: Any, page_index: int, dpi: int, max_side: int = MAX_SIDE) -> Image.Image:
    """One page of an open QPdfDocument as an RGB picture on white, its long side at most `max_side`
    pixels (a poster-sized page is scaled down, not rendered at full size); raises ScanRefused."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    if not 0 <= page_index < doc.pageCount():
        raise ScanRefused(DAMAGED_PDF)
    points = doc.pagePointSize(page_index)
    width = max(1, round(points.width() * dpi / 72))
    height = max(1, round(points.height() * dpi / 72))
    scale = min(1.0, min(max_side, MAX_SIDE) / max(width, height))
    size = QSize(max(1, round(width * scale)), max(1, round(height * scale)))
    image = doc.render(page_index, size)
    if image.isNull():
        raise ScanRefused(DAMAGED_PDF)
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    raw = bytes(image.constBits())[: image.bytesPerLine() * image.height()]
    rgba = Image.frombuffer(
        "RGBA", (image.width(), image.height()), raw, "raw", "RGBA", image.bytesPerLine(), 1
    )
    page = Image.new("RGB", rgba.size, "white")
    page.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return page


def render_pdf_page(blob: Source, page_index: int, dpi: int = DEFAULT_DPI, password: str = "") -> Image.Image:
    """One PDF page as an RGB picture on white (the page's own /Rotate applied by QtPdf)."""
    with _opened(read_source(blob), password) as doc:
        return _render(doc, page_index, dpi)


def iter_pdf_pages(
    blob: Source,
    edits: Mapping[str, Any] | None = None,
    dpi: int = DEFAULT_DPI,
    pages: Sequence[int] | None = None,
    max_side: int = MAX_SIDE,
) -> Generator[Image.Image, None, None]:
    """The chosen pages of a PDF attachment, rendered one at a time as upright pictures with its rotation and crop.

    The document is opened once; each page is rendered only when asked for and nothing keeps it afterwards, so
    memory holds one page however long the PDF is. `pages` (0-based) skips counting when the caller already has them.
    Consume and close it on the thread that started it: the open document is a Qt object.
    """
    edits = edits or {}
    password = str(edits.get("pdf_password", "") or "")
    data = read_source(blob)
    if pages is None:
        pages = selected_pages(edits, pdf_page_count(data, password))
    with _opened(data, password) as doc:
        for index in pages:
            # No local name for the picture: a suspended generator must not hold the page it handed out.
            yield apply_edits(_render(doc, index, dpi, max_side), edits)

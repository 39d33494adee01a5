"""Place the evidence into the rendered pages (JPEG bytes passed through, PDF pages as pages), add the
outline and the metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    NameObject,
    NumberObject,
    StreamObject,
)

from desktop_app.errors import UserError
from desktop_app.packet.plan import Box, ImageSlot, PageMap, PdfSlot
from desktop_app.packet.sanitize import placeable_copy

SCAN_PREFIX = "/Scan"
PAGE_TOP = 842


class _FileImage(StreamObject):
    """A JPEG image XObject whose bytes are read from its file only while it is written.

    Keeps the merge's memory at one picture instead of the whole packet (160 photos ≈ 100 MB).
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path

    def write_to_stream(self, stream, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._data = self._path.read_bytes()
        try:
            super().write_to_stream(stream, *args, **kwargs)
        finally:
            self._data = b""


def _image_xobject(slot: ImageSlot) -> StreamObject:
    image = _FileImage(slot.path)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(slot.pixel_width),
            NameObject("/Height"): NumberObject(slot.pixel_height),
            NameObject("/ColorSpace"): NameObject("/DeviceGray" if slot.gray else "/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    return image


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _place_images(writer: PdfWriter, page, slots: list[ImageSlot]) -> None:  # type: ignore[no-untyped-def]
    resources = DictionaryObject(page.get("/Resources") or {})
    xobjects = DictionaryObject(resources.get("/XObject") or {})
    ops = []
    for n, slot in enumerate(slots):
        name = f"{SCAN_PREFIX}{n}"
        xobjects[NameObject(name)] = writer._add_object(_image_xobject(slot))
        b = slot.box
        ops.append(f"q {_num(b.w)} 0 0 {_num(b.h)} {_num(b.x)} {_num(b.y)} cm {name} Do Q")
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    content = DecodedStreamObject()
    content.set_data(("\n".join(ops) + "\n").encode("ascii"))
    existing = page.raw_get("/Contents")
    parts = ArrayObject(
        existing.get_object() if isinstance(existing.get_object(), ArrayObject) else [existing]
    )
    # Pictures first, so the header and strip drawn by reportlab stay on top.
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(content), *parts])


class PlacementError(UserError):
    """An imported PDF page could not be merged into the packet."""


def trial_merge(source: Any) -> None:
    """Merge a placeable page onto a blank A4 page in a scratch writer; raises what the real merge would."""
    blank = PdfWriter().add_blank_page(595, 842)
    blank.merge_transformed_page(source, Transformation(), over=False)


def _place_pdf_page(page, slot: PdfSlot) -> None:  # type: ignore[no-untyped-def]
    try:
        _merge_pdf_page(page, slot)
    except Exception as exc:  # noqa: BLE001 - pypdf on a malformed page: name the material, never a traceback
        raise PlacementError(
            f"证明材料“{slot.label}”的 PDF 页面无法放入打印材料",
            "请把该 PDF 打印后扫描成图片，删除原文件后重新添加",
        ) from exc


def _merge_pdf_page(page, slot: PdfSlot) -> None:  # type: ignore[no-untyped-def]
    source = placeable_copy(slot.page)
    visible = source.cropbox
    x0, y0 = float(visible.left), float(visible.bottom)
    width, height = float(visible.width), float(visible.height)
    if width <= 0 or height <= 0:
        return
    # Apply the page's /Rotate (clockwise when shown) to its content, as a viewer would show it upright.
    turn = int(source.rotation or 0) % 360
    transform = Transformation().translate(-x0, -y0)
    if turn == 90:
        transform = transform.rotate(-90).translate(0, width)
    elif turn == 180:
        transform = transform.rotate(180).translate(width, height)
    elif turn == 270:
        transform = transform.rotate(90).translate(height, 0)
    shown_w, shown_h = (height, width) if turn in (90, 270) else (width, height)
    box: Box = slot.box
    scale = min(box.w / shown_w, box.h / shown_h)
    dx = box.x + (box.w - shown_w * scale) / 2
    dy = box.y + (box.h - shown_h * scale) / 2
    page.merge_transformed_page(source, transform.scale(scale, scale).translate(dx, dy), over=False)


def merge(
    rendered: Path,
    page_map: PageMap,
    target: Path,
    metadata: dict[str, str],
    tick: Callable[[int], None] = lambda i: None,
) -> PdfWriter:
    """Combine the rendered pages with the evidence; returns the writer (sanitised and written by the caller)."""
    writer = PdfWriter(clone_from=PdfReader(rendered))
    for index, planned in enumerate(page_map.pages):
        if planned.slots:
            page = writer.pages[index]
            images = [s for s in planned.slots if isinstance(s, ImageSlot)]
            if images:
                _place_images(writer, page, images)
            for slot in planned.slots:
                if isinstance(slot, PdfSlot):
                    _place_pdf_page(page, slot)
        tick(index)
    _add_outline(writer, page_map)
    writer.add_metadata({f"/{k}": v for k, v in metadata.items()})
    writer.page_mode = "/UseOutlines"
    return writer


def _add_outline(writer: PdfWriter, page_map: PageMap) -> None:
    parents: dict[tuple[str, ...], object] = {}
    for mark in page_map.marks:
        parent = parents.get(mark.path[:-1])
        # An explicit position (top of the page, zoom unchanged): viewers such as QtPdf misread a bare /Fit.
        item = writer.add_outline_item(
            title=mark.title,
            page_number=mark.page,
            parent=parent,  # type: ignore[arg-type]
            fit=Fit.xyz(left=0, top=PAGE_TOP, zoom=0),
        )
        parents[mark.path] = item

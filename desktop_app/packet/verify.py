"""Read the written packet back before it replaces the last good one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from desktop_app.errors import UserError
from desktop_app.packet.merge import SCAN_PREFIX
from desktop_app.packet.sanitize import find_active


class PacketVerifyError(UserError):
    """The written PDF did not read back as expected."""


def _resolved(value: Any) -> Any:
    """The object behind an indirect reference (dictionary values from `.get` are not resolved)."""
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def _fonts(resources: object, visited: set[int] | None = None) -> list[DictionaryObject]:
    fonts: list[DictionaryObject] = []
    resources = _resolved(resources)
    visited = set() if visited is None else visited
    if not isinstance(resources, DictionaryObject) or id(resources) in visited:
        return fonts  # nothing to look at, or a form that (maliciously) contains itself
    visited.add(id(resources))
    font_dict = _resolved(resources.get("/Font"))
    if isinstance(font_dict, DictionaryObject):
        fonts.extend(
            f for f in (_resolved(ref) for ref in font_dict.values()) if isinstance(f, DictionaryObject)
        )
    xobjects = _resolved(resources.get("/XObject"))
    if not isinstance(xobjects, DictionaryObject):
        return fonts
    for name, ref in xobjects.items():
        if str(name).startswith(SCAN_PREFIX):
            continue  # our placed JPEGs: parsing them would read ~100 MB of picture data
        xobject = _resolved(ref)
        if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
            fonts.extend(_fonts(xobject.get("/Resources"), visited))
    return fonts


def page_unembedded_fonts(page: Any, seen: set[int] | None = None) -> set[str]:
    """Names of the fonts one page uses whose program is not in the file (standard 14 fonts included).

    Such a page prints with whatever font the printer or viewer substitutes (often empty boxes for
    Chinese), so the packet places it as a picture instead. `seen` skips fonts already checked.
    """
    seen = set() if seen is None else seen
    missing: set[str] = set()
    for font in _fonts(page.get("/Resources")):
        if id(font) in seen:
            continue
        seen.add(id(font))
        descendants = _resolved(font.get("/DescendantFonts"))
        targets = [_resolved(d) for d in descendants] if isinstance(descendants, ArrayObject) else [font]
        for target in targets:
            if not isinstance(target, DictionaryObject) or target.get("/Subtype") == "/Type3":
                continue
            descriptor = _resolved(target.get("/FontDescriptor"))
            if not isinstance(descriptor, DictionaryObject) or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                missing.add(str(target.get("/BaseFont", "?")))
    return missing


def unembedded_fonts(reader: PdfReader) -> set[str]:
    """Names of fonts used by any page whose program is not in the file."""
    missing: set[str] = set()
    seen: set[int] = set()
    for page in reader.pages:
        missing |= page_unembedded_fonts(page, seen)
    return missing


def verify_packet(path: Path, expected_pages: int) -> None:
    """Page count, every font embedded, nothing active; raises PacketVerifyError otherwise."""
    try:
        # A file object, not a path: pypdf would read a path's whole file (~100 MB of scans) into memory.
        with open(path, "rb") as fh:
            reader = PdfReader(fh, strict=False)
            count = len(reader.pages)
            missing = unembedded_fonts(reader)
            active = find_active(reader.trailer["/Root"])
        del reader
    except Exception as exc:
        raise PacketVerifyError(
            "生成的打印材料无法重新读取，未保存", "请重试；如仍失败，请把日志发给技术支持"
        ) from exc
    if count != expected_pages:
        raise PacketVerifyError(
            f"生成的打印材料页数不对（应为 {expected_pages} 页，实际 {count} 页），未保存"
        )
    if missing:
        raise PacketVerifyError(f"生成的打印材料中有未嵌入的字体（{'、'.join(sorted(missing))}），未保存")
    if active:
        raise PacketVerifyError(f"生成的打印材料中仍有活动内容（{'、'.join(sorted(set(active)))}），未保存")

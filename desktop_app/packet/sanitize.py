"""Nothing active survives: no JavaScript, OpenAction, additional actions, launch actions, embedded files
or form fields (an imported PDF's widgets are dropped with its annotations)."""

from __future__ import annotations

from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys that start or carry actions, attached files or interactive forms.
ACTIVE_KEYS = (
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/AcroForm",
    "/RichMedia",
    "/XFA",
    "/URI",
    "/SubmitForm",
    "/ImportData",
)
_CATALOG_KEYS = ("/OpenAction", "/AA", "/AcroForm", "/Names", "/URI")
_PAGE_KEYS = ("/AA", "/Annots")


def clean_page(page: Any) -> Any:
    """Remove a page's actions and annotations (links, widgets, file attachments) before it is merged."""
    for key in _PAGE_KEYS:
        if key in page:
            del page[NameObject(key)]
    return page


def sanitize_writer(writer: PdfWriter) -> None:
    """Strip the document-level and page-level active entries from the output."""
    root = writer._root_object
    for key in _CATALOG_KEYS:
        if key in root:
            del root[NameObject(key)]
    for page in writer.pages:
        clean_page(page)


def find_active(obj: Any, seen: set[int] | None = None, depth: int = 0) -> list[str]:
    """Active keys reachable from an object (dictionaries and arrays walked; stream data not decoded)."""
    seen = set() if seen is None else seen
    found: list[str] = []
    if depth > 64:
        return found
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return found
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ACTIVE_KEYS or (key == "/S" and value in ("/JavaScript", "/Launch")):
                found.append(str(key))
            # Resources hold fonts and pictures (parsing a picture reads its bytes); no action lives there.
            if key in ("/Parent", "/Resources", "/Contents"):
                continue
            found.extend(find_active(value, seen, depth + 1))
    elif isinstance(obj, ArrayObject):
        for item in obj:
            found.extend(find_active(item, seen, depth + 1))
    return found


_SHOW_TEXT = (b"Tj", b"TJ", b"'", b'"')


def _forms_share_page_fonts(resources: DictionaryObject) -> bool:
    """Whether a form on the page draws with the page's own fonts (no resources of its own, or the very
    same dictionary): then the page's content alone does not show which fonts are used."""
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return False
    for ref in xobjects.values():
        xobject = ref.get_object() if ref is not None else None
        if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
            own = xobject.get("/Resources")
            own = own.get_object() if own is not None else None
            if own is None or own is resources:
                return True
    return False


def drop_unused_fonts(page: Any) -> None:
    """Remove page fonts that select a face but never show text with it (reportlab's idle Helvetica),
    so an imported page does not bring a non-embedded font into the packet. The page must belong to a writer."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
    if not fonts:
        return
    fonts = fonts.get_object()
    if (
        not isinstance(fonts, DictionaryObject)
        or not isinstance(resources, DictionaryObject)
        or _forms_share_page_fonts(resources)
    ):
        return
    content = page.get_contents()
    if content is None:
        return
    current = None
    used: set[str] = set()
    for operands, operator in content.operations:
        if operator == b"Tf" and operands:
            current = str(operands[0])
        elif operator in _SHOW_TEXT and current is not None:
            used.add(current)
    unused = {str(name) for name in fonts} - used
    if not unused:
        return
    content.operations = [
        (operands, operator)
        for operands, operator in content.operations
        if not (operator == b"Tf" and operands and str(operands[0]) in unused)
    ]
    page.replace_contents(content)
    for name in unused:
        del fonts[NameObject(name)]


def placeable_copy(page: Any) -> Any:
    """A copy of an imported PDF page in its own writer (pypdf refuses edits on a reader's pages), with
    its actions and annotations removed and its idle fonts dropped: what the merge places."""
    holder = PdfWriter()
    copy = clean_page(holder.add_page(page))
    drop_unused_fonts(copy)
    return copy

"""Numpy views of a Pillow image's own pixel memory, without copying it (issue 17's speed budget).

`np.asarray(image)` packs Pillow's 4-byte RGB pixels into a new 3-byte array, and `Image.fromarray` unpacks them
again: for a half-decoded 12-megapixel photo that is ~20 MB of memory traffic each way before OpenCV reads a
pixel, more than flattening the page costs. Pillow (≥ 11.2) exports an image held in one block of memory as an
Arrow array through `__arrow_c_array__`, whose two C structs are a documented, stable ABI
(https://arrow.apache.org/docs/format/CDataInterface.html); the data buffer's address is all a view needs.
The numpy array keeps the exported array, and with it the image's memory, alive for as long as it lives.

RGB, RGBA and RGBX images view as (height, width, 4) — Pillow keeps RGB pixels as RGBX —, L as (height,
width). Any other mode, an image spread over several blocks (the largest ones), an unexpected layout, a read-only
image (its memory is borrowed: a mapped file, `frombuffer`, `fromarray`) or a Pillow before 13 gives None: the
caller copies instead (`as_array`). Pillow 11.2–12 export the memory of borrowed images and of images with row
alignment wrongly (a crash, or pixels shifted), so only 13 and later are trusted.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

import numpy as np
import PIL
from PIL import Image

log = logging.getLogger(__name__)

_BANDS = {"RGB": 4, "RGBA": 4, "RGBX": 4, "L": 1}


def _trusted_pillow(version: str) -> bool:
    try:
        return int(version.split(".", 1)[0]) >= 13
    except ValueError:
        return False


_EXPORT_TRUSTED = _trusted_pillow(PIL.__version__)


class _ArrowSchema(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArray(ctypes.Structure):
    pass


_ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowArray))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


class _Exported:
    """Owner of an exported image: numpy's base object, so the export (and the image's memory) outlives no view."""

    def __init__(
        self, capsules: tuple[Any, Any], address: int, shape: tuple[int, ...], writable: bool
    ) -> None:
        self._capsules = capsules
        self.__array_interface__ = {
            "shape": shape,
            "typestr": "|u1",
            "data": (address, not writable),
            "version": 3,
        }


def _data_address(schema: _ArrowSchema, array: _ArrowArray, bands: int, pixels: int) -> int | None:
    """The pixel buffer's address when the export has the layout Pillow documents, else None."""
    if bands == 1:  # L: a plain uint8 array of one value a pixel
        if schema.format != b"C" or schema.n_children != 0:
            return None
        leaf = array
    else:  # RGB(A/X): a fixed-size list of 4 uint8 per pixel
        if (
            schema.format != b"+w:4"
            or schema.n_children != 1
            or schema.children[0].contents.format != b"C"
            or array.n_children != 1
            or array.offset != 0
            or array.length != pixels
        ):
            return None
        leaf = array.children[0].contents
    if leaf.length != pixels * bands or leaf.offset != 0 or leaf.n_buffers != 2 or leaf.null_count != 0:
        return None
    address = leaf.buffers[1]
    return int(address) if address else None


def view(im: Image.Image, writable: bool = False) -> np.ndarray | None:
    """The image's own pixels as a numpy array (no copy), or None when they cannot be viewed.

    `writable`: writes go into the image itself — only for an image the caller has just made and owns."""
    if not _EXPORT_TRUSTED or not im.width or not im.height:
        return None
    try:
        im.load()
    except (ValueError, OSError):
        return None
    bands = _BANDS.get(im.mode)
    if bands is None or im.readonly:
        return None
    try:
        capsules = im.__arrow_c_array__()
        schema = ctypes.cast(_capsule_pointer(capsules[0], b"arrow_schema"), ctypes.POINTER(_ArrowSchema))
        array = ctypes.cast(_capsule_pointer(capsules[1], b"arrow_array"), ctypes.POINTER(_ArrowArray))
    except (ValueError, TypeError, OSError, AttributeError):  # several blocks, or not exported by this Pillow
        return None
    address = _data_address(schema.contents, array.contents, bands, im.width * im.height)
    if address is None:
        log.info("Pillow exported %s pixels in an unexpected layout; copying them instead", im.mode)
        return None
    shape = (im.height, im.width, bands) if bands > 1 else (im.height, im.width)
    return np.asarray(_Exported(capsules, address, shape, writable))


def as_array(im: Image.Image) -> np.ndarray:
    """The image's pixels for reading: a view when possible, else a copy ((h, w, 3) for RGB)."""
    pixels = view(im)
    return pixels if pixels is not None else np.asarray(im)


def new_picture(mode: str, size: tuple[int, int]) -> tuple[Image.Image, np.ndarray | None]:
    """A new, uninitialised image (every pixel is to be written) and a writable view of its pixels (None when
    they cannot be viewed: fill an array instead)."""
    im = Image.new(mode, size, None)
    return im, view(im, writable=True)

"""Open stored scans as upright sRGB pictures (or PDF pages) without ever rewriting the stored bytes.

Every Pillow and pypdf failure is translated here, at the boundary, into one ScanRefused with a
Chinese message; callers never see a library exception.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

from desktop_app.scans.errors import PasswordRequired, ScanRefused, Unsupported, WrongPassword

log = logging.getLogger(__name__)

# What an A4 page scanned at 600 dpi needs; anything larger is refused before its pixels are decoded.
MAX_PIXELS = 4961 * 7016
# Multi-page TIFFs and PDFs beyond this are not scans of certificates; refuse rather than churn.
MAX_PAGES = 200

# Pillow warns above MAX_IMAGE_PIXELS and raises at twice that; the warning is made an error too, and
# `_check_size` refuses explicitly (warning filters are process-global and test runners reset them).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
# A truncated file must be refused, never silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

try:  # HEIC/HEIF from iPhones; pi-heif is decode-only and LGPL (pillow-heif wheels are GPL).
    import pi_heif

    pi_heif.register_heif_opener()
    HAS_HEIF = True
except Exception:  # pragma: no cover - the wheel is a dependency; a broken install must not stop imports
    HAS_HEIF = False

Source = bytes | Path

TRUNCATED = "文件不完整：可能没有下载或复制完，请重新下载或重新拍照、扫描后再添加"
BOMB = (
    "图片尺寸过大（{megapixels}），超过 A4 纸 600 dpi 扫描所需的约 3480 万像素，无法安全打开："
    "请把图片缩小后再添加"
)
DAMAGED_IMAGE = "图片文件已损坏，无法读取：请重新拍照或扫描后再添加"
VARIANT = "这种图片的编码方式本程序不支持：请用“画图”等软件另存为 JPG 或 PNG 后再添加"
UNKNOWN_IMAGE = "无法识别这个图片文件：请上传 JPG、PNG、TIFF、BMP、WebP、HEIC 图片或 PDF 文件"
DAMAGED_PDF = "PDF 文件已损坏，无法读取：请重新下载，或打印后扫描成图片再添加"
TOO_MANY_PAGES = "文件共有 {pages} 页，超过 {limit} 页：请只保留需要上传的页面后再添加"
NEEDS_PASSWORD = "这个 PDF 设置了打开密码：请输入密码后再添加"
BAD_PASSWORD = "PDF 密码不正确：请核对密码后重试"
CERTIFICATE_PDF = (
    "这个 PDF 使用数字证书加密，本程序暂不支持：请向出具单位索取未加密的版本，或打印后扫描成图片再添加"
)
NO_PAGES = "PDF 文件里没有页面：请重新下载"


def read_source(source: Source) -> bytes:
    """The bytes of a blob given as bytes or as a file path (read only)."""
    return source if isinstance(source, bytes | bytearray) else Path(source).read_bytes()


@contextmanager
def pillow_errors() -> Iterator[None]:
    """Translate every Pillow failure into one ScanRefused with a Chinese message."""
    try:
        yield
    except ScanRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        detail = f"约 {int(found.group(1)) // 10000:,} 万像素" if found else "像素数过多"
        raise ScanRefused(BOMB.format(megapixels=detail)) from exc
    except UnidentifiedImageError as exc:
        raise ScanRefused(UNKNOWN_IMAGE) from exc
    except OSError as exc:
        if "truncated" in str(exc) or "broken data stream" in str(exc):
            raise ScanRefused(TRUNCATED) from exc
        if "Unsupported" in str(exc) or "not supported" in str(exc):
            raise Unsupported(VARIANT) from exc
        raise ScanRefused(DAMAGED_IMAGE) from exc
    except MemoryError as exc:
        raise ScanRefused(BOMB.format(megapixels="像素数过多")) from exc
    except Exception as exc:  # Pillow plugins raise ValueError, SyntaxError, struct.error, EOFError …
        if isinstance(exc, EOFError):
            raise ScanRefused(TRUNCATED) from exc
        raise ScanRefused(DAMAGED_IMAGE) from exc


def _check_size(im: Image.Image) -> None:
    width, height = im.size
    if width <= 0 or height <= 0:
        raise ScanRefused(DAMAGED_IMAGE)
    if width * height > MAX_PIXELS:
        raise ScanRefused(BOMB.format(megapixels=f"约 {width * height // 10000:,} 万像素"))


def open_image(source: Source) -> Image.Image:
    """Open (header only) an image blob, refusing oversized ones before any pixel is decoded."""
    data = read_source(source)
    with pillow_errors():
        im = Image.open(io.BytesIO(data))
        _check_size(im)
    return im


def open_page(source: Source, page: int = 0) -> Image.Image:
    """Open (headers only) one page of an image blob, refusing an oversized page before decoding it."""
    im = open_image(source)
    if page:
        with pillow_errors():
            im.seek(page)
            _check_size(im)
    return im


def is_animated(im: Image.Image) -> bool:
    """Whether the image is an animation (GIF, APNG, animated WebP), whose first frame is used."""
    return bool(getattr(im, "is_animated", False)) and im.format != "TIFF"


def image_page_count(source: Source) -> int:
    """Pages of an image blob: every page of a TIFF, one for anything else (animations: first frame)."""
    im = open_image(source)
    if im.format != "TIFF":
        return 1
    with pillow_errors():
        return int(getattr(im, "n_frames", 1))


def selected_pages(edits: Mapping[str, Any] | None, count: int) -> list[int]:
    """0-based pages chosen in the edits ("pages": 1-based list), every page when none were chosen."""
    chosen = (edits or {}).get("pages")
    if not chosen:
        return list(range(count))
    return [int(p) - 1 for p in chosen if 1 <= int(p) <= count]


def orientation(im: Image.Image) -> int:
    """The EXIF/TIFF orientation still to apply to the decoded pixels (1..8; 1 when none or unreadable)."""
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a malformed EXIF block must not stop the import: keep the pixels as stored
        log.info("ignoring unreadable EXIF orientation")
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


# Orientation → the transposition that makes the stored pixels upright (as ImageOps.exif_transpose does).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def turned(im: Image.Image, turn: int) -> Image.Image:
    """The pixels of `im` transposed by an EXIF orientation (1: unchanged)."""
    return im.transpose(_TRANSPOSE[turn]) if turn in _TRANSPOSE else im


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF/TIFF orientation exactly once (TIFF load already did it and dropped the tag)."""
    return turned(im, orientation(im))  # already upright: no pixel is copied


def _scale_to_8bit(im: Image.Image) -> Image.Image:
    if im.mode == "F":
        im = im.convert("I")
    low, high = im.convert("I").getextrema() if im.mode != "I" else im.getextrema()
    im = im.convert("I")
    if isinstance(high, int | float) and high > 255:
        im = im.point(lambda v: v * (1 / 256))
    return im.convert("L")


_SRGB = None


def _srgb() -> Any:
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _icc_to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Colour-manage RGB/CMYK pixels into sRGB; a broken profile falls back to a plain conversion."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, source, _srgb(), outputMode="RGB")
            if converted is not None:
                return converted
        except Exception:
            log.info("ignoring unusable ICC profile")
    return im if im.mode == "RGB" else im.convert("RGB")


def to_srgb(im: Image.Image) -> Image.Image:
    """RGB on white: CMYK/YCCK and ICC → sRGB; 16-bit, 1-bit, palette and alpha flattened."""
    icc = im.info.get("icc_profile")
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _scale_to_8bit(im).convert("RGB")
    if mode == "1":
        return im.convert("L").convert("RGB")
    if mode == "P":
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
        mode = im.mode
    if mode in ("LA", "La", "PA", "RGBa", "RGBA"):
        rgba = im.convert("RGBA")
        colour = _icc_to_srgb(rgba.convert("RGB"), icc if mode == "RGBA" else None)
        page = Image.new("RGB", rgba.size, "white")
        page.paste(colour, mask=rgba.getchannel("A"))
        return page
    if mode == "L":
        return im.convert("RGB")
    if mode in ("RGB", "CMYK"):
        return _icc_to_srgb(im, icc)
    return im.convert("RGB")


def apply_edits(im: Image.Image, edits: Mapping[str, Any] | None, turn: int = 1) -> Image.Image:
    """The in-app page flattening (issue 17), rotation (degrees clockwise) and crop (fractions of the upright
    image) of an attachment, in that order.

    `turn` is the EXIF orientation still to apply to `im`: a flattened page is warped straight from the
    stored pixels (the turn folded into the warp, no sideways picture is rotated whole), else `im` is turned first.
    """
    edits = edits or {}
    if isinstance(edits.get("flatten"), Mapping):
        from desktop_app.scans import flatten  # OpenCV loads only when a picture is flattened

        im = flatten.flatten(im, edits["flatten"], turn=turn)
    else:
        im = turned(im, turn)
    turn = int(edits.get("rotate", 0) or 0) % 360
    if turn == 90:
        im = im.transpose(Image.Transpose.ROTATE_270)
    elif turn == 180:
        im = im.transpose(Image.Transpose.ROTATE_180)
    elif turn == 270:
        im = im.transpose(Image.Transpose.ROTATE_90)
    crop = edits.get("crop")
    if crop and len(crop) == 4:
        left, top, right, bottom = (min(1.0, max(0.0, float(v))) for v in crop)
        if right > left and bottom > top:
            w, h = im.size
            im = im.crop((round(left * w), round(top * h), round(right * w), round(bottom * h)))
    return im


def open_normalised(
    source: Source,
    edits: Mapping[str, Any] | None = None,
    page: int = 0,
    max_side: int | None = None,
) -> Image.Image:
    """One page of an image blob as an upright RGB picture on white, with the stored edits applied.

    `max_side` asks for a smaller picture (thumbnails); JPEGs are then decoded at reduced scale.
    """
    data = read_source(source)  # a missing file is not a damaged picture: read outside pillow_errors
    im: Image.Image
    with pillow_errors():
        im = open_page(data, page)
        if max_side and im.format == "JPEG":
            im.draft("RGB", (max_side, max_side))
        im.load()
        turn = orientation(im)
        im = to_srgb(im)
        if max_side:
            im.thumbnail((max_side, max_side))
    return apply_edits(im, edits, turn)


def normalise_decoded(im: Image.Image, edits: Mapping[str, Any] | None = None) -> Image.Image:
    """An already decoded picture (maybe at reduced scale) made upright, sRGB and edited, as open_normalised does."""
    return apply_edits(to_srgb(im), edits, orientation(im))


def check_decodes(source: Source, page: int = 0) -> None:
    """Decode every compressed byte of one page so a truncated or corrupt file fails now, cheaply.

    JPEGs are decoded at 1/8 scale: libjpeg still entropy-decodes the whole stream (truncation and
    corrupt data show up), but skips most of the pixel work; other formats are decoded as they are.
    """
    data = read_source(source)
    with pillow_errors():
        im = open_page(data, page)
        if im.format == "JPEG":
            im.draft(None, (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()
        # Orientation and colour conversion can fail on odd metadata: try them now, on a small copy.
        if im.mode.startswith("I;16"):
            im = im.convert("I")  # 16-bit scans are accepted (printed scaled to 8 bit); reduce() needs 32-bit
        if max(im.size) > 1024 and im.mode in ("RGB", "RGBA", "L", "LA", "CMYK", "I", "F"):
            im = im.reduce(max(1, max(im.size) // 512))
        to_srgb(_upright(im))


# PDFs ---------------------------------------------------------------------------------------------


def _encrypt_filter(reader: Any) -> str:
    try:
        encrypt = reader.trailer["/Encrypt"].get_object()
        return str(encrypt.get("/Filter", "/Standard"))
    except Exception:
        return "/Standard"


def open_pdf(blob: Source, password: str = "", *, strict: bool = False) -> Any:
    """A pypdf reader with the file decrypted (empty user password silently); raises ScanRefused."""
    from pypdf import PdfReader

    data = read_source(blob)
    try:
        reader = PdfReader(io.BytesIO(data), strict=strict)
        encrypted = reader.is_encrypted
    except NotImplementedError as exc:
        # pypdf only knows the password ("Standard") handler; public-key encryption fails while opening.
        if "encryption" in str(exc).lower():
            raise Unsupported(CERTIFICATE_PDF) from exc
        raise ScanRefused(DAMAGED_PDF) from exc
    except Exception as exc:
        raise ScanRefused(DAMAGED_PDF) from exc
    if encrypted:
        if _encrypt_filter(reader) != "/Standard":
            raise Unsupported(CERTIFICATE_PDF)
        try:
            result = reader.decrypt(password or "")
        except NotImplementedError as exc:
            raise Unsupported(CERTIFICATE_PDF) from exc
        except Exception as exc:
            raise ScanRefused(DAMAGED_PDF) from exc
        if not result:
            if password:
                raise WrongPassword(BAD_PASSWORD)
            raise PasswordRequired(NEEDS_PASSWORD)
    return reader


def pdf_page_count(blob: Source, password: str = "") -> int:
    """Number of pages of a PDF blob; raises ScanRefused."""
    reader = open_pdf(blob, password)
    try:
        return len(reader.pages)
    except Exception as exc:
        raise ScanRefused(DAMAGED_PDF) from exc


def pdf_pages(blob: Source, edits: Mapping[str, Any] | None = None) -> list[Any]:
    """The chosen pages (pypdf PageObjects) of a PDF blob, with the attachment's rotation added."""
    edits = edits or {}
    reader = open_pdf(blob, str(edits.get("pdf_password", "") or ""))
    turn = int(edits.get("rotate", 0) or 0) % 360
    try:
        pages = list(reader.pages)
        chosen = [pages[i] for i in selected_pages(edits, len(pages))]
        if turn:
            for page in chosen:
                page.rotate(turn)
    except ScanRefused:
        raise
    except Exception as exc:
        raise ScanRefused(DAMAGED_PDF) from exc
    return chosen


__all__ = [
    "MAX_PAGES",
    "MAX_PIXELS",
    "apply_edits",
    "image_page_count",
    "is_animated",
    "open_image",
    "open_normalised",
    "open_page",
    "open_pdf",
    "pdf_page_count",
    "pdf_pages",
    "pillow_errors",
    "read_source",
    "selected_pages",
    "to_srgb",
]


def exif_in_header(picture: Image.Image) -> Image.Exif:
    """A picture's EXIF without decoding it: Pillow's PNG getexif() reads the whole image to look for an
    eXIf chunk after the pixels (3 s for 30 scans), so a PNG's EXIF counts only where it comes before them."""
    if picture.format != "PNG":
        return picture.getexif()
    exif = Image.Exif()
    raw = picture.info.get("exif")
    if raw:
        exif.load(raw)
    return exif

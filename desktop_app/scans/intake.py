"""Decide whether a file can be a scan: sniff its type, decode every page once, and say what was noticed.

Pure over bytes: nothing is stored here (the use case stores the exact bytes after `examine` accepts them).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.scans import normalise
from desktop_app.scans.errors import ScanRefused, Unsupported
from desktop_app.scans.sniff import IMAGE_TYPES, PDF, describe_unknown, is_html, sniff_media_type

# Files larger than this are not a phone photo or a scanned certificate; refuse before reading them whole.
MAX_FILE_BYTES = 200 * 1024 * 1024

VALIDATION_SIDE = 2048

EMPTY = "文件是空的（0 字节）：请重新下载或重新拍照、扫描"
WEB_PAGE = "这是网页，不是PDF：下载可能已失效，请重新登录网站下载"
WEB_PAGE_IMAGE = "这是网页，不是图片：下载可能已失效，请重新下载"
UNSUPPORTED = "不是支持的文件格式：请上传 JPG、PNG、TIFF、BMP、WebP、HEIC 图片或 PDF 文件"
TOO_BIG = "文件超过 200 MB，不像是一份证件或证书的扫描件：请压缩或只保留需要的页面后再添加"
NOT_READABLE = "无法读取文件：{reason}"

ANIMATED = "这是动图，只使用第一帧"
REPAIRED = "PDF 文件的内部结构有损坏，已自动修复：请核对各页内容是否完整"
HEIF_MISSING = "无法打开 HEIC 照片（缺少解码组件）：请在手机上把照片导出为 JPG 后再添加"


@dataclass(frozen=True)
class Examined:
    """What a file turned out to be: sniffed type, number of pages, and notices to show the person."""

    media_type: str
    pages: int
    notices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_pdf(self) -> bool:
        """Whether the file is a PDF."""
        return self.media_type == PDF


NOT_A_FILE = "{path} 不是普通文件（是管道、设备或套接字），不能作为扫描件：请选择照片、扫描图片或 PDF 文件"
READ_CHUNK = 1 << 20


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ScanRefused(NOT_READABLE.format(reason=f"{path} 是文件夹，请选择其中的文件"))
    if not stat.S_ISREG(mode):
        raise ScanRefused(NOT_A_FILE.format(path=path))


def read_file(path: Path) -> bytes:
    """Read a file the person chose (only read, never modified), refusing what cannot be a scan.

    Only regular files: a FIFO, device or socket is refused before it is opened (opening a FIFO blocks, and
    /dev/zero never ends), and the read itself stops at the size limit whatever `stat` said.
    """
    try:
        _refuse_special(path, os.stat(path).st_mode)
        # O_NONBLOCK: should the path turn into a FIFO after the check, opening it still returns at once.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb", buffering=0) as fh:
            info = os.fstat(fh.fileno())
            _refuse_special(path, info.st_mode)
            if info.st_size > MAX_FILE_BYTES:
                raise ScanRefused(TOO_BIG)
            chunks: list[bytes] = []
            total = 0
            while chunk := fh.read(READ_CHUNK):
                total += len(chunk)
                if total > MAX_FILE_BYTES:
                    raise ScanRefused(TOO_BIG)
                chunks.append(chunk)
            return b"".join(chunks)
    except ScanRefused:
        raise
    except FileNotFoundError as exc:
        raise ScanRefused(NOT_READABLE.format(reason=f"找不到文件 {path}")) from exc
    except IsADirectoryError as exc:
        raise ScanRefused(NOT_READABLE.format(reason=f"{path} 是文件夹，请选择其中的文件")) from exc
    except PermissionError as exc:
        raise ScanRefused(NOT_READABLE.format(reason=f"没有权限读取 {path}")) from exc
    except OSError as exc:
        raise ScanRefused(NOT_READABLE.format(reason=f"{path}（{exc.strerror or '读取出错'}）")) from exc


# Decodes one page of image bytes, raising ScanRefused when it cannot (normalise.check_decodes by default).
PageCheck = Callable[[bytes, int], None]


def examine(data: bytes, password: str = "", check_page: PageCheck | None = None) -> Examined:
    """Accept or refuse a file by its content; every page is decoded once so broken files fail here.

    `check_page` replaces the plain decode check, so a caller that needs the decoded page anyway (the
    print page prepared during import) decodes each page only once.
    """
    if not data:
        raise ScanRefused(EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise ScanRefused(TOO_BIG)
    head = data[:4096]
    media_type = sniff_media_type(head)
    if media_type is None:
        if is_html(head):
            raise ScanRefused(WEB_PAGE)
        what = describe_unknown(head)
        raise Unsupported(f"{what}，{UNSUPPORTED}" if what else UNSUPPORTED)
    if media_type == PDF:
        return _examine_pdf(data, password)
    if media_type in ("image/heif", "image/avif") and not normalise.HAS_HEIF and media_type == "image/heif":
        raise Unsupported(HEIF_MISSING)
    assert media_type in IMAGE_TYPES
    return _examine_image(data, media_type, check_page or normalise.check_decodes)


def _examine_image(data: bytes, media_type: str, check_page: PageCheck) -> Examined:
    im = normalise.open_image(data)
    notices: list[str] = []
    with normalise.pillow_errors():
        animated = normalise.is_animated(im)
        pages = 1 if animated or im.format != "TIFF" else int(getattr(im, "n_frames", 1))
    if pages > normalise.MAX_PAGES:
        raise ScanRefused(normalise.TOO_MANY_PAGES.format(pages=pages, limit=normalise.MAX_PAGES))
    if animated:
        notices.append(ANIMATED)
    for page in range(pages):
        # Decoding is the only way to know the pixels are all there (truncation shows up at load).
        check_page(data, page)
    return Examined(media_type, pages, tuple(notices))


def _examine_pdf(data: bytes, password: str) -> Examined:
    notices: list[str] = []
    try:
        reader = normalise.open_pdf(data, password, strict=True)
    except ScanRefused as exc:
        if type(exc) is not ScanRefused:
            raise  # password and certificate refusals are the same in lenient mode
        reader = normalise.open_pdf(data, password, strict=False)
        notices.append(REPAIRED)
    pages = _check_pages(reader, data, password, notices)
    return Examined(PDF, pages, tuple(notices))


def _check_pages(reader: object, data: bytes, password: str, notices: list[str]) -> int:
    try:
        pages = list(reader.pages)  # type: ignore[attr-defined]
        for page in pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise ValueError("empty page box")
            page.get_contents()
    except Exception as exc:
        if REPAIRED not in notices:
            # Strict parsing accepted the header but a page is broken: retry leniently once.
            notices.append(REPAIRED)
            return _check_pages(normalise.open_pdf(data, password, strict=False), data, password, notices)
        raise ScanRefused(normalise.DAMAGED_PDF) from exc
    if not pages:
        raise ScanRefused(normalise.NO_PAGES)
    if len(pages) > normalise.MAX_PAGES:
        raise ScanRefused(normalise.TOO_MANY_PAGES.format(pages=len(pages), limit=normalise.MAX_PAGES))
    return len(pages)

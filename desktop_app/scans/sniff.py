"""Tell a file's type from its first bytes, never from its name (phones and chat apps mislabel files)."""

from __future__ import annotations

HEAD_SIZE = 4096

IMAGE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/bmp",
    "image/webp",
    "image/heif",
    "image/avif",
    "image/gif",
)
PDF = "application/pdf"

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "image/webp": ".webp",
    "image/heif": ".heic",
    "image/avif": ".avif",
    "image/gif": ".gif",
    PDF: ".pdf",
}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"hevm", b"hevs"}
_AVIF_BRANDS = {b"avif", b"avis"}


def extension_for(media_type: str) -> str:
    """The usual file extension for a sniffed type (".bin" when unknown)."""
    return _EXTENSIONS.get(media_type, ".bin")


def sniff_media_type(head: bytes) -> str | None:
    """The media type from the first bytes of a file, or None when it is not an image or PDF we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head.startswith(b"BM") and len(head) >= 26:
        return "image/bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), 64), 4)}
        if brands & _AVIF_BRANDS:
            return "image/avif"
        if brands & _HEIF_BRANDS:
            return "image/heif"
        return None
    # Some PDF writers and download tools put junk before the header; readers accept it within 1 KB.
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def is_html(head: bytes) -> bool:
    """Whether the bytes are a web page (a failed download saved as .pdf or .jpg)."""
    text = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in text[:2048]:
        return True
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<script", b"<title"))


def describe_unknown(head: bytes) -> str:
    """What a file we refuse most likely is, for the refusal message ("" when nothing is recognised)."""
    if head.startswith(b"PK\x03\x04"):
        return "这是 Word/Excel 文档或压缩包"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "这是旧版 Word/Excel 文档"
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf"):
        return "这是压缩包"
    if head.startswith(b"{\\rtf"):
        return "这是 RTF 文档"
    return ""

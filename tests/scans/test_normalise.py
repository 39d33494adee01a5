"""Scans are shown upright, in sRGB on white, exactly once rotated — judged by pixels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from desktop_app.scans.errors import ScanRefused, Unsupported
from desktop_app.scans.intake import WEB_PAGE, examine
from desktop_app.scans.normalise import open_normalised, pdf_pages
from desktop_app.scans.samples import render_certificate, to_jpeg

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
MARKER = (20, 90, 200)


def _difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def _marker_at_top_left(im: Image.Image) -> bool:
    """The sample certificates carry a blue square in their top-left corner."""
    w, h = im.size
    corner = im.crop((0, 0, w // 6, h // 6)).convert("RGB")
    return any(
        abs(r - MARKER[0]) < 40 and abs(g - MARKER[1]) < 40 and abs(b - MARKER[2]) < 50
        for r, g, b in corner.get_flattened_data()
    )


@pytest.mark.parametrize("orientation", range(2, 9))
def test_exif_orientations_come_out_like_the_upright_original(orientation: int) -> None:
    upright = open_normalised(CORPUS / "images" / "hopper.jpg")
    path = CORPUS / "images" / f"hopper_orientation_{orientation}.jpg"
    as_stored = Image.open(path).convert("RGB")
    shown = open_normalised(path.read_bytes())
    assert _difference(shown, upright) < 10
    assert _difference(as_stored, upright) > 40  # the stored pixels really are turned or mirrored


def test_non_square_exif_rotation_swaps_width_and_height() -> None:
    assert open_normalised(CORPUS / "images" / "orientation_rectangle.jpg").size == (1, 2)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_sideways_phone_photo_is_rotated_exactly_once(fmt: str) -> None:
    page = render_certificate("毕业证书", ["测试"], size=(600, 400))
    jpeg = to_jpeg(page, orientation=6)  # the pixels stored sideways, as a phone held sideways does
    stored = Image.open(io.BytesIO(jpeg))
    assert stored.size[0] < stored.size[1]  # the camera stored it portrait
    if fmt != "JPEG":
        buffer = io.BytesIO()
        stored.save(buffer, fmt, exif=stored.getexif().tobytes())
        data = buffer.getvalue()
    else:
        data = jpeg
    shown = open_normalised(data)
    assert shown.size[0] > shown.size[1]
    assert _marker_at_top_left(shown)


def test_stored_edits_rotate_and_crop_without_touching_the_bytes() -> None:
    data = io.BytesIO()
    render_certificate("证书", ["测试"], size=(600, 400)).save(data, "PNG")
    blob = data.getvalue()
    turned = open_normalised(blob, {"rotate": 90})
    assert turned.size == (400, 600)
    assert _marker_at_top_left(open_normalised(blob, {"rotate": 90}).transpose(Image.Transpose.ROTATE_90))
    assert open_normalised(blob, {"crop": [0, 0, 0.5, 0.5]}).size == (300, 200)


def test_transparency_is_flattened_on_white() -> None:
    im = Image.new("RGBA", (10, 10), (255, 0, 0, 255))
    im.paste((0, 0, 0, 0), (0, 0, 5, 10))
    buffer = io.BytesIO()
    im.save(buffer, "PNG")
    shown = open_normalised(buffer.getvalue())
    assert shown.mode == "RGB"
    assert shown.getpixel((1, 1)) == (255, 255, 255)
    assert shown.getpixel((8, 8)) == (255, 0, 0)


def test_palette_with_transparency_and_one_bit_and_sixteen_bit() -> None:
    assert open_normalised(CORPUS / "images" / "p_trns_single.png").mode == "RGB"
    g4 = open_normalised(CORPUS / "images" / "hopper_g4.tif")
    assert g4.mode == "RGB" and set(g4.get_flattened_data()) <= {(0, 0, 0), (255, 255, 255)}
    sixteen = Image.new("I;16", (4, 1))
    sixteen.putdata([0, 16384, 32768, 65535])
    buffer = io.BytesIO()
    sixteen.save(buffer, "PNG")
    values = [p[0] for p in open_normalised(buffer.getvalue()).get_flattened_data()]
    assert values[0] == 0 and values[-1] == 255 and 120 <= values[2] <= 136


def test_cmyk_and_icc_images_become_srgb() -> None:
    cmyk = open_normalised(CORPUS / "images" / "pil_sample_cmyk.jpg")
    assert cmyk.mode == "RGB" and cmyk.size == (100, 100)
    # Pillow's sample: red in the upper-left corner, black in the opposite one (inverted CMYK would give cyan/white).
    red, green, blue = cmyk.getpixel((0, 0))
    assert red > 200 and green < 60 and blue < 60
    assert max(cmyk.getpixel((99, 99))) < 40
    assert open_normalised(CORPUS / "images" / "icc_profile_big.jpg").mode == "RGB"


def test_heic_from_a_phone_is_decoded() -> None:
    shown = open_normalised(CORPUS / "images" / "avif" / "hopper.heif")
    assert shown.size == (128, 128)
    assert _difference(shown, open_normalised(CORPUS / "images" / "hopper.jpg")) < 15


def test_type_comes_from_content_not_extension(tmp_path: Path) -> None:
    examined = examine((CORPUS / "images" / "hopper.webp").read_bytes())
    assert examined.media_type == "image/webp"
    assert examine((CORPUS / "pdfs" / "crazyones.pdf").read_bytes()).media_type == "application/pdf"


def test_web_page_saved_as_pdf_is_named_as_such() -> None:
    html = b"<!DOCTYPE html>\n<html><head><title>\xe7\x99\xbb\xe5\xbd\x95</title></head><body>session expired</body></html>"
    with pytest.raises(ScanRefused) as info:
        examine(html)
    assert info.value.message == WEB_PAGE
    assert "这是网页，不是PDF：下载可能已失效" in info.value.message


def _pdf_with_trailer_extra(extra_objects: str, trailer_extra: str) -> bytes:
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    if extra_objects:
        objects.append(extra_objects)
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra} /ID [<00><00>] >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return out


def test_certificate_encrypted_pdf_is_not_supported_with_a_message() -> None:
    data = _pdf_with_trailer_extra(
        "<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 >>", "/Encrypt 4 0 R"
    )
    with pytest.raises(Unsupported, match="数字证书加密"):
        examine(data)


def test_pdf_pages_apply_chosen_pages_and_rotation() -> None:
    data = (CORPUS / "pdfs" / "indirect_rotation.pdf").read_bytes()
    pages = pdf_pages(data, {"pages": [2, 4], "rotate": 90})
    assert len(pages) == 2
    assert all(int(p.get("/Rotate", 0)) % 360 == 90 for p in pages)

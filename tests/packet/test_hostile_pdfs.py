"""Odd PDFs and damaged caches never stop the packet with an internal error: pages that cannot be placed
as they are become pictures (the person is told which), damaged cache files are made again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject
from reportlab.pdfgen import canvas

from desktop_app.packet.pipeline import PacketOptions
from desktop_app.packet.verify import unembedded_fonts


def _helvetica_pdf(path: Path, pages: int = 1, size: tuple[float, float] = (595, 842)) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=size)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 20)
        pdf.drawString(72, size[1] - 100, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return path


def _attach(services, app_id, path, pages=""):  # type: ignore[no-untyped-def]
    from desktop_app.usecases.scans import STORED, attach_file, resolve_target

    target = resolve_target(services, app_id, "continuing_education[1]")
    assert attach_file(services, app_id, target, path, pages=pages).status == STORED


@pytest.fixture
def bare_app(services):  # type: ignore[no-untyped-def]
    """The demo application without its scans: only the files a test attaches are placed."""
    from desktop_app.demo import create_demo

    app_id = create_demo(services)
    for attachment in services.load(app_id).attachments:
        services.repo.delete_attachment(attachment.id)
    return app_id


def test_a_page_pypdf_cannot_merge_becomes_a_picture(services, bare_app, tmp_path):
    from desktop_app.usecases.packet import make_packet

    writer = PdfWriter(clone_from=PdfReader(_helvetica_pdf(tmp_path / "base.pdf")))
    writer.pages[0]["/Resources"].get_object()[NameObject("/Font")] = NameObject(
        "/Bogus"
    )  # must be a dictionary
    broken = tmp_path / "结构异常.pdf"
    writer.write(broken)
    _attach(services, bare_app, broken)
    result = make_packet(services, bare_app, tmp_path / "packet.pdf", PacketOptions(draft=True))
    assert result.notices == (
        "证明材料“结构异常.pdf”第 1 页的内部结构有问题，已转为图片放入：请核对打印出来的内容是否完整",
    )
    assert unembedded_fonts(PdfReader(result.path)) == set()


def test_notices_name_the_pages_of_the_file_when_only_some_were_kept(services, bare_app, tmp_path):
    from desktop_app.usecases.packet import make_packet

    _attach(services, bare_app, _helvetica_pdf(tmp_path / "学时证明.pdf", pages=3), pages="1,3")
    result = make_packet(services, bare_app, tmp_path / "packet.pdf", PacketOptions(draft=True))
    # Pages 1 and 3 of the file were kept (positions 1 and 2 among the kept ones).
    assert result.notices == (
        "证明材料“学时证明.pdf”第 1、3 页的字体没有嵌入文件，已转为图片放入：请核对打印出来的文字是否清楚",
    )


def test_a_poster_sized_page_is_rendered_to_fit_a4_not_at_full_size(services, bare_app, tmp_path):
    from desktop_app.usecases.packet import cache_dir, make_packet

    _attach(services, bare_app, _helvetica_pdf(tmp_path / "图纸.pdf", size=(14400, 10000)))
    make_packet(services, bare_app, tmp_path / "packet.pdf", PacketOptions(draft=True))
    (raster,) = cache_dir(services).glob("*.jpg")
    with Image.open(raster) as picture:
        assert max(picture.size) <= 2339  # A4's long side at 200 dpi, however large the page claims to be


def test_an_empty_cache_file_left_by_a_power_cut_is_made_again(services, bare_app, tmp_path):
    from desktop_app.usecases.packet import cache_dir, make_packet
    from desktop_app.usecases.scans import STORED, attach_file, resolve_target

    photo = tmp_path / "继续教育证书.png"
    Image.new("RGB", (1200, 900), (240, 230, 200)).save(photo)
    target = resolve_target(services, bare_app, "continuing_education[1]")
    assert attach_file(services, bare_app, target, photo).status == STORED
    make_packet(services, bare_app, tmp_path / "packet.pdf", PacketOptions(draft=True))
    (cached,) = cache_dir(services).glob("*.jpg")
    cached.write_bytes(b"")  # what a crash right after writing can leave behind
    result = make_packet(services, bare_app, tmp_path / "again.pdf", PacketOptions(draft=True))
    assert result.pages > 0
    with Image.open(cached) as remade:
        remade.load()
        assert remade.size == (1200, 900)


def test_sixteen_bit_scans_are_accepted_whether_or_not_their_print_page_is_cached(
    services, bare_app, tmp_path
):
    from desktop_app.usecases.scans import DUPLICATE, STORED, attach_files, resolve_target

    scan = tmp_path / "继续教育证书.png"
    Image.new("I;16", (2000, 1500), 30000).save(scan)
    target = resolve_target(services, bare_app, "continuing_education[1]")
    (first,) = attach_files(services, bare_app, target, [scan])
    (again,) = attach_files(services, bare_app, target, [scan], allow_duplicate=True)
    assert (first.status, again.status) == (STORED, STORED)
    (duplicate,) = attach_files(services, bare_app, target, [scan])
    assert duplicate.status == DUPLICATE


def test_fonts_used_only_by_a_form_without_resources_of_its_own_are_kept() -> None:
    from desktop_app.packet.sanitize import drop_unused_fonts

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    form = DecodedStreamObject()
    form.set_data(b"BT /F1 12 Tf 72 700 Td (from the form) Tj ET")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(v) for v in (0, 0, 595, 842)]),
        }
    )
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
            NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): writer._add_object(form)}),
        }
    )
    content = DecodedStreamObject()
    content.set_data(b"q /Fm0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    drop_unused_fonts(page)
    # The form (which has no resources of its own) draws with F1: dropping it would lose the text.
    assert "/F1" in page["/Resources"]["/Font"]


def test_a_page_that_cannot_be_merged_is_named_in_chinese(monkeypatch):
    """The failure path names the material by its label (it used to raise AttributeError on the way)."""
    from desktop_app.packet import merge
    from desktop_app.packet.plan import Box, PdfSlot

    def broken_merge(page, slot):  # type: ignore[no-untyped-def]
        raise KeyError("/Resources")

    monkeypatch.setattr(merge, "_merge_pdf_page", broken_merge)
    slot = PdfSlot(attachment_id=1, page=None, box=Box(0, 0, 100, 100), label="职称评审备案表")
    with pytest.raises(merge.PlacementError) as caught:
        merge._place_pdf_page(None, slot)
    assert "职称评审备案表" in caught.value.message

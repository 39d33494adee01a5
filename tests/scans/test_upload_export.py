"""Upload-ready export: JPEG only, under the limit, upright, named by the rule, a folder per section in menu order."""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import pytest
from PIL import Image

from desktop_app.errors import UsageError
from desktop_app.scans.naming import check_name
from desktop_app.usecases.scans import LISTING_NAME, other_kinds, upload_export

MARKER = (20, 90, 200)


def _marker_at_top_left(im: Image.Image) -> bool:
    w, h = im.size
    corner = im.crop((0, 0, w // 5, h // 5)).convert("RGB")
    return any(
        abs(r - MARKER[0]) < 45 and abs(g - MARKER[1]) < 45 and abs(b - MARKER[2]) < 55
        for r, g, b in corner.get_flattened_data()
    )


@pytest.mark.parametrize("max_kb", [2048, 120])
def test_demo_export_is_upload_ready(services, demo_app: int, tmp_path: Path, max_kb: int) -> None:
    out = tmp_path / "upload"
    result = upload_export(services, demo_app, out, max_kb=max_kb)
    assert result.problems == []
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != LISTING_NAME)
    assert len(files) == len(result.files) >= 31
    for path in files:
        assert path.stat().st_size <= max_kb * 1024, path
        with Image.open(path) as im:
            assert im.format == "JPEG" and im.mode == "RGB"
            assert im.getexif().get(0x0112) in (None, 1)  # nothing left for a viewer to rotate again
        section_title = path.parent.name.split("_", 1)[1]
        forms_section = next(s for s in services.forms if s.title == section_title)
        assert re.match(rf"^{forms_section.number:02d}(-\d+)?_{re.escape(section_title)}_", path.name), (
            path.name
        )
        verdict = check_name(
            path.name,
            forms_section.attachments,
            others=other_kinds(services.forms, forms_section.key),
            section_title=section_title,
        )
        assert verdict.level == "ok", (path.name, verdict.problems)
    folders = [p.name for p in sorted(out.iterdir()) if p.is_dir()]
    menu = [s.title for s in services.forms]
    assert [menu.index(f.split("_", 1)[1]) for f in folders] == sorted(
        menu.index(f.split("_", 1)[1]) for f in folders
    )


def test_sideways_phone_photos_come_out_upright(services, demo_app: int, tmp_path: Path) -> None:
    out = tmp_path / "upload"
    upload_export(services, demo_app, out, max_kb=300)
    app = services.load(demo_app)
    photos = [a for a in app.attachments if a.original_name.startswith("IMG_")]
    assert photos, "the demo has phone photos taken sideways"
    for attachment in photos:
        stored = Image.open(services.blobs.path(attachment.sha256))
        assert stored.getexif().get(0x0112) == 6  # stored turned, the tag says "turn right to view"
        exported = next(out.rglob(attachment.display_name.rsplit(".", 1)[0] + ".jpg"))
        with Image.open(exported) as im:
            assert (im.size[0] > im.size[1]) != (stored.size[0] > stored.size[1]), exported.name
            assert _marker_at_top_left(im), exported.name


def test_pdf_becomes_one_jpeg_per_page_and_listing_names_every_file(
    services, demo_app: int, tmp_path: Path
) -> None:
    out = tmp_path / "upload"
    result = upload_export(services, demo_app, out)
    record = [f for f in result.files if "备案表" in f.name]
    assert len(record) == 1 and record[0].name.endswith(".jpg")
    listing = (out / LISTING_NAME).read_text(encoding="utf-8-sig")
    for item in result.files:
        assert f"{item.folder}/{item.name}" in listing
    assert "学历情况\t第1条 昆明理工大学" in listing


def test_export_never_writes_into_a_folder_with_files(services, demo_app: int, tmp_path: Path) -> None:
    out = tmp_path / "upload"
    out.mkdir()
    (out / "我的文件.txt").write_text("保留")
    with pytest.raises(UsageError, match="不是空的"):
        upload_export(services, demo_app, out)
    assert [p.name for p in out.iterdir()] == ["我的文件.txt"]


def test_multi_page_files_give_one_numbered_jpeg_per_chosen_page(
    services, demo_app: int, tmp_path: Path
) -> None:
    from desktop_app.usecases.scans import attach_file, resolve_target

    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    target = resolve_target(services, demo_app, "papers[1]")
    attach_file(services, demo_app, target, corpus / "images" / "multipage.tiff", kind="indexing_proof")
    attach_file(
        services, demo_app, target, corpus / "pdfs" / "indirect_rotation.pdf", kind="paper_text", pages="2,4"
    )
    result = upload_export(services, demo_app, tmp_path / "upload")
    names = sorted(f.name for f in result.files if f.name.startswith("11-1_"))
    assert [n for n in names if "检索证明" in n] == [
        f"11-1_撰写论文情况_检索证明（变频调速技术在县域供水泵站节能改造中的应用）_第{i}页.jpg"
        for i in (1, 2, 3)
    ]
    assert sum(1 for n in names if "论文正文" in n and "_2_第" in n) == 2


def _numbered_pdf(path: Path, pages: int) -> Path:
    """An A4 PDF whose every page is mostly ink, so a rendered page is a full-size picture."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        pdf.setFillColorRGB(0.1 * number, 0.4, 0.8)
        pdf.rect(40, 40, A4[0] - 80, A4[1] - 80, fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.setFont("Helvetica-Bold", 48)
        pdf.drawString(80, A4[1] - 160, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return path


def _app_with_pdf(services, tmp_path: Path, pages: int) -> int:  # type: ignore[no-untyped-def]
    from desktop_app.usecases.scans import STORED, attach_file, resolve_target

    app = services.new_application("张三", 2026)
    pdf = _numbered_pdf(tmp_path / "身份证人像面.pdf", pages)
    outcome = attach_file(services, app, resolve_target(services, app, "basic"), pdf, kind="id_card_front")
    assert outcome.status == STORED, outcome.message
    return app


def test_pdf_pages_are_rendered_one_at_a_time_each_written_before_the_next(
    services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory holds one page however long the PDF: page k+1 is rendered only after page k is on disk and freed."""
    from desktop_app.scans import pdfrender

    pages = 5
    app = _app_with_pdf(services, tmp_path, pages)
    out = tmp_path / "upload"
    rendered: list[weakref.ref[Image.Image]] = []
    on_disk_before: list[
        list[str]
    ] = []  # JPEGs already written (in the work folder) when each page is rendered
    alive_before: list[int] = []  # earlier pages still in memory when each page is rendered
    real_render = pdfrender._render

    def spy(doc, index: int, dpi: int, *args) -> Image.Image:  # type: ignore[no-untyped-def]
        on_disk_before.append(sorted(p.name for p in tmp_path.glob(".upload-*/*/*.jpg")))
        # No gc.collect(): a page must be gone by reference counting alone, not at some later collection.
        alive_before.append(sum(ref() is not None for ref in rendered))
        page = real_render(doc, index, dpi, *args)
        rendered.append(weakref.ref(page))
        return page

    monkeypatch.setattr(pdfrender, "_render", spy)
    result = upload_export(services, app, out)

    assert result.problems == []
    names = [f.name for f in result.files]
    assert names == [f"00_基本信息_身份证人像面_第{k}页.jpg" for k in range(1, pages + 1)]
    assert len(on_disk_before) == pages, "every page goes through the per-page renderer"
    assert on_disk_before == [sorted(names[:k]) for k in range(pages)]
    assert alive_before == [0] * pages
    for item in result.files:
        path = out / item.folder / item.name
        assert path.stat().st_size == item.size <= 2048 * 1024
        with Image.open(path) as im:
            assert im.format == "JPEG" and im.size == (1240, 1754)  # A4 at 150 dpi


def test_a_pdf_page_failing_halfway_leaves_no_part_of_that_file(
    services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.scans import pdfrender
    from desktop_app.scans.errors import ScanRefused
    from desktop_app.scans.normalise import DAMAGED_PDF

    app = _app_with_pdf(services, tmp_path, 4)
    real_render = pdfrender._render

    def third_page_breaks(doc, index: int, dpi: int, *args) -> Image.Image:  # type: ignore[no-untyped-def]
        if index == 2:
            raise ScanRefused(DAMAGED_PDF)
        return real_render(doc, index, dpi, *args)

    monkeypatch.setattr(pdfrender, "_render", third_page_breaks)
    out = tmp_path / "upload"
    result = upload_export(services, app, out)

    assert result.files == []
    assert len(result.problems) == 1 and result.problems[0].endswith(ScanRefused(DAMAGED_PDF).message)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [LISTING_NAME]
    listing = (out / LISTING_NAME).read_text(encoding="utf-8-sig")
    assert "共 0 个文件" in listing and "以下材料未能导出" in listing and "_第1页" not in listing

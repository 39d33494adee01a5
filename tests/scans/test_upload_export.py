"""Upload-ready export: JPEG only, under the limit, upright, named by the rule, a folder per section in menu order."""

from __future__ import annotations

import re
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
    return any(abs(r - MARKER[0]) < 45 and abs(g - MARKER[1]) < 45 and abs(b - MARKER[2]) < 55
               for r, g, b in corner.get_flattened_data())


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
        assert re.match(rf"^{forms_section.number:02d}(-\d+)?_{re.escape(section_title)}_", path.name), path.name
        verdict = check_name(path.name, forms_section.attachments,
                             others=other_kinds(services.forms, forms_section.key), section_title=section_title)
        assert verdict.level == "ok", (path.name, verdict.problems)
    folders = [p.name for p in sorted(out.iterdir()) if p.is_dir()]
    menu = [s.title for s in services.forms]
    assert [menu.index(f.split("_", 1)[1]) for f in folders] == sorted(menu.index(f.split("_", 1)[1]) for f in folders)


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


def test_pdf_becomes_one_jpeg_per_page_and_listing_names_every_file(services, demo_app: int, tmp_path: Path) -> None:
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


def test_multi_page_files_give_one_numbered_jpeg_per_chosen_page(services, demo_app: int, tmp_path: Path) -> None:
    from desktop_app.usecases.scans import attach_file, resolve_target

    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    target = resolve_target(services, demo_app, "papers[1]")
    attach_file(services, demo_app, target, corpus / "images" / "multipage.tiff", kind="indexing_proof")
    attach_file(services, demo_app, target, corpus / "pdfs" / "indirect_rotation.pdf", kind="paper_text", pages="2,4")
    result = upload_export(services, demo_app, tmp_path / "upload")
    names = sorted(f.name for f in result.files if f.name.startswith("11-1_"))
    assert [n for n in names if "检索证明" in n] == [f"11-1_撰写论文情况_检索证明（变频调速技术在县域供水泵站节能改造中的应用）_第{i}页.jpg"
                                                    for i in (1, 2, 3)]
    assert sum(1 for n in names if "论文正文" in n and "_2_第" in n) == 2

"""Tier pages per unit type, hostile attachments, failures and cancels, the CLI, prepared scans."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from desktop_app.packet.pipeline import MissingCharactersError, PacketCancelled, PacketOptions
from desktop_app.packet.sanitize import find_active
from desktop_app.usecases.packet import cache_dir, make_packet, prepare_attachment_pages
from tests.conftest import SHARED
from tests.packet.conftest import outline_items, page_texts

# DESIGN.md's table (guide 二、3 and 二、18), written out here independently of desktop_app.reference.
CHAINS = {
    ("市属国有企事业单位", "市级", "否"): ["基层单位意见（单位）", "主管部门审核意见"],
    ("县区国有企事业单位", "市级", "否"): [
        "基层单位意见（单位）",
        "主管部门审核意见",
        "县（市）区人力资源社会保障部门审核意见",
    ],
    ("非公有制经济组织和社会组织", "市级", "否"): [
        "基层单位意见（单位或人事代理机构）",
        "属地县（市）区人力资源社会保障部门审核意见",
    ],
    ("自由职业者", "市级", "否"): ["基层单位意见（人事代理机构或行业协会）"],
    ("县区国有企事业单位", "市级", "是"): [
        "基层单位意见（劳务派遣公司）",
        "基层单位意见（用人单位）",
        "主管部门审核意见",
        "县（市）区人力资源社会保障部门审核意见",
    ],
    ("市属国有企事业单位", "省级", "否"): [
        "基层单位意见（单位）",
        "主管部门审核意见",
        "市人力资源和社会保障局审核意见",
    ],
}


def _drop_scans(services, app_id):  # type: ignore[no-untyped-def]
    for att in services.load(app_id).attachments:
        services.repo.delete_attachment(att.id)


@pytest.mark.parametrize(("unit_type", "level", "dispatched"), list(CHAINS))
def test_tier_pages_follow_the_applicants_chain(services, demo_app, make, unit_type, level, dispatched):
    _drop_scans(services, demo_app)  # the tier pages do not depend on scans; keeps the test quick
    services.set_answer(demo_app, "cover.unit_type", unit_type)
    services.set_answer(demo_app, "cover.committee_level", level)
    services.set_answer(demo_app, "cover.dispatched", dispatched)
    if dispatched == "是":
        services.set_answer(demo_app, "cover.dispatch_company", "云南人力资源开发有限公司")
    path = make(demo_app, draft=True)
    reader = PdfReader(path)
    outline = outline_items(reader)
    start = next(i for i, (d, t, _) in enumerate(outline) if d == 0 and t == "审核推荐意见")
    tiers = []
    for depth, title, page in outline[start + 1 :]:
        if depth == 0:
            break
        tiers.append((title, page))
    assert [t for t, _ in tiers] == CHAINS[(unit_type, level, dispatched)]
    texts = page_texts(path)
    for title, page in tiers:
        heading = "基层单位意见" if title.startswith("基层单位意见") else title
        assert heading in texts[page]
    publicity = [t for d, t, _ in outline if d == 1 and t.startswith("公示情况（")]
    if dispatched == "是":
        # 双公示: the dispatch company's and the employer's publicity both get a page.
        assert publicity == ["公示情况（劳务派遣公司）", "公示情况（用人单位）"]
        assert "云南人力资源开发有限公司" in texts[tiers[0][1]]
    else:
        assert publicity == []


def _hostile_pdf() -> bytes:
    """A real corpus PDF with JavaScript, an OpenAction, page /AA, a link and an embedded file added."""
    writer = PdfWriter(clone_from=PdfReader(SHARED / "corpus" / "pdfs" / "crazyones.pdf"))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('open');"),
        }
    )
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("js"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    writer.add_attachment("payload.exe", b"MZ not really")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_active_content_of_imported_pdfs_is_stripped(services, demo_app, make):
    from desktop_app.usecases.scans import Target, attach_bytes

    _drop_scans(services, demo_app)
    hostile = _hostile_pdf()
    assert b"/JavaScript" in hostile
    entry = services.repo.entry_ids(demo_app, "education")[0]
    outcome = attach_bytes(
        services, demo_app, Target("education", entry, 1), hostile, "学历证书电子注册备案表.pdf"
    )
    assert outcome.attachment_id is not None
    form = (SHARED / "corpus" / "pdfs" / "acroform_fields.pdf").read_bytes()
    outcome = attach_bytes(services, demo_app, Target("education", entry, 1), form, "毕业证书.pdf")
    assert outcome.attachment_id is not None
    path = make(demo_app, draft=True)
    reader = PdfReader(path)
    assert find_active(reader.trailer["/Root"]) == []
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert all("/Annots" not in page and "/AA" not in page for page in reader.pages)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    # The imported page is placed as a page: its text is still text.
    assert any("crazy" in t.lower() for t in page_texts(path))


def test_failed_or_cancelled_run_leaves_the_last_packet(services, demo_app, tmp_path, monkeypatch):
    out = tmp_path / "packet.pdf"
    make_packet(services, demo_app, out)
    before = out.read_bytes()
    services.set_answer(demo_app, "basic.department", "设备管理部")

    seen: list[str] = []
    with pytest.raises(PacketCancelled):
        make_packet(
            services,
            demo_app,
            out,
            progress=lambda d, t, text: seen.append(text),
            is_cancelled=lambda: len(seen) > 3,
        )
    assert out.read_bytes() == before

    import desktop_app.packet.pipeline as pipeline

    def broken(path, expected):  # type: ignore[no-untyped-def]
        raise pipeline.UserError("模拟的核对失败")

    monkeypatch.setattr(pipeline, "verify_packet", broken)
    with pytest.raises(pipeline.UserError):
        make_packet(services, demo_app, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".packet-work")] == []


def test_a_packet_that_cannot_reach_the_disk_replaces_nothing(services, demo_app, tmp_path, monkeypatch):
    """The sync runs while the file is read back: its failure (a full disk shows only there with delayed
    allocation) still stops the packet, says so, and keeps the last one."""
    import errno

    import desktop_app.packet.pipeline as pipeline
    from desktop_app.os_errors import DiskFullError

    out = tmp_path / "packet.pdf"
    make_packet(services, demo_app, out)
    before = out.read_bytes()
    services.set_answer(demo_app, "basic.department", "设备管理部")
    synced: list[int] = []

    def full_disk(fd: int) -> None:
        synced.append(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.os, "fsync", full_disk)
    with pytest.raises(DiskFullError):
        make_packet(services, demo_app, out)
    assert synced and out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".packet-work")] == []


def test_characters_the_font_lacks_are_reported_before_export(services, demo_app, tmp_path):
    # U+30000 (CJK Extension G, 2020) is in no bundled face; Extension B–F characters print (HanaMinB).
    services.set_answer(demo_app, "basic.department", "\U00030000字研究室")
    out = tmp_path / "packet.pdf"
    with pytest.raises(MissingCharactersError) as caught:
        make_packet(services, demo_app, out)
    assert "\U00030000" in str(caught.value) and "所在部门" in str(caught.value)
    assert "规范汉字" not in str(caught.value) and "改用" not in str(
        caught.value
    )  # a legal name cannot change
    assert not out.exists()


def test_cli_packet_writes_and_reports(services, demo_app, tmp_path, capsys):
    from desktop_app.cli import main

    out = tmp_path / "打印材料.pdf"
    assert main(["packet", str(demo_app), "--out", str(out), "--duplex", "--no-verify-strip"]) == 0
    captured = capsys.readouterr()
    assert "100% 完成" in captured.err and str(out) in captured.out
    assert not any("经核对，与原件一致" in t for t in page_texts(out))
    assert main(["packet", str(demo_app), "--out", str(tmp_path / "x.txt")]) == 2
    assert main(["packet", str(demo_app), "--out", str(tmp_path / "missing" / "x.pdf")]) == 1
    assert "不存在" in capsys.readouterr().err


def _phone_photo(rotated: bool) -> bytes:
    image = Image.new("RGB", (4032, 3024), (200, 180, 150))
    image.paste((20, 20, 120), (0, 0, 400, 300))  # a mark in the stored top-left corner
    exif = Image.Exif()
    if rotated:
        exif[0x0112] = 6  # shown rotated 90° clockwise, as phones store portrait shots
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def test_phone_photos_are_prepared_upright_at_half_scale_once(services, demo_app, make):
    from desktop_app.usecases.scans import Target, attach_bytes

    _drop_scans(services, demo_app)
    entry = services.repo.entry_ids(demo_app, "education")[0]
    for i, rotated in enumerate((True, False, True, False)):
        data = _phone_photo(rotated) + bytes([i])  # distinct blobs
        attach_bytes(services, demo_app, Target("education", entry, 1), data, f"毕业证书{i}.jpg")
    assert prepare_attachment_pages(services, demo_app) == 4
    prepared = sorted(cache_dir(services).glob("*.jpg"))
    assert len(prepared) == 4
    sizes = sorted(Image.open(p).size for p in prepared)
    assert sizes == [(1512, 2016), (1512, 2016), (2016, 1512), (2016, 1512)]
    stamp = {p: p.stat().st_mtime_ns for p in prepared}
    path = make(demo_app, draft=True)
    assert {p: p.stat().st_mtime_ns for p in prepared} == stamp  # reused, not redone
    reader = PdfReader(path)
    images = [
        x.get_object()
        for page in reader.pages
        for x in (page.get("/Resources", {}).get("/XObject") or {}).values()
        if x.get_object().get("/Subtype") == "/Image"
    ]
    assert sorted((int(i["/Width"]), int(i["/Height"])) for i in images) == sizes


def test_scan_already_at_300_dpi_goes_in_untouched(services, demo_app, make):
    from desktop_app.usecases.scans import Target, attach_bytes

    _drop_scans(services, demo_app)
    buffer = io.BytesIO()
    Image.new("L", (2480, 3508), 235).save(buffer, "JPEG", quality=80)
    data = buffer.getvalue()
    entry = services.repo.entry_ids(demo_app, "education")[0]
    attach_bytes(services, demo_app, Target("education", entry, 1), data, "毕业证书.jpg")
    reader = PdfReader(make(demo_app, draft=True))
    streams = [
        x.get_object()
        for page in reader.pages
        for x in (page.get("/Resources", {}).get("/XObject") or {}).values()
        if x.get_object().get("/Subtype") == "/Image"
    ]
    assert len(streams) == 1 and streams[0]._data == data
    assert streams[0]["/ColorSpace"] == "/DeviceGray"


def test_packet_needs_the_cover_fields_that_decide_the_chain(services, demo_app, tmp_path):
    from desktop_app.errors import UserError

    services.set_answer(demo_app, "cover.unit_type", "")
    with pytest.raises(UserError) as caught:
        make_packet(services, demo_app, tmp_path / "p.pdf", PacketOptions())
    assert "单位类型" in str(caught.value)
    assert not Path(tmp_path / "p.pdf").exists()


def test_publicity_page_computes_five_working_days_and_never_says_provisional(services, demo_app, make):
    _drop_scans(services, demo_app)
    services.set_answer(demo_app, "cover.publicity_start", "2026-09-30")
    texts = page_texts(make(demo_app, draft=True))
    publicity = next(t for t in texts if t.startswith("公示情况"))
    # Started the day before the National Day holiday, the five working days end only on 12 October.
    assert "2026年9月30日至2026年10月12日（共 5 个工作日）" in publicity and "暂定" not in publicity
    services.set_answer(demo_app, "cover.publicity_start", "2099-06-15")
    texts = page_texts(make(demo_app, "later.pdf", draft=True))
    publicity = next(t for t in texts if t.startswith("公示情况"))
    # Nothing provisional is printed on a page the unit signs (issues 12 and 13).
    assert "暂定" not in publicity and "仅供参考" not in publicity
    assert "2099年6月15日至2099年6月19日（共 5 个工作日）" in publicity


def test_missing_scan_file_is_named_and_nothing_is_written(services, demo_app, tmp_path):
    from desktop_app.packet.pipeline import MaterialError

    app = services.load(demo_app)
    victim = next(a for a in app.attachments if a.media_type.startswith("image/"))
    services.blobs.path(victim.sha256).unlink()
    out = tmp_path / "packet.pdf"
    with pytest.raises(MaterialError) as caught:
        make_packet(services, demo_app, out)
    assert victim.display_name in str(caught.value) and "重新添加" in str(caught.value)
    assert not out.exists()


def test_a_draft_without_scans_leaves_a_placeholder_where_each_required_scan_belongs(
    services, demo_app, make
):
    _drop_scans(services, demo_app)
    path = make(demo_app, draft=True)
    outline = outline_items(PdfReader(path))
    top = [title for depth, title, _ in outline if depth == 0]
    assert top == [
        "尚未完善的项目",
        "封面",
        "材料目录",
        "职称申报承诺书",
        "申报表",
        "审核推荐意见",
        "公示情况",
        "专业技术工作总结",
        "证明材料",
    ]
    evidence = re.sub(
        r"\s", "", "".join(page_texts(path)[next(p for d, t, p in outline if t == "证明材料") :])
    )
    assert "此处应附：毕业证书（尚未上传）" in evidence and "此处应附：身份证人像面（尚未上传）" in evidence
    # Without an imported 承诺书, its page says where to get it (guide 二、19).
    commitment = next(page for _, title, page in outline if title == "职称申报承诺书")
    assert "信用中国（云南昆明）" in re.sub(r"\s", "", page_texts(path)[commitment])

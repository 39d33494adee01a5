"""The packet a committee clerk accepts (issue 12): final only when complete, drafts that say so, seals
that fit, nothing cut, the parts real forms have, and every legal name printed."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from typing import Any

import pytest
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.packet.verify import unembedded_fonts
from tests.packet.conftest import outline_items, page_texts

MM = 72 / 25.4
LONG_UNIT = ("云南省昆明市" + "高新技术产业开发区" * 10 + "综合能源与智能制造研究院有限责任公司")[:100]
LONG_COMMITTEE = ("云南省" + "工程技术" * 12 + "高级职称评审委员会")[:60]


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def _drop_scans(services, app_id):  # type: ignore[no-untyped-def]
    for att in services.load(app_id).attachments:
        services.repo.delete_attachment(att.id)


# Final only when complete -----------------------------------------------------------------------


def test_an_incomplete_application_gets_no_final_packet_but_a_draft_that_says_so(services, tmp_path, capsys):
    app_id = services.new_application("张新", 2026)
    services.set_answer(app_id, "cover.unit_type", "市属国有企事业单位")
    folder = tmp_path / "输出"
    folder.mkdir()
    out = folder / "打印材料.pdf"
    assert main(["packet", str(app_id), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    open_count = len(services.check(app_id).errors)
    assert f"尚有 {open_count} 项未完善，不能生成正式打印材料" in err
    assert "基本信息 身份证号：必填项，尚未填写" in err  # the first items, in check's words
    assert not out.exists() and not list(folder.iterdir())  # nothing written, no work folder left

    draft = folder / "草稿.pdf"
    assert main(["packet", str(app_id), "--draft", "--out", str(draft)]) == 0
    assert "已生成草稿" in capsys.readouterr().err
    texts = page_texts(draft)
    assert all("草稿" in t for t in texts)
    everything = _squeeze("".join(texts))
    assert "尚未填写" in everything and "此处应附" in everything
    first = _squeeze(texts[0])
    for finding in services.check(app_id).errors:  # the first pages list every open item
        assert _squeeze(f"{finding.location()}：{finding.message}") in _squeeze("".join(texts[:4]))
    assert first.startswith("尚未完善的项目")
    assert "本人无此项" not in everything  # nothing was marked 无此项
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(draft)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_the_final_demo_packet_has_no_draft_words_and_prints_本人无此项_where_chosen(
    services, demo_app, make
):
    for entry_id in services.repo.entry_ids(demo_app, "patents"):
        services.repo.delete_entry(entry_id)
    services.set_not_applicable(demo_app, "patents", True)
    assert services.check(demo_app).is_ready
    path = make(demo_app)
    everything = _squeeze("".join(page_texts(path)))
    assert "草稿" not in everything and "尚未填写" not in everything and "此处应附" not in everything
    declaration = page_texts(path)
    patents = next(
        page for depth, title, page in outline_items(PdfReader(path)) if title == "八、获得专利情况"
    )
    assert "八、获得专利情况本人无此项" in _squeeze(declaration[patents] + declaration[patents + 1])
    # Nothing addressed to the applicant on the pages others sign (tier, 公示 and summary pages).
    outline = outline_items(PdfReader(path))
    starts = {title: page for depth, title, page in outline if depth == 0}
    signed = _squeeze("".join(declaration[starts["审核推荐意见"] : starts["证明材料"]]))
    for phrase in ("请按实际", "未填写，请", "指南", "暂定", "仅供参考"):
        assert phrase not in signed, phrase


def test_a_dispatched_applicants_draft_has_the_agreement_placeholder_and_two_seal_places(
    services, demo_app, make
):
    services.set_answer(demo_app, "cover.dispatched", "是")
    services.set_answer(demo_app, "cover.dispatch_company", "云南人力资源开发有限公司")
    with pytest.raises(Exception) as caught:
        make(demo_app)  # the 劳务派遣协议 is required and missing
    assert "尚有" in str(caught.value) and "劳务派遣协议" in str(caught.value)
    path = make(demo_app, "draft.pdf", draft=True)
    texts = page_texts(path)
    assert any("此处应附：劳务派遣协议（尚未上传）" in _squeeze(t) for t in texts)
    evidence = [t for t in texts if "经核对，与原件一致" in t]
    assert evidence and all("（劳务派遣公司盖章）" in t and "（用人单位盖章）" in t for t in evidence)
    outline = [title for depth, title, _ in outline_items(PdfReader(path))]
    assert "基层单位意见（劳务派遣公司）" in outline and "基层单位意见（用人单位）" in outline
    assert not any("（（" in t or "））" in t for t in outline)  # no doubled brackets


# Nothing cut ----------------------------------------------------------------------------------------


def test_the_longest_unit_and_committee_names_print_whole_everywhere(services, demo_app, make):
    assert len(LONG_UNIT) == 100 and len(LONG_COMMITTEE) == 60
    services.set_answer(demo_app, "basic.unit", LONG_UNIT)
    services.set_answer(demo_app, "cover.committee_level", "省级")
    services.set_answer(demo_app, "cover.committee", LONG_COMMITTEE)
    services.set_answer(demo_app, "cover.supervisor", LONG_UNIT)
    work = services.repo.entry_ids(demo_app, "work_history")[0]
    services.set_entry(demo_app, "work_history", work, {"unit": LONG_UNIT})
    import io

    from PIL import Image

    from desktop_app.usecases.scans import Target, attach_bytes

    buffer = io.BytesIO()
    Image.new("L", (1240, 1754), 230).save(buffer, "JPEG", quality=80)
    entry = services.repo.entry_ids(demo_app, "education")[0]
    attach_bytes(
        services, demo_app, Target("education", entry, 1), buffer.getvalue(), f"{LONG_UNIT}.jpg", kind=""
    )
    assert services.check(demo_app).is_ready
    path = make(demo_app)
    texts = [_squeeze(t) for t in page_texts(path)]
    outline = outline_items(PdfReader(path))
    pages = {title: page for depth, title, page in outline if depth <= 1}
    assert LONG_UNIT in texts[0] and LONG_COMMITTEE in texts[0]  # the cover
    tier_pages = [page for depth, title, page in outline if depth == 1 and "意见" in title]
    publicity = [i for i, t in enumerate(texts) if t.startswith("公示情况")]
    assert len(tier_pages) >= 3 and publicity
    for page in [*tier_pages, *publicity]:
        assert LONG_UNIT in texts[page] and LONG_COMMITTEE in texts[page], page
    declaration = "".join(texts[pages["申报表"] : pages["审核推荐意见"]])
    assert LONG_UNIT in declaration and LONG_COMMITTEE in declaration
    # A material named by its 100-character file name: whole in its bookmark, its 目录 line and its
    # evidence header; every 目录 line is a whole bookmark title (no “…”).
    titles = [title for _, title, _ in outline]
    stored = next(a for a in services.load(demo_app).attachments if a.original_name == f"{LONG_UNIT}.jpg")
    material = stored.display_name.rsplit(".", 1)[0]  # the file name as stored (the import keeps it short)
    assert len(material) >= 60 and material in titles and not any("…" in t for t in titles)
    toc = "".join(texts[pages["材料目录"] : pages["职称申报承诺书"]])
    assert all(_squeeze(t) in toc for t in titles)
    page = next(p for _, title, p in outline if title == material)
    assert texts[page].startswith("二、学历情况·第1条") and material in texts[page]


def test_form_limits_accept_the_long_names_and_refuse_longer_ones(services, demo_app):
    from desktop_app.errors import InvalidValueError

    services.set_answer(demo_app, "cover.committee", LONG_COMMITTEE)
    with pytest.raises(InvalidValueError):
        services.set_answer(demo_app, "cover.committee", LONG_COMMITTEE + "甲")
    with pytest.raises(InvalidValueError):
        services.set_answer(demo_app, "basic.unit", LONG_UNIT + "甲")


# Seals that fit (measured on the canvas) -------------------------------------------------------------


class _Recorder:
    """Wraps reportlab's canvas drawing calls: circles and text with their font sizes, page by page."""

    def __init__(self) -> None:
        self.pages: list[dict[str, list[Any]]] = [{"circles": [], "texts": []}]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from reportlab.pdfgen.canvas import Canvas

        recorder = self
        original_circle, original_draw, original_show = Canvas.circle, Canvas.drawString, Canvas.showPage

        def circle(canvas, x, y, r, *args, **kwargs):  # type: ignore[no-untyped-def]
            recorder.pages[-1]["circles"].append((x, y, r))
            return original_circle(canvas, x, y, r, *args, **kwargs)

        def draw(canvas, x, y, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            from reportlab.pdfbase.pdfmetrics import stringWidth

            width = stringWidth(text, canvas._fontname, canvas._fontsize)
            recorder.pages[-1]["texts"].append((x, y, width, canvas._fontsize, text))
            return original_draw(canvas, x, y, text, *args, **kwargs)

        def show(canvas):  # type: ignore[no-untyped-def]
            recorder.pages.append({"circles": [], "texts": []})
            return original_show(canvas)

        monkeypatch.setattr(Canvas, "circle", circle)
        monkeypatch.setattr(Canvas, "drawString", draw)
        monkeypatch.setattr(Canvas, "showPage", show)


def _inside(circle: tuple[float, float, float], x: float, y: float) -> bool:
    cx, cy, r = circle
    return math.hypot(x - cx, y - cy) < r


def _image_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    data = page.get_contents().get_data()
    found = re.findall(rb"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /Scan\d+ Do Q", data)
    return [(float(x), float(y), float(w), float(h)) for w, h, x, y in found]


def test_seal_places_are_46_mm_circles_with_labels_outside_and_nothing_else_inside(
    services, demo_app, make, monkeypatch
):
    services.set_answer(demo_app, "cover.dispatched", "是")
    services.set_answer(demo_app, "cover.dispatch_company", LONG_UNIT)
    recorder = _Recorder()
    recorder.install(monkeypatch)
    path = make(demo_app, draft=True)
    reader = PdfReader(path)
    pages = recorder.pages[: len(reader.pages)]
    circles = [c for p in pages for c in p["circles"]]
    assert len(circles) >= 10
    assert sum(len(_image_boxes(p)) for p in reader.pages) >= 20  # the scans whose clearance is measured
    assert min(2 * r for _, _, r in circles) >= 46 * MM - 0.01
    for index, page in enumerate(pages):
        boxes = _image_boxes(reader.pages[index])
        for circle in page["circles"]:
            cx, cy, r = circle
            assert cy - r > 40 and r <= cx <= 595 - r  # clear of the page number (at 26 pt) and on the page
            for bx, by, bw, bh in boxes:  # clear of the scan
                nearest_x, nearest_y = min(max(cx, bx), bx + bw), min(max(cy, by), by + bh)
                assert math.hypot(nearest_x - cx, nearest_y - cy) >= r, index
        for x, y, width, size, text in page["texts"]:
            corners = [(x, y), (x + width, y), (x, y + size * 0.9), (x + width, y + size * 0.9)]
            for circle in page["circles"]:
                if "盖章" in text:
                    assert size >= 8 and not any(_inside(circle, *c) for c in corners), text
                elif any(_inside(circle, *c) for c in corners):
                    assert _squeeze(text) == "年月日", (
                        index,
                        text,
                    )  # only the date the seal is stamped across
    labels = [(t[3], t[4]) for p in pages for t in p["texts"] if "盖章" in t[4]]
    assert labels and min(size for size, _ in labels) >= 8


# Every legal name prints --------------------------------------------------------------------------


def test_a_name_with_an_extension_b_character_prints_with_every_font_embedded(services, demo_app, make):
    services.set_answer(demo_app, "basic.name", "吉𠮷")
    path = make(demo_app)
    texts = page_texts(path)
    assert "吉𠮷" in _squeeze(texts[0]) and "吉𠮷" in _squeeze("".join(texts))
    reader = PdfReader(path)
    assert unembedded_fonts(reader) == set()
    fonts = {
        str(f.get_object()["/BaseFont"])
        for p in reader.pages
        for f in (p.get("/Resources", {}).get("/Font") or {}).values()
    }
    assert any(name.endswith("HanaMinB") and "+" in name for name in fonts)  # embedded as a subset
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


# The parts real forms have -----------------------------------------------------------------------


def test_the_forms_have_photo_signature_phone_unit_head_verification_and_publicity_fields(
    services, demo_app, make
):
    services.set_answer(demo_app, "cover.publicity_method", "在本单位张贴公示")
    services.set_answer(demo_app, "cover.publicity_objection_contact", "单位人事科 0871-67123456")
    services.set_answer(demo_app, "cover.publicity_result", "公示期满，无异议")
    path = make(demo_app)
    texts = [_squeeze(t) for t in page_texts(path)]
    outline = outline_items(PdfReader(path))
    pages = {title: page for depth, title, page in outline if depth == 0}
    mobile = str(services.load(demo_app).single("basic").get("mobile"))
    assert "联系电话" in texts[0] and mobile in texts[0]
    declaration = texts[pages["申报表"] : pages["审核推荐意见"]]
    assert "贴照片处" in declaration[0]
    assert "申报人（签名）" in declaration[-1] and "年月日" in declaration[-1]
    unit = texts[next(p for d, t, p in outline if t.startswith("基层单位意见"))]
    assert "单位负责人（签名）" in unit
    summary = "".join(texts[pages["专业技术工作总结"] : pages["证明材料"]])
    assert "经审核，情况属实" in summary and "（单位盖章）" in summary
    publicity = texts[pages["公示情况"]]
    for item in (
        "公示方式在本单位张贴公示",
        "公示地点",
        "公示期",
        "异议受理部门及电话单位人事科0871-67123456",
        "公示结果公示期满，无异议",
    ):
        assert item in publicity, item
    # A directly employed applicant: no 自由职业 rows, no 劳务派遣公司 row.
    everything = "".join(declaration)
    assert "劳务派遣公司" not in everything and "推荐机构" not in everything


def test_an_attached_photo_sits_in_the_photo_box(services, demo_app, make, tmp_path):
    import io

    from PIL import Image

    from desktop_app.usecases.scans import Target, attach_bytes

    buffer = io.BytesIO()
    Image.new("RGB", (413, 579), (90, 120, 200)).save(buffer, "JPEG", quality=90)
    entry = services.repo.single_entry_id(demo_app, "basic")
    outcome = attach_bytes(
        services, demo_app, Target("basic", entry, None), buffer.getvalue(), "证件照.jpg", kind="photo"
    )
    assert outcome.attachment_id is not None
    path = make(demo_app)
    reader = PdfReader(path)
    first = next(p for d, t, p in outline_items(reader) if t == "申报表")
    boxes = _image_boxes(reader.pages[first])
    assert len(boxes) == 1
    x, y, w, h = boxes[0]
    assert abs(h - 49 * MM) < 1 and w <= 35 * MM + 0.5  # the 二寸 box
    assert "贴照片处" not in page_texts(path)[first]


def test_an_entry_longer_than_a_page_keeps_its_number_and_a_shorter_one_moves_whole() -> None:
    from desktop_app.packet.flow import Cell, Flow, Table
    from desktop_app.packet.fonts import register_fonts
    from desktop_app.packet.layout import Text

    register_fonts()
    flow = Flow(continued_title="六、完成主要专业技术工作情况")
    table = Table((40.0, 443.0), header=(Cell("序号"), Cell("内容")), size=8.5, leading=11.5)
    flow.y -= 630  # little room left on the first page
    short = "负责方案设计与现场调试。" * 40  # a few lines: moves to the next page whole
    long = "负责方案设计与现场调试，" * 700  # longer than a page: split, its number repeated
    rows = [(Cell("1"), Cell(short)), (Cell("2"), Cell(long))]
    flow.table(table, rows, {0: 1, 1: 1})
    texts = [[op.text for op in sheet.ops if isinstance(op, Text)] for sheet in flow.sheets]
    assert len(flow.sheets) >= 3
    assert "1" not in texts[0] and "1" in texts[1]  # the short entry was not split
    continued = ["".join(t) for t in texts[2:]]
    assert all("第2条（续）" in page for page in continued), continued
    assert all("六、完成主要专业技术工作情况（续）" in page for page in continued)


def test_dates_and_web_addresses_never_wrap_in_the_middle() -> None:
    from desktop_app.packet.fonts import register_fonts
    from desktop_app.packet.layout import wrap

    register_fonts()
    for width in range(130, 300, 7):
        lines = wrap("毕业于2004年07月01日，网址（https://credit.km.gov.cn）", width, size=10)
        assert any("2004年07月01日" in line for line in lines)
        assert any("https://credit.km.gov.cn" in line for line in lines)


def test_the_pdf_carries_its_real_creation_date(demo_app, make) -> None:
    from datetime import datetime

    reader = PdfReader(make(demo_app))
    created = reader.metadata.creation_date
    assert created is not None and created.year == datetime.now().year


def test_a_freelancers_tier_and_publicity_pages_name_the_recommending_agency(services, demo_app, make):
    services.set_answer(demo_app, "cover.unit_type", "自由职业者")
    services.set_answer(demo_app, "basic.is_freelancer", "是")
    services.set_answer(demo_app, "basic.freelance_started_on", "2018-03")
    services.set_answer(demo_app, "basic.recommending_agency", "昆明市人才服务中心")
    path = make(demo_app, draft=True)
    texts = [_squeeze(t) for t in page_texts(path)]
    outline = outline_items(PdfReader(path))
    signed = [p for d, t, p in outline if t.startswith("基层单位意见")] + [
        i for i, t in enumerate(texts) if t.startswith("公示情况")
    ]
    assert len(signed) == 2
    for page in signed:
        assert "推荐机构昆明市人才服务中心" in texts[page] and "工作单位" not in texts[page]


def test_the_covers_rules_never_cross_a_wrapped_long_value(services, demo_app):
    """Each line of a wrapped 工作单位 or 评审委员会 has its rule under it, not through the next line."""
    from desktop_app.packet.form_pages import cover_part
    from desktop_app.packet.layout import Line, Text

    services.set_answer(demo_app, "basic.unit", LONG_UNIT)
    services.set_answer(demo_app, "cover.committee_level", "省级")
    services.set_answer(demo_app, "cover.committee", LONG_COMMITTEE)
    [page] = cover_part(services.load(demo_app), services.forms).pages
    texts = [op for op in page.ops if isinstance(op, Text)]
    rules = [op for op in page.ops if isinstance(op, Line) and op.y1 == op.y2]
    wrapped = [t for t in texts if t.text and (t.text in LONG_UNIT or t.text in LONG_COMMITTEE)]
    assert len(wrapped) >= 4  # both values wrap over several lines
    for text in wrapped:
        glyphs = (text.y - 0.12 * text.size, text.y + 0.88 * text.size)  # descent to ascent
        crossing = [r for r in rules if glyphs[0] <= r.y1 <= glyphs[1] and r.x1 < text.x < r.x2]
        assert not crossing, f"a rule crosses “{text.text}”"

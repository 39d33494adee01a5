"""The demo application's print packet, opened and checked the way a reviewer and a printer would."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from desktop_app.packet.sanitize import find_active
from desktop_app.packet.verify import unembedded_fonts
from tests.packet.conftest import outline_items, page_texts

SECTIONS = (
    "现有职称情况",
    "学历情况",
    "学习经历",
    "工作经历",
    "专业技术工作总结",
    "完成主要专业技术工作情况",
    "承担课题（项目）情况",
    "获得专利情况",
    "获得表彰奖励情况",
    "撰写著作情况",
    "撰写论文情况",
    "参加继续教育和国际学术活动情况",
    "年度考核情况（近五年）",
)
PARTS = (
    "封面",
    "材料目录",
    "职称申报承诺书",
    "申报表",
    "审核推荐意见",
    "公示情况",
    "专业技术工作总结",
    "证明材料",
)


def test_demo_packet_has_every_section_and_tier_as_text(demo_app, make):
    path = make(demo_app)
    texts = page_texts(path)
    everything = "\n".join(texts)
    for title in SECTIONS:
        assert title in everything, title
    reader = PdfReader(path)
    top = [title for depth, title, _ in outline_items(reader) if depth == 0]
    assert top == list(PARTS)
    # The demo applicant works at a county state-owned unit: unit → 主管部门 → county HR office, in this order.
    tiers = [(title, page) for depth, title, page in outline_items(reader) if depth == 1 and "意见" in title]
    assert [t for t, _ in tiers] == [
        "基层单位意见（单位）",
        "主管部门审核意见",
        "县（市）区人力资源社会保障部门审核意见",
    ]
    unit_page = re.sub(r"\s", "", texts[tiers[0][1]])
    for item in (
        "推荐方式",
        "参与推荐的人员范围及人数",
        "推荐意见",
        "意见形成情况",
        "公示情况",
        "单位负责人（签名）",
        "（单位盖章）",
    ):
        assert item in unit_page
    for _, page in tiers:
        assert (
            "审核人（签名）" in texts[page]
            and "年月日" in re.sub(r"\s", "", texts[page])
            and "盖章）" in texts[page]
        )
    assert "宜良县人力资源和社会保障局" in texts[tiers[2][1]]
    assert "李明远" in texts[0] and "高级工程师" in texts[0]
    assert reader.metadata.title == "李明远 2026年度职称申报材料"
    assert reader.metadata.author == "李明远"


def _toc_lines(texts: list[str], first: int, count: int) -> list[tuple[str, int]]:
    words = [w.strip() for t in texts[first : first + count] for w in t.split("\n") if w.strip()]
    words = [w for w in words[1:] if not w.startswith("第 ")]  # words[0] is the page title 材料目录
    lines: list[tuple[str, int]] = []
    pending = ""
    for word in words:
        match = re.fullmatch(r"(.*?)\s*(\d+)", word)
        if match and (pending or match.group(1)):
            lines.append(((pending + " " + match.group(1)).strip(), int(match.group(2))))
            pending = ""
        elif re.fullmatch(r"\d+", word) and pending:
            lines.append((pending, int(word)))
            pending = ""
        else:
            pending = word
    return lines


def test_toc_bookmarks_and_printed_page_numbers_agree(demo_app, make):
    path = make(demo_app)
    reader = PdfReader(path)
    texts = page_texts(path)
    total = len(reader.pages)
    for index, text in enumerate(texts):
        assert f"第 {index + 1} 页 共 {total} 页" in text
    outline = outline_items(reader)
    toc_start = next(page for depth, title, page in outline if title == "材料目录")
    toc_end = next(page for depth, title, page in outline if title == "职称申报承诺书")
    toc = _toc_lines(texts, toc_start, toc_end - toc_start)
    assert len(toc) == len(outline)
    for (toc_title, number), (_, title, page) in zip(toc, outline, strict=True):
        assert title.startswith(toc_title.rstrip("…")), (toc_title, title)
        assert number == page + 1, title
    # Each bookmark lands on the page that shows what it names.
    for depth, title, page in outline:
        if depth >= 1 and title.endswith("审核意见"):
            assert title.replace("审核意见", "") in texts[page]


def test_packet_is_printable_and_safe(demo_app, make):
    path = make(demo_app)
    reader = PdfReader(path)
    assert unembedded_fonts(reader) == set()
    assert find_active(reader.trailer["/Root"]) == []
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    out = path.parent / "render"
    out.mkdir()
    subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(path), str(out / "p")], check=True, capture_output=True
    )
    assert len(list(out.glob("p-*.png"))) == len(reader.pages)


def test_duplex_starts_every_part_on_an_odd_page(demo_app, make):
    path = make(demo_app, duplex=True)
    reader = PdfReader(path)
    starts = [page for depth, _, page in outline_items(reader) if depth == 0]
    assert all(page % 2 == 0 for page in starts)  # 0-based even index = odd printed number
    assert any("此页无正文" in t for t in page_texts(path))


def test_evidence_pages_carry_header_and_verification_strip(demo_app, make):
    path = make(demo_app)
    reader = PdfReader(path)
    outline = outline_items(reader)
    evidence = next(page for depth, title, page in outline if depth == 0 and title == "证明材料")
    texts = page_texts(path)
    assert all("经核对，与原件一致" in t for t in texts[evidence:])
    assert not any("经核对，与原件一致" in t for t in texts[:evidence])
    id_page = next(page for _, title, page in outline if title == "身份证（人像面、国徽面）")
    xobjects = reader.pages[id_page]["/Resources"]["/XObject"]
    assert len([k for k in xobjects if xobjects[k].get_object()["/Subtype"] == "/Image"]) == 2
    plain = make(demo_app, "plain.pdf", verify_strip=False)
    assert not any("经核对，与原件一致" in t for t in page_texts(plain))


def test_text_of_imported_pdf_stays_text(demo_app, make, services):
    """A PDF attachment (the demo's 备案表) is placed as a page: its words can still be selected."""
    app = services.load(demo_app)
    assert any(a.media_type == "application/pdf" for a in app.attachments)
    texts = page_texts(make(demo_app))
    assert any("教育部学历证书电子注册备案表" in t and "经核对" in t for t in texts)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is installed by make test's system step")
def test_qpdf_is_available():
    assert shutil.which("pdftoppm")


def _government_style_pdf(path, pages):  # type: ignore[no-untyped-def]
    """A PDF as online systems make them: Chinese in STSong-Light and Latin in Helvetica, neither embedded.

    `pages` lists, per page, whether it uses those fonts (True) or only the embedded Noto Sans SC (False).
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from desktop_app.packet.fonts import register_fonts

    regular, _bold = register_fonts()
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), initialFontName=regular)
    for number, unembedded in enumerate(pages, start=1):
        if unembedded:
            pdf.setFont("STSong-Light", 22)
            pdf.drawString(72, 700, f"继续教育学时证明 第{number}页")
            pdf.setFont("Helvetica", 14)
            pdf.drawString(72, 660, "Certificate No. 2025-001")
        else:
            pdf.setFont(regular, 22)
            pdf.drawString(72, 700, f"嵌入字体的页面 第{number}页")
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_pages_whose_fonts_are_not_embedded_are_placed_as_pictures(demo_app, services, tmp_path):
    from desktop_app.usecases.packet import make_packet
    from desktop_app.usecases.scans import STORED, attach_file, resolve_target

    source = _government_style_pdf(tmp_path / "继续教育学时证明.pdf", [False, True])
    target = resolve_target(services, demo_app, "continuing_education[1]")
    assert attach_file(services, demo_app, target, source).status == STORED
    result = make_packet(services, demo_app, tmp_path / "packet.pdf")
    reader = PdfReader(result.path)
    assert unembedded_fonts(reader) == set()  # the packet prints the same on any printer
    assert result.notices == (
        "证明材料“继续教育学时证明.pdf”第 2 页的字体没有嵌入文件，已转为图片放入："
        "请核对打印出来的文字是否清楚",
    )
    texts = page_texts(result.path)
    first = next(i for i, t in enumerate(texts) if "嵌入字体的页面 第1页" in t)
    assert "经核对" in texts[first]  # page 1 stays a page: its words can still be selected
    second = reader.pages[first + 1]
    xobjects = second["/Resources"]["/XObject"]
    assert any(xobjects[k].get_object()["/Subtype"] == "/Image" for k in xobjects)  # page 2: a picture
    assert "继续教育学时证明" not in texts[first + 1] and "经核对" in texts[first + 1]
    check = subprocess.run(["qpdf", "--check", str(result.path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_demo_packet_needs_no_notices(demo_app, services, tmp_path):
    from desktop_app.usecases.packet import make_packet

    # The demo's 备案表 lists reportlab's idle Helvetica but never draws with it: it stays a page.
    assert make_packet(services, demo_app, tmp_path / "packet.pdf").notices == ()


def test_cli_tells_which_pdf_pages_became_pictures(demo_app, services, tmp_path, capsys):
    from desktop_app.cli import main

    source = _government_style_pdf(tmp_path / "继续教育学时证明.pdf", [True])
    assert main(["attach", str(demo_app), "continuing_education[1]", str(source)]) == 0
    assert main(["packet", str(demo_app), "--out", str(tmp_path / "打印材料.pdf")]) == 0
    err = capsys.readouterr().err
    assert "请注意：证明材料“继续教育学时证明.pdf”第 1 页的字体没有嵌入文件，已转为图片放入" in err

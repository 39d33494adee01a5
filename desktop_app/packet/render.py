"""Draw the planned pages with reportlab: form pages, tier pages, evidence headers and strips, footers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop_app.packet.evidence import EVIDENCE_MARGIN_X, HEADER_BASELINE, STRIP_BOTTOM, STRIP_HEIGHT
from desktop_app.packet.fonts import BOLD, REGULAR, register_fonts
from desktop_app.packet.layout import PAGE_HEIGHT, PAGE_WIDTH, Circle, Line, Op, Rect, Text, fit_text
from desktop_app.packet.plan import PageMap, PlannedPage

# Binary image and stream data: ASCII85 makes files 25% larger and encoding 40× slower.
rl_config.useA85 = 0

STRIP_ITEMS = ("经核对，与原件一致", "审核人：", "日期：", "（盖章）")
BLANK_NOTE = "（此页无正文）"


def footer_text(number: int, total: int) -> str:
    """The printed page number."""
    return f"第 {number} 页 共 {total} 页"


def render_pages(page_map: PageMap, target: Path, title: str, author: str,
                 tick: Callable[[int], None] = lambda i: None) -> None:
    """Write every page's drawing into one PDF; evidence pictures are placed later by the merge step."""
    register_fonts()
    # Starting with the embedded face keeps reportlab from adding an unused, non-embedded Helvetica.
    canvas = Canvas(str(target), pagesize=A4, pageCompression=1, initialFontName=REGULAR, initialFontSize=10,
                    invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    total = page_map.total
    for index, page in enumerate(page_map.pages):
        _draw_page(canvas, page)
        canvas.setFillGray(0)
        canvas.setFont(REGULAR, 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, 26, footer_text(page_map.number(index), total))
        canvas.showPage()
        tick(index)
    canvas.save()


def _draw_page(canvas: Canvas, page: PlannedPage) -> None:
    canvas.setFont(REGULAR, 10)
    if page.blank:
        canvas.setFillGray(0.4)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, BLANK_NOTE)
    for op in page.ops:
        _draw(canvas, op)
    if page.header:
        _draw_header(canvas, page.header)
    if page.strip:
        _draw_strip(canvas)


def _draw(canvas: Canvas, op: Op) -> None:
    if isinstance(op, Text):
        canvas.setFillGray(0)
        canvas.setFont(op.font, op.size)
        if op.align == "center":
            canvas.drawCentredString(op.x, op.y, op.text)
        elif op.align == "right":
            canvas.drawRightString(op.x, op.y, op.text)
        else:
            canvas.drawString(op.x, op.y, op.text)
    elif isinstance(op, Line):
        canvas.setLineWidth(op.width)
        canvas.setDash(*op.dash) if op.dash else canvas.setDash()
        canvas.line(op.x1, op.y1, op.x2, op.y2)
        canvas.setDash()
    elif isinstance(op, Rect):
        canvas.setLineWidth(op.width)
        canvas.setDash(*op.dash) if op.dash else canvas.setDash()
        if op.fill is not None:
            canvas.setFillGray(op.fill)
        canvas.rect(op.x, op.y, op.w, op.h, stroke=1 if op.stroke else 0, fill=0 if op.fill is None else 1)
        canvas.setDash()
        canvas.setFillGray(0)
    elif isinstance(op, Circle):
        canvas.setLineWidth(op.width)
        canvas.setDash(*op.dash) if op.dash else canvas.setDash()
        canvas.circle(op.x, op.y, op.r, stroke=1, fill=0)
        canvas.setDash()


def _draw_header(canvas: Canvas, text: str) -> None:
    width = PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X
    size = fit_text(text, width, BOLD, 10.5, 7)
    canvas.setFillGray(0)
    canvas.setFont(BOLD, size)
    canvas.drawString(EVIDENCE_MARGIN_X, HEADER_BASELINE, text)
    canvas.setLineWidth(0.6)
    canvas.line(EVIDENCE_MARGIN_X, HEADER_BASELINE - 6, PAGE_WIDTH - EVIDENCE_MARGIN_X, HEADER_BASELINE - 6)


def _draw_strip(canvas: Canvas) -> None:
    """The reviewer's strip: 经核对，与原件一致 · 审核人 · 日期 · （盖章）."""
    x, y = EVIDENCE_MARGIN_X, STRIP_BOTTOM
    w, h = PAGE_WIDTH - 2 * EVIDENCE_MARGIN_X, STRIP_HEIGHT
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    base = y + h / 2 - 4
    canvas.setFont(BOLD, 11)
    canvas.drawString(x + 10, base, STRIP_ITEMS[0])
    canvas.setFont(REGULAR, 10.5)
    canvas.drawString(x + 150, base, STRIP_ITEMS[1])
    canvas.line(x + 190, base - 3, x + 285, base - 3)
    canvas.drawString(x + 298, base, STRIP_ITEMS[2])
    canvas.line(x + 328, base - 3, x + 420, base - 3)
    canvas.setDash(3, 3)
    canvas.rect(x + w - 92, y + 4, 86, h - 8, stroke=1, fill=0)
    canvas.setDash()
    canvas.drawCentredString(x + w - 49, base, STRIP_ITEMS[3])

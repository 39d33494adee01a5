"""Draw the planned pages with reportlab: form pages, tier pages, evidence headers and strips, footers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop_app.packet.fonts import BOLD, REGULAR, register_fonts, runs
from desktop_app.packet.layout import PAGE_HEIGHT, PAGE_WIDTH, Circle, Line, Op, Rect, Text, width_of
from desktop_app.packet.plan import PageMap, PlannedPage

# Binary image and stream data: ASCII85 makes files 25% larger and encoding 40× slower.
rl_config.useA85 = 0

BLANK_NOTE = "（此页无正文）"
DRAFT_MARK = "草稿·未完善"
DRAFT_LINE = "草稿·未完善：本材料尚有未完善的项目，不能作为正式申报材料"


def footer_text(number: int, total: int) -> str:
    """The printed page number."""
    return f"第 {number} 页 共 {total} 页"


def render_pages(
    page_map: PageMap,
    target: Path,
    title: str,
    author: str,
    tick: Callable[[int], None] = lambda i: None,
    draft: bool = False,
) -> None:
    """Write every page's drawing into one PDF; evidence pictures are placed later by the merge step.

    A draft carries a light diagonal “草稿·未完善” and a line saying so at the top of every page.
    """
    register_fonts()
    # Starting with the embedded face keeps reportlab from adding an unused, non-embedded Helvetica.
    # Not invariant: the file carries its real creation date.
    canvas = Canvas(str(target), pagesize=A4, pageCompression=1, initialFontName=REGULAR, initialFontSize=10)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    total = page_map.total
    for index, page in enumerate(page_map.pages):
        _draw_page(canvas, page)
        if draft:
            _draw_draft_mark(canvas)
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


def _draw_text(canvas: Canvas, op: Text) -> None:
    """A line of text, each character in the first bundled face that has it (CJK Extension B+ fallback)."""
    pieces = runs(op.text, op.font)
    width = sum(width_of(text, font, op.size) for font, text in pieces)
    x = op.x - width / 2 if op.align == "center" else op.x - width if op.align == "right" else op.x
    for font, text in pieces:
        canvas.setFont(font, op.size)
        canvas.drawString(x, op.y, text)
        x += width_of(text, font, op.size)


def _draw_draft_mark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillGray(0.35)
    canvas.setFont(REGULAR, 8)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 16, DRAFT_LINE)
    canvas.setFillAlpha(0.16)
    canvas.setFillGray(0)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(52)
    canvas.setFont(BOLD, 84)
    canvas.drawCentredString(0, -30, DRAFT_MARK)
    canvas.restoreState()


def _draw(canvas: Canvas, op: Op) -> None:
    if isinstance(op, Text):
        canvas.setFillGray(0)
        _draw_text(canvas, op)
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

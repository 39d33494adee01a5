"""Top-to-bottom placement of headings, paragraphs and ruled tables, breaking pages as needed.

Rows too tall for the space left are split at line boundaries and continued on the next page, with
the section's title ("（续）") and the table's header row repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.packet.layout import (
    BOLD,
    BOTTOM,
    CONTENT_WIDTH,
    MARGIN_X,
    REGULAR,
    TOP,
    Rect,
    Sheet,
    Text,
    wrap,
)

CELL_PAD_X = 4.0
CELL_PAD_Y = 4.0


@dataclass(frozen=True)
class Cell:
    """One cell: text, how many columns it spans, bold/shaded for labels and headers."""

    text: str
    span: int = 1
    bold: bool = False
    shade: float | None = None
    align: str = "left"


@dataclass(frozen=True)
class Table:
    """Column widths (points) and an optional header row repeated on every page."""

    widths: tuple[float, ...]
    header: tuple[Cell, ...] = ()
    size: float = 9.0
    leading: float = 12.5


class Flow:
    """Lays blocks out on as many A4 pages as they need."""

    def __init__(self, continued_title: str = "") -> None:
        self.sheets: list[Sheet] = []
        self.continued_title = continued_title
        self.y = TOP
        self._table: Table | None = None
        self._number = ""
        self._new_sheet(first=True)

    @property
    def sheet(self) -> Sheet:
        """The page being filled."""
        return self.sheets[-1]

    def _new_sheet(self, first: bool = False) -> None:
        self.sheets.append(Sheet())
        self.y = TOP
        if not first and self.continued_title:
            self.sheet.ops.append(Text(MARGIN_X, self.y - 11, f"{self.continued_title}（续）", BOLD, 11))
            self.y -= 24
        if not first and self._table is not None and self._table.header:
            self._draw_row(self._table, self._table.header, self._layout_row(self._table, self._table.header))

    def remaining(self) -> float:
        """Height left on the current page."""
        return self.y - BOTTOM

    def ensure(self, height: float) -> None:
        """Break the page unless `height` points are left."""
        if self.remaining() < height:
            self._new_sheet()

    def skip(self, height: float) -> None:
        """Vertical space (never carried over to a new page)."""
        self.y -= min(height, self.remaining())

    def title(self, text: str, size: float = 18.0) -> None:
        """A centred page title."""
        self.ensure(size * 3)
        self.sheet.ops.append(Text(MARGIN_X + CONTENT_WIDTH / 2, self.y - size, text, BOLD, size, "center"))
        self.y -= size * 2.2

    def heading(self, text: str, size: float = 12.5, keep: float = 60.0) -> None:
        """A left-aligned heading kept together with `keep` points of what follows."""
        self.ensure(size * 2 + keep)
        self.sheet.ops.append(Text(MARGIN_X, self.y - size, text, BOLD, size))
        self.y -= size * 1.9

    def paragraph(
        self,
        text: str,
        size: float = 10.5,
        leading: float = 18.0,
        indent: float = 0.0,
        first_indent: bool = False,
        font: str = REGULAR,
    ) -> None:
        """Wrapped text; Chinese paragraphs may start with a two-character indent."""
        for paragraph in text.split("\n"):
            lead = "\u3000\u3000" if first_indent and paragraph.strip() else ""
            for line in wrap(lead + paragraph.strip(), CONTENT_WIDTH - indent, font, size):
                self.ensure(leading)
                self.sheet.ops.append(Text(MARGIN_X + indent, self.y - size, line, font, size))
                self.y -= leading

    # Tables -----------------------------------------------------------------------------------

    def table(self, table: Table, rows: list[tuple[Cell, ...]], groups: dict[int, int] | None = None) -> None:
        """A ruled table; rows taller than the space left are split and continued.

        `groups` maps a row index to how many rows from there belong together (one entry's rows): they
        move to the next page whole when they fit on one page.
        """
        self._table = table
        self._number = ""
        try:
            if table.header:
                header_lines = self._layout_row(table, table.header)
                first = self._row_height(table, header_lines) + self._row_height(table, [[""]])
                self.ensure(first)
                self._draw_row(table, table.header, header_lines)
            for index, row in enumerate(rows):
                count = (groups or {}).get(index, 1)
                if count > 1:
                    height = sum(
                        self._row_height(table, self._layout_row(table, r))
                        for r in rows[index : index + count]
                    )
                    if self.remaining() < height <= self._page_room(table):
                        self._new_sheet()
                self._place_row(table, row)
        finally:
            self._table = None
        self.y -= 6

    def _cells_x(self, table: Table, row: tuple[Cell, ...]) -> list[tuple[float, float]]:
        spans: list[tuple[float, float]] = []
        x = MARGIN_X
        col = 0
        for cell in row:
            w = sum(table.widths[col : col + cell.span])
            spans.append((x, w))
            x += w
            col += cell.span
        return spans

    def _layout_row(self, table: Table, row: tuple[Cell, ...]) -> list[list[str]]:
        return [
            wrap(cell.text, w - 2 * CELL_PAD_X, BOLD if cell.bold else REGULAR, table.size)
            for cell, (_, w) in zip(row, self._cells_x(table, row), strict=True)
        ]

    def _row_height(self, table: Table, lines: list[list[str]]) -> float:
        return max(len(cell_lines) for cell_lines in lines) * table.leading + 2 * CELL_PAD_Y

    def _page_room(self, table: Table) -> float:
        """Height a continued page offers below its repeated title and header row."""
        header = self._row_height(table, self._layout_row(table, table.header)) if table.header else 0.0
        return TOP - BOTTOM - (24 if self.continued_title else 0) - header

    def _place_row(self, table: Table, row: tuple[Cell, ...]) -> None:
        if row[0].text.isdigit():
            self._number = row[0].text  # continuation lines name the entry they belong to
        lines = self._layout_row(table, row)
        while True:
            height = self._row_height(table, lines)
            if height <= self.remaining():
                self._draw_row(table, row, lines)
                return
            fits = int((self.remaining() - 2 * CELL_PAD_Y) // table.leading)
            # A row that fits a page moves there whole; only rows longer than a page are split.
            if fits < 3 or height <= self._page_room(table):
                self._new_sheet()
                if self._row_height(table, lines) <= self.remaining():
                    continue
                fits = int((self.remaining() - 2 * CELL_PAD_Y) // table.leading)
            head = [cell_lines[:fits] for cell_lines in lines]
            self._draw_row(table, row, head)
            lines = [cell_lines[fits:] or [""] for cell_lines in lines]
            if self._number and (not row[0].text.strip() or row[0].text == self._number):
                # The entry's number goes with its continuation: “第N条（续）”.
                width = self._cells_x(table, row)[0][1] - 2 * CELL_PAD_X
                lines[0] = wrap(
                    f"第{self._number}条（续）", width, BOLD if row[0].bold else REGULAR, table.size
                )
            self._new_sheet()

    def _draw_row(self, table: Table, row: tuple[Cell, ...], lines: list[list[str]]) -> None:
        height = self._row_height(table, lines)
        top = self.y
        for cell, (x, w), cell_lines in zip(row, self._cells_x(table, row), lines, strict=True):
            self.sheet.ops.append(Rect(x, top - height, w, height, fill=cell.shade))
            font = BOLD if cell.bold else REGULAR
            text_height = len(cell_lines) * table.leading
            # Short cells are centred vertically, as on printed official forms.
            y = top - (height - text_height) / 2 - table.size
            for line in cell_lines:
                if cell.align == "center":
                    self.sheet.ops.append(Text(x + w / 2, y, line, font, table.size, "center"))
                else:
                    self.sheet.ops.append(Text(x + CELL_PAD_X, y, line, font, table.size))
                y -= table.leading
        self.y = top - height

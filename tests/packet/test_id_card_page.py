"""Issue 17: an ID card photographed front and back prints at its true size, 85.6 × 54 mm, on one page."""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ContentStream

from tests.packet.conftest import outline_items

MM = 72 / 25.4


def _placed_images(reader: PdfReader, index: int) -> list[tuple[float, float]]:
    """Width and height (points) at which each picture is drawn on a page, read from its content stream."""
    page = reader.pages[index]
    xobjects = page["/Resources"]["/XObject"]
    sizes: list[tuple[float, float]] = []
    stack: list[list[float]] = []
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [
                a * A + b * C,
                a * B + b * D,
                c * A + d * C,
                c * B + d * D,
                e * A + f * C + E,
                e * B + f * D + F,
            ]
        elif operator == b"Do" and xobjects[operands[0]].get_object()["/Subtype"] == "/Image":
            sizes.append((abs(ctm[0]) + abs(ctm[2]), abs(ctm[1]) + abs(ctm[3])))
    return sizes


def test_flattened_id_card_photos_print_at_true_size(demo_app, make):
    reader = PdfReader(make(demo_app))
    id_page = next(page for _, title, page in outline_items(reader) if title == "身份证（人像面、国徽面）")
    placed = _placed_images(reader, id_page)
    assert len(placed) == 2
    for width, height in placed:
        assert abs(width / MM - 85.6) < 0.5 and abs(height / MM - 54.0) < 0.5


def test_id_cards_kept_as_taken_are_fitted_as_before(demo_app, make, services):
    from desktop_app.usecases.scans import set_flattening

    for attachment in services.load(demo_app).attachments:
        if attachment.kind in ("id_card_front", "id_card_back"):
            set_flattening(services, attachment, False)
    reader = PdfReader(make(demo_app))
    id_page = next(page for _, title, page in outline_items(reader) if title == "身份证（人像面、国徽面）")
    placed = _placed_images(reader, id_page)
    assert len(placed) == 2
    assert all(width / MM > 120 for width, _ in placed)  # the whole photo, fitted into half the page

"""Helpers for opening the packet the way a reviewer would: text, outline, fonts, renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader


def outline_items(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, depth-first."""
    items: list[tuple[int, str, int]] = []

    def walk(nodes, depth):  # type: ignore[no-untyped-def]
        for node in nodes:
            if isinstance(node, list):
                walk(node, depth + 1)
            else:
                items.append((depth, str(node.title), reader.get_destination_page_number(node)))

    walk(reader.outline, 0)
    return items


def page_texts(path: Path) -> list[str]:
    """Extracted text of every page."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


@pytest.fixture
def make(services, tmp_path):  # type: ignore[no-untyped-def]
    """Build a packet of an application into tmp_path and return its path."""
    from desktop_app.packet.pipeline import PacketOptions
    from desktop_app.usecases.packet import make_packet

    def build(app_id: int, name: str = "packet.pdf", **options):  # type: ignore[no-untyped-def]
        out = tmp_path / name
        make_packet(services, app_id, out, PacketOptions(**options))
        return out

    return build

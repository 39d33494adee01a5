"""Issue 17 in the window: the thumbnail shows the flattened page, one click undoes it, and a photo whose
paper was not found says so and offers the four-corner editor."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_app.scans import photos, samples


@pytest.fixture
def synchronous():
    from desktop_app.ui import worker

    worker.set_synchronous(True)
    yield
    worker.set_synchronous(False)


@pytest.fixture
def cover(services) -> tuple[int, int]:
    app_id = services.new_application("张三", 2026)
    return app_id, services.repo.single_entry_id(app_id, "cover")


def _page() -> Image.Image:
    return samples._portrait_page("职称申报承诺书", ["本人承诺所提交的申报材料真实。"], "", seed=3).resize(
        (1240, 1754)
    )


def _no_page_photo(path: Path) -> Path:
    """A camera photo of a grey wall with a window: no paper in it."""
    pixels = np.full((1200, 1600, 3), 120, np.uint8)
    pixels[300:700, 900:1300] = (200, 220, 240)
    exif = Image.Exif()
    exif[0x010F] = "OPPO"
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def test_the_widget_words_match_the_flatten_module() -> None:
    from desktop_app.ui import scans_widget

    assert scans_widget.FLATTENED == photos.DONE and scans_widget.NOT_FOUND == photos.NOT_FOUND


def test_a_flattened_photo_shows_the_page_and_one_click_undoes_it(
    qtbot, services, cover, synchronous, tmp_path
):
    from desktop_app.ui.scans_widget import AttachmentsWidget

    app_id, entry_id = cover
    photo = tmp_path / "承诺书.jpg"
    photo.write_bytes(samples.photo_on_desk(_page(), frame=(1200, 1600), seed=2).data)
    widget = AttachmentsWidget(services, app_id, "cover", entry_id)
    qtbot.addWidget(widget)
    widget.add_files([photo])
    assert widget.list.item(0).text().endswith("已整理为扫描件")
    assert "已整理为扫描件" in widget.status.text()
    flat_icon = widget.list.item(0).icon().pixmap(200, 200).size()
    assert abs(flat_icon.height() / flat_icon.width() - 2**0.5) < 0.05  # the thumbnail is the page

    widget.list.item(0).setSelected(True)
    widget.list.setCurrentRow(0)
    assert widget.flatten_button.text() == "撤销整理" and widget.flatten_button.isEnabled()
    widget.toggle_flatten()
    assert not widget.list.item(0).text().endswith("已整理为扫描件")
    taken = widget.list.item(0).icon().pixmap(200, 200).size()
    assert abs(taken.height() / taken.width() - 4 / 3) < 0.05  # the photo as taken
    assert widget.flatten_button.text() == "重新整理"
    widget.toggle_flatten()
    assert widget.list.item(0).text().endswith("已整理为扫描件")
    assert photo.read_bytes() == samples.photo_on_desk(_page(), frame=(1200, 1600), seed=2).data


def test_a_photo_without_found_paper_offers_the_corner_editor(qtbot, services, cover, synchronous, tmp_path):
    from desktop_app.ui.corner_editor import CornerEditorDialog
    from desktop_app.ui.scans_widget import AttachmentsWidget

    app_id, entry_id = cover
    widget = AttachmentsWidget(services, app_id, "cover", entry_id)
    qtbot.addWidget(widget)
    widget.add_files([_no_page_photo(tmp_path / "墙.jpg")])
    assert widget.list.item(0).text().endswith("未能自动识别纸张边缘")
    assert "未能自动识别纸张边缘" in widget.status.text()
    widget.list.item(0).setSelected(True)
    widget.list.setCurrentRow(0)
    seen: list[CornerEditorDialog] = []

    def place_corners(dialog: CornerEditorDialog) -> bool:
        seen.append(dialog)
        canvas = dialog.canvas
        # Drag each corner onto the window's corners (as a person would, with the mouse).
        from PySide6.QtCore import QPoint, Qt

        targets = [(900, 300), (1300, 300), (1300, 700), (900, 700)]
        for index, (x, y) in enumerate(targets):
            start = canvas._to_view(canvas.corners[index]).toPoint()
            end = QPoint(round(x / 1600 * canvas.width()), round(y / 1200 * canvas.height()))
            qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
            qtbot.mouseMove(canvas, end)
            qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
        return True

    widget.run_dialog = place_corners  # type: ignore[method-assign]
    widget.edit_corners()
    assert seen and "未能自动识别纸张边缘" in seen[0].findChildren(type(widget.status))[0].text()
    attachment = services.load(app_id).attachments[0]
    corners = attachment.edits["flatten"]["corners"]
    assert np.allclose(
        corners, [[0.5625, 0.25], [0.8125, 0.25], [0.8125, 0.5833], [0.5625, 0.5833]], atol=0.01
    )
    assert "flatten_missed" not in attachment.edits
    assert widget.list.item(0).text().endswith("已整理为扫描件")
    size = widget.list.item(0).icon().pixmap(200, 200).size()
    assert abs(size.width() / size.height() - 1.0) < 0.05  # the 400 × 400 window, straightened

"""导出上传材料 on the review page writes the upload-ready images without freezing the window."""

from __future__ import annotations

from pathlib import Path


def test_review_page_exports_upload_ready_images(window, services, demo_app, tmp_path: Path, qtbot) -> None:
    from desktop_app.ui import worker
    from desktop_app.ui.upload_export import UploadExportWidget

    wizard = window.open_application(demo_app)
    widget = wizard.page("review").findChild(UploadExportWidget)
    assert widget is not None and widget.button.text() == "导出上传材料…"
    widget.limit.setValue(400)
    target = widget.default_target(tmp_path)
    assert target.name == "李明远_2026年_上传材料"
    worker.set_synchronous(True)
    try:
        widget.export_to(target)
    finally:
        worker.set_synchronous(False)
    images = sorted(target.rglob("*.jpg"))
    assert images, widget.status.text()
    assert widget.status.text().startswith(f"已导出 {len(images)} 个文件")
    assert all(p.stat().st_size <= 400 * 1024 for p in images)
    assert (target / "清单.txt").exists()
    # A second export never lands in the same folder.
    target.mkdir(exist_ok=True)
    assert widget.default_target(tmp_path).name == "李明远_2026年_上传材料（2）"

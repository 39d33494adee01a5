"""Regenerate docs/screenshots/*.png from the demo application at 1340×700, the window's default size (offscreen).

.venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    """Take the README screenshots."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="zhicheng-shots-"))
    os.environ["ZHICHENG_HOME"] = str(home)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.demo import create_demo
    from desktop_app.services import Services
    from desktop_app.ui import sizing
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.qt_setup import guard_refcount_bug, install_chinese

    # The offscreen screen is 800×600: show the windows at the sizes they open at on a real 1366×768 screen.
    sizing.CLAMP_TO_SCREEN = False
    guard_refcount_bug()
    app = QApplication([sys.argv[0]])
    install_chinese(app)
    services = Services(home=home, today=date(2026, 11, 27))
    window = MainWindow(services)
    window.resize(1340, 700)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def shot(name: str, widget: object = None) -> None:
        for _ in range(5):
            app.processEvents()
        (widget or window).grab().save(str(args.out / name))  # type: ignore[attr-defined]
        print(args.out / name)

    # The first start: what the app does, 新建 and 看看示例.
    window.start.load()
    shot("welcome.png")
    demo = create_demo(services, year=2026)
    earlier = services.new_application("张丽华", 2025)
    services.set_answer(earlier, "basic.mobile", "13987654321")
    window.start.load()
    shot("start.png")
    wizard = window.open_application(demo)
    # The ready review: the steps in the online system, the latest packet, 填报助手 and 申报记录.
    from desktop_app.usecases.packet import default_packet_path, make_packet
    from desktop_app.usecases.submissions import SubmissionRound, save_rounds

    make_packet(services, demo, default_packet_path(services, demo))
    save_rounds(
        services,
        demo,
        [
            SubmissionRound(
                "2026-06-10",
                "2026-06-12",
                "单位",
                "返回修改",
                "学历证书扫描件不清晰，请重新上传",
                "重新扫描毕业证书并上传",
            )
        ],
    )
    review = wizard.show_page("review")
    shot("review-ready.png")
    helper = review.open_fill_helper()
    helper.section_box.setCurrentIndex([s.key for s in helper.sections].index("papers"))
    helper.tree.setCurrentItem(helper._rows()[2])
    for row in helper._rows()[:2]:
        row.setCheckState(0, Qt.CheckState.Checked)
    shot("fill-helper.png", helper)
    helper.close()
    record = review.open_record()
    shot("record.png", record)
    record.close()
    wizard.show_page("papers")
    shot("section.png")
    wizard.show_page("cover")
    shot("cover.png")
    # 基本信息 after 下一步 with a required field left empty: its message under it, the menu says 填写中.
    services.set_answer(demo, "basic.profession", "")
    wizard.session.changed()
    wizard.refresh_status()
    basic = wizard.show_page("basic")
    wizard.step(1)
    basic.scroll_area.verticalScrollBar().setValue(basic.scroll_area.verticalScrollBar().maximum() // 2)
    shot("required.png")
    services.set_answer(demo, "basic.profession", "机电工程")
    wizard.session.changed()
    # Two missing answers so the review shows findings with their 去完善 links.
    services.set_answer(demo, "papers[2].journal", "")
    services.set_answer(demo, "annual_review[5].result", "")
    wizard.show_page("review")
    shot("review.png")
    page = wizard.show_page("papers")
    dialog = page.open_editor(page.entry_ids[1], "journal")
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(str(args.out / "entry.png"))
    print(args.out / "entry.png")
    dialog.done(0)
    window.close()
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

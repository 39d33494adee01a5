"""Regenerate docs/screenshots/*.png from the demo application at 1366×768 (offscreen, no display needed).

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
    from PySide6.QtWidgets import QApplication

    from desktop_app.demo import create_demo
    from desktop_app.services import Services
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.qt_setup import guard_refcount_bug, install_chinese

    guard_refcount_bug()
    app = QApplication([sys.argv[0]])
    install_chinese(app)
    services = Services(home=home, today=date(2026, 11, 27))
    demo = create_demo(services, year=2026)
    earlier = services.new_application("张丽华", 2025)
    services.set_answer(earlier, "basic.mobile", "13987654321")
    window = MainWindow(services)
    window.resize(1366, 768)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(args.out / name))
        print(args.out / name)

    window.start.load()
    shot("start.png")
    wizard = window.open_application(demo)
    wizard.show_page("papers")
    shot("section.png")
    wizard.show_page("cover")
    shot("cover.png")
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

"""`--smoke-test`: prove a build works on this machine without touching the user's data.

It runs the real code paths in a throw-away data folder: open the database, create the demo
application, check it, generate the demo packet, load the Qt translations and construct the main
window offscreen. It prints one line and returns 0 only when every step worked.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import desktop_app
from desktop_app.paths import HOME_ENV

if TYPE_CHECKING:
    from desktop_app.services import Services

SMOKE_FLAG = "--smoke-test"


def _packet_step(services: Services, app_id: int, out_dir: Path) -> str:
    """Generate the demo packet when the packet use case is present; returns a short description."""
    if (
        importlib.util.find_spec("desktop_app.usecases") is None
        or importlib.util.find_spec("desktop_app.usecases.packet") is None
    ):
        return "打印材料：本版本未包含"
    from desktop_app.usecases import packet as packet_usecase

    make: Callable[..., Any] = packet_usecase.make_packet
    result = make(services, app_id, out_dir / "packet.pdf")
    path = Path(result.path)
    if not path.is_file() or path.stat().st_size == 0:
        raise RuntimeError(f"packet not written: {path}")
    with path.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise RuntimeError(f"packet is not a PDF: {path}")
    return f"打印材料 {result.pages} 页（{path.stat().st_size // 1024} KB）"


def _qt_step(services: Services, app_id: int) -> str:
    """Start Qt offscreen, load Qt's Chinese translation, construct the main window."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.qt_setup import install_chinese

    qt_app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "zhicheng"])
    install_chinese(qt_app)
    # Qt's own buttons must come out in Chinese: proves qtbase_zh_CN.qm is in the bundle and found.
    if QCoreApplication.translate("QPlatformTheme", "Cancel") != "取消":
        raise RuntimeError("Qt zh_CN translation (qtbase_zh_CN.qm) not loaded")
    from desktop_app.app import install_app_icon

    if install_app_icon(qt_app).isNull():
        raise RuntimeError("window icon not found (resources/icons/app-*.png)")
    if desktop_app.__version__ == "0+unknown":
        raise RuntimeError("version unknown: the zhicheng-assistant metadata is not bundled")
    from desktop_app.ui.about_dialog import AboutDialog, HelpDialog
    from desktop_app.ui.help_menu import install_help_menu
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(services)
    install_help_menu(window, services)
    # The 关于 and 使用说明 dialogs read bundled files: a missing licence or help text shows up here.
    about = AboutDialog(services, window)
    # Every component must show a licence: its files, or (extras described from metadata) the metadata's text.
    missing = [str(p) for c in about.components for p in c.files if not p.is_file()]
    missing += [c.name for c in about.components if not c.files and not c.note]
    if missing:
        raise RuntimeError(f"licence files missing: {missing}")
    unversioned = [c.name for c in about.components if c.dist and not c.version]
    if unversioned:
        raise RuntimeError(f"package metadata missing (关于 cannot show versions): {unversioned}")
    HelpDialog(window).deleteLater()
    about.deleteLater()
    window.show()
    qt_app.processEvents()
    opened = ""
    if hasattr(window, "open_application"):
        # Every wizard page gets built: catches a module or plugin missing from the bundle.
        window.open_application(app_id)
        qt_app.processEvents()
        # Let background jobs (thumbnails) finish and deliver before the window goes away.
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30000)
        qt_app.processEvents()
        opened = "，示例申报已打开"
    window.close()
    window.deleteLater()
    qt_app.processEvents()
    return f"主窗口正常（{QApplication.platformName()}，中文按钮，图标{opened}）"


def run_smoke_test(argv: Sequence[str] = ()) -> int:
    """Run every step in a temporary data folder; print one line; 0 on success."""
    with tempfile.TemporaryDirectory(prefix="zhicheng-smoke-") as tmp:
        previous = os.environ.get(HOME_ENV)
        os.environ[HOME_ENV] = str(Path(tmp) / "home")
        services = None
        try:
            from desktop_app.logging_setup import install_qt_message_handler, setup_logging

            setup_logging()
            install_qt_message_handler()
            from desktop_app.demo import create_demo
            from desktop_app.services import Services

            services = Services(today=date.today())
            app_id = create_demo(services)
            report = services.check(app_id)
            if not report.is_ready:
                raise RuntimeError(f"demo not ready: {len(report.errors)} findings")
            parts = [
                f"{len(services.forms.keys)} 个填写步骤",
                f"名录 {services.reference.edition} 年版",
                f"示例申报完整（{report.percent}%）",
                _packet_step(services, app_id, Path(tmp)),
                _qt_step(services, app_id),
                f"版本 {desktop_app.__version__}",
            ]
            _say("自检通过：" + "；".join(parts))
            return 0
        except Exception as exc:  # a smoke test reports any failure as one line and exit 1
            last = traceback.extract_tb(exc.__traceback__)[-1:] or None
            where = f"{Path(last[0].filename).name}:{last[0].lineno}" if last else ""
            _say(f"自检失败：{type(exc).__name__}: {exc} ({where})")
            import logging

            logging.getLogger(__name__).exception("smoke test failed")
            return 1
        finally:
            if services is not None:
                services.close()
            _release_logging()
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous


def _say(line: str) -> None:
    """Print the result line; a windowed Windows build has no console (sys.stdout is None)."""
    from desktop_app.logging_setup import mask_personal

    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.write(mask_personal(line) + "\n")
        stream.flush()
    except UnicodeEncodeError:  # a legacy console code page: keep the ASCII part readable
        stream.write(line.encode("ascii", "replace").decode("ascii") + "\n")


def _release_logging() -> None:
    """Close the log files in the temporary folder so that it can be removed (Windows holds them open)."""
    from desktop_app.logging_setup import shutdown_logging

    shutdown_logging()

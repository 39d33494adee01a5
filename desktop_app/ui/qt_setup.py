"""Chinese for Qt's own dialogs and a CJK font where the system has none."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_app.paths import resources_dir
from desktop_app.qt_compat import guard_refcount_bug as guard_refcount_bug  # re-exported for callers

log = logging.getLogger(__name__)
BUNDLED_FONT = "NotoSansSC-Regular.ttf"
_installed: list[QTranslator] = []


def install_chinese(app: QCoreApplication) -> None:
    """Load qtbase_zh_CN (buttons such as 确定/取消 in Qt's dialogs) and make sure Chinese can be drawn."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if not _installed:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("qtbase_zh_CN.qm not found in %s", folder)
    if isinstance(app, QApplication):  # a font only matters where something is drawn
        ensure_cjk_font(app)


def has_cjk_family() -> bool:
    """Whether any installed font family covers Simplified Chinese."""
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def ensure_cjk_font(app: QApplication) -> str:
    """Register the bundled Noto Sans SC when no system font covers Chinese; returns the family used."""
    if has_cjk_family():
        return app.font().family()
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / BUNDLED_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled font %s could not be loaded", BUNDLED_FONT)
        return app.font().family()
    font = QFont(families[0])
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return families[0]

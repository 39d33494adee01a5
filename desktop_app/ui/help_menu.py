"""The 帮助 menu: 使用说明, 导入新版名录, 关于 — added to the main window by the composition root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop_app.ui.about_dialog import AboutDialog, HelpDialog
from desktop_app.ui.reference_dialog import ReferenceDialog

if TYPE_CHECKING:
    from desktop_app.services import Services

MENU_TITLE = "帮助"


def _help_menu(window: QMainWindow) -> QMenu:
    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "").startswith(MENU_TITLE):
            return menu
    return bar.addMenu(MENU_TITLE)


def install_help_menu(window: QMainWindow, services: Services) -> dict[str, QAction]:
    """Add the help entries to the window's 帮助 menu (created when the window has none); returns the actions."""
    menu = _help_menu(window)
    actions = {
        "help": QAction("使用说明", window),
        "reference": QAction("导入新版名录…", window),
        "about": QAction("关于", window),
    }
    actions["help"].triggered.connect(lambda: HelpDialog(window).exec())
    actions["reference"].triggered.connect(lambda: ReferenceDialog(services, window).exec())
    actions["about"].triggered.connect(lambda: AboutDialog(services, window).exec())
    menu.addAction(actions["help"])
    menu.addSeparator()
    menu.addAction(actions["reference"])
    menu.addSeparator()
    menu.addAction(actions["about"])
    return actions

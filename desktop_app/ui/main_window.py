"""Main window (the wizard issue fills it with the start screen and section pages)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    """The application's main window."""

    def __init__(self, services: Any) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("职称申报材料助手")
        self.setCentralWidget(QLabel("职称申报材料助手"))
        self.resize(1200, 760)

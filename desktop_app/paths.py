"""Where the app reads its bundled definitions and keeps the user's data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "zhicheng"
HOME_ENV = "ZHICHENG_HOME"


def bundle_root() -> Path:
    """Folder holding forms/ and resources/: the source tree, or PyInstaller's bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def forms_dir() -> Path:
    """The folder of form definitions (one TOML per step)."""
    return bundle_root() / "forms"


def resources_dir() -> Path:
    """The folder of bundled resources (reference data, fonts, translations)."""
    return bundle_root() / "resources"


def data_home() -> Path:
    """The user's data folder; ZHICHENG_HOME overrides the platform default."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """The folder of rotating logs: logs/ under ZHICHENG_HOME, else the platform's log folder."""
    if os.environ.get(HOME_ENV):
        path = data_home() / "logs"
    else:
        from platformdirs import user_log_dir

        path = Path(user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path

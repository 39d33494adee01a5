"""职称申报材料助手 — offline helper for Kunming professional-title applications."""

from __future__ import annotations

import os

# numpy's OpenBLAS starts a thread per core that spins after every call; the app's linear algebra is 3×3
# matrices (flattening a photo) called from the import's own worker threads, which those threads only took CPU
# from (~3 ms a photo, measured with perf on `attach`). Set here, before anything can load numpy, so every way
# in (`python -m desktop_app`, the `zhicheng` script, the built app) gets it; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DIST_NAME = "zhicheng-assistant"


def _read_version() -> str:
    """The one version: pyproject.toml in a source tree, else the installed (or bundled) metadata."""
    # pyproject.toml is the only place the version is written. A source checkout reads it directly,
    # so a bumped version shows even before the editable install is refreshed; the installed wheel and
    # the PyInstaller build (which bundles this distribution's metadata) read importlib.metadata.
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (OSError, ValueError):
            project = {}
        if project.get("name") == DIST_NAME and isinstance(project.get("version"), str):
            return str(project["version"])
    import importlib.metadata

    try:
        return importlib.metadata.version(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> str:
    # The version is read when first asked for (--version, 关于, a backup's manifest), not by every command:
    # tomllib or importlib.metadata cost 5–15 ms of a start-up that needs neither.
    if name == "__version__":
        version = _read_version()
        globals()[name] = version
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from desktop_app.qt_compat import guard_refcount_bug as _guard_refcount_bug  # noqa: E402

_guard_refcount_bug()

"""帮助 → 关于 (version, data folder, reference edition, open-source licences) and 帮助 → 使用说明."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import desktop_app
from desktop_app.logging_setup import current_log_file
from desktop_app.paths import resources_dir

if TYPE_CHECKING:
    from desktop_app.services import Services

LICENSES = "licenses"
HELP_FILE = Path("help") / "使用说明.md"


@dataclass(frozen=True)
class Component:
    """A bundled open-source component and where its licence text is."""

    name: str
    licence: str
    files: tuple[Path, ...]
    dist: str | None = None
    note: str = ""

    @property
    def version(self) -> str:
        """Installed version, when its metadata is bundled."""
        if not self.dist:
            return ""
        try:
            return importlib.metadata.version(self.dist)
        except importlib.metadata.PackageNotFoundError:
            return ""

    def licence_text(self) -> str:
        """Note plus the full licence texts."""
        parts = [f"{self.name}　许可证：{self.licence}"]
        if self.note:
            parts.append(self.note)
        for path in self.files:
            try:
                parts.append(f"──── {path.name} ────\n" + path.read_text(encoding="utf-8"))
            except OSError:
                parts.append(f"──── {path.name} ────\n（许可证文件缺失：{path}）")
        return "\n\n".join(parts)


def load_components(folder: Path | None = None) -> list[Component]:
    """The bundled components listed in resources/licenses/components.toml."""
    folder = folder or resources_dir() / LICENSES
    with open(folder / "components.toml", "rb") as fh:
        data = tomllib.load(fh)
    return [
        Component(
            name=item["name"],
            licence=item["licence"],
            files=tuple((folder / f).resolve() for f in item.get("files", [])),
            dist=item.get("dist"),
            note=" ".join(item.get("note", "").split()),
        )
        for item in data["component"]
    ]


def _metadata_licence(dist: importlib.metadata.Distribution) -> str:
    md: Any = dist.metadata  # an email.message.Message; the PackageMetadata protocol omits .get
    expression = md.get("License-Expression") or ""
    if expression:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in md.get_all("Classifier") or [] if c.startswith("License ::")]
    short = (md.get("License") or "").strip().splitlines()[0:1]
    return "、".join(classifiers) or (short[0][:60] if short else "见许可证文件")


def components_from_metadata(names: Iterable[str]) -> list[Component]:
    """Components described by their own installed metadata (licence field and bundled licence files)."""
    result: list[Component] = []
    for name in sorted(set(names), key=str.lower):
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        listed = (
            Path(str(dist.locate_file(f)))
            for f in dist.files or ()
            if any(key in f.name.upper() for key in ("LICEN", "COPYING", "NOTICE"))
        )
        # A built app carries a distribution's metadata but not always the licence files its RECORD lists
        # (numpy's live beside the sources): show the ones that are there, else the metadata's own text.
        files = tuple(p for p in listed if p.is_file())
        note = "" if files else _metadata_text(dist)
        result.append(
            Component(
                name=dist.metadata["Name"] or name,
                licence=_metadata_licence(dist),
                files=files,
                dist=name,
                note=note,
            )
        )
    return result


def _metadata_text(dist: importlib.metadata.Distribution) -> str:
    """The licence as the distribution's metadata states it (full text when the License field carries it)."""
    md: Any = dist.metadata
    text = (md.get("License") or "").strip()
    expression = md.get("License-Expression") or _metadata_licence(dist)
    home = md.get("Home-page") or next(
        (u.split(",", 1)[-1].strip() for u in md.get_all("Project-URL") or []), ""
    )
    lines = [text if len(text) > 80 else f"许可证：{text or expression}"]
    if home:
        lines.append(f"许可证全文见：{home}")
    return "\n".join(lines)


def bundled_extras(listed: Iterable[Component]) -> list[Component]:
    """In the built app: bundled distributions not in components.toml (e.g. the optional OCR extra)."""
    if not getattr(sys, "frozen", False):
        return []  # from source, the environment also holds development tools that are not shipped
    known = {_norm(c.dist) for c in listed if c.dist}
    names = {d.metadata["Name"] for d in importlib.metadata.distributions() if d.metadata["Name"]}
    return components_from_metadata(n for n in names if _norm(n) not in known)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def open_folder(path: Path) -> bool:
    """Show a folder in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AboutDialog(QDialog):
    """Version, where the data is, which reference edition is in use, and the licences of bundled software."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于 职称申报材料助手")
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        title = QLabel(
            f"<h2>职称申报材料助手</h2><p>版本 {desktop_app.__version__}　·　完全离线运行，不联网</p>"
        )
        header = QHBoxLayout()
        self.icon_label = QLabel()
        icon = QApplication.windowIcon()
        if not icon.isNull():
            self.icon_label.setPixmap(icon.pixmap(64, 64))
        header.addWidget(self.icon_label)
        header.addWidget(title, 1)
        layout.addLayout(header)

        form = QFormLayout()
        self.data_folder = Path(services.home)
        form.addRow("数据文件夹：", self._folder_row(self.data_folder, "open_data_button"))
        form.addRow("日志文件夹：", self._folder_row(current_log_file().parent, "open_logs_button"))
        reference = services.reference
        self.reference_label = QLabel(
            f"{reference.procedure.guide_title}{reference.edition} 年版（评委会目录、评审计划表、人社部门、审核程序）"
        )
        form.addRow("名录版本：", self.reference_label)
        layout.addLayout(form)

        layout.addWidget(QLabel("本程序使用的开源软件及其许可证："))
        splitter = QSplitter()
        self.components = load_components()
        self.components += bundled_extras(self.components)
        self.component_list = QListWidget()
        for component in self.components:
            version = f" {component.version}" if component.version else ""
            self.component_list.addItem(f"{component.name}{version}（{component.licence}）")
        self.licence_view = QTextBrowser()
        self.licence_view.setOpenExternalLinks(False)
        splitter.addWidget(self.component_list)
        splitter.addWidget(self.licence_view)
        splitter.setSizes([300, 520])
        layout.addWidget(splitter, 1)
        self.component_list.currentRowChanged.connect(self.show_licence)
        self.component_list.setCurrentRow(0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def _folder_row(self, path: Path, attr: str) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        label = QLabel(str(path))
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(label, 1)
        button = QPushButton("打开")
        button.clicked.connect(lambda: open_folder(path))
        box.addWidget(button)
        setattr(self, attr, button)
        return row

    def show_licence(self, row: int) -> None:
        """Show the selected component's licence text."""
        if 0 <= row < len(self.components):
            self.licence_view.setPlainText(self.components[row].licence_text())


class HelpDialog(QDialog):
    """使用说明: the yearly flow and the guide's rules that matter, from resources/help/."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown((resources_dir() / HELP_FILE).read_text(encoding="utf-8"))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

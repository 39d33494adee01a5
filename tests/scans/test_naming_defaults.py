"""Issue 13: browser and system default names must be renamed (需要改名), not merely 建议修改."""

from __future__ import annotations

import pytest

from desktop_app.cli import main
from desktop_app.formspec.loader import load_forms
from desktop_app.scans.naming import FAIL, OK, check_name

PAPERS = load_forms().section("papers")


@pytest.mark.parametrize(
    "name",
    [
        "下载.pdf",
        "下载 (1).pdf",
        "下载（2）.jpg",
        "download.pdf",
        "download (3).png",
        "未命名.png",
        "新建文本文档.pdf",
        "新建 Microsoft Word 文档 (2).docx",
        "文档1.pdf",
        "图片1.jpg",
        "Screenshot 2026-11-01 at 10.00.00.png",
    ],
)
def test_default_names_must_be_renamed(name: str) -> None:
    verdict = check_name(name, PAPERS.attachments, section_title=PAPERS.title)
    assert verdict.level == FAIL and verdict.label == "需要改名", verdict.problems


def test_a_descriptive_name_that_mentions_a_download_is_still_fine() -> None:
    assert check_name("论文正文.pdf", PAPERS.attachments).level == OK


def test_names_command_exits_1_for_a_browser_download(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["names", "--section", "papers", "下载.pdf"]) == 1
    assert "需要改名" in capsys.readouterr().out

"""`copy-sheet APP [--section S]`: the answers in the online system's order, one “label<TAB>value” per line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from desktop_app.commands.arguments import app_id_argument

if TYPE_CHECKING:
    from desktop_app.services import Services


def cmd_copy_sheet(args: argparse.Namespace, services: Services) -> int:
    """Print the 填报助手's sequence (the same one the window walks)."""
    from desktop_app.usecases.copy_sheet import build_copy_sheet, sheet_lines

    sections = build_copy_sheet(services, args.app, args.section)
    sys.stdout.write("\n".join(sheet_lines(sections)) + "\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the `copy-sheet` subcommand."""
    p = subparsers.add_parser(
        "copy-sheet",
        help="按网上申报系统的菜单顺序列出每一项内容（每行“项目<TAB>内容”）和各条目要上传的扫描件名称",
    )
    p.add_argument("app", type=app_id_argument, help="申报编号")
    p.add_argument("--section", help="只列出一个分节：分节代号（如 papers）或中文名称（如 撰写论文情况）")
    p.set_defaults(handler=cmd_copy_sheet)

"""`reference-import`: 导入新版名录 from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.services import Services


def cmd_reference_import(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.usecases.reference_update import confirm_import, prepare_import

    staged = prepare_import(services, Path(args.folder))
    out = sys.stdout
    out.write(staged.summary() + "\n")
    for change in staged.changes:
        out.write(change.line() + "\n")
    if staged.is_identical:
        out.write("与正在使用的名录完全相同，无需导入\n")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            out.write("未导入：确认无误后加 --yes 再运行一次\n")
            return 1
        answer = input("确认导入并启用新名录？输入 y 确认：").strip().lower()
        if answer not in ("y", "yes", "是"):
            out.write("已取消，当前名录保持不变\n")
            return 1
    target = confirm_import(services, staged)
    out.write(f"已导入并启用 {staged.new.edition} 年版名录（保存在 {target}）\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the shipping subcommands."""
    p = subparsers.add_parser(
        "reference-import",
        help="导入新版名录（评委会、评审计划、人社部门）：先校验并列出变化，确认后启用",
    )
    p.add_argument("folder", help="新版名录所在的文件夹（与程序自带的名录格式相同）")
    p.add_argument("--yes", action="store_true", help="不再询问，校验通过即导入")
    p.set_defaults(handler=cmd_reference_import)

"""`packet APP --out FILE.pdf [--draft] [--duplex] [--no-verify-strip]`: write the print packet (or a draft)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.commands.arguments import app_id_argument
from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.services import Services


def cmd_packet(args: argparse.Namespace, services: Services) -> int:
    """Build and verify the packet; exit 0 only when it was written and read back."""
    from desktop_app.packet.pipeline import PacketOptions
    from desktop_app.usecases.packet import make_packet

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"输出文件“{out}”应以 .pdf 结尾", "例如 --out 职称申报材料.pdf")
    services.load(args.app)
    last = [""]

    def progress(done: int, total: int, text: str) -> None:
        if text != last[0]:
            last[0] = text
            sys.stderr.write(f"{round(100 * done / max(total, 1)):3d}% {text}\n")
            sys.stderr.flush()

    options = PacketOptions(duplex=args.duplex, verify_strip=not args.no_verify_strip, draft=args.draft)
    result = make_packet(services, args.app, out.resolve(), options, progress)
    sys.stdout.write(f"{result.path}\n")
    if result.open_items:
        sys.stderr.write(
            f"已生成草稿，共 {result.pages} 页；尚有 {result.open_items} 项未完善，草稿不能作为正式申报材料\n"
        )
    else:
        sys.stderr.write(f"已生成打印材料，共 {result.pages} 页\n")
    for notice in result.notices:
        sys.stderr.write(f"请注意：{notice}\n")
    if result.open_items:
        return 0  # a draft is not backed up as the packet
    # Issue 6: a backup after every successful packet. It never raises; a failed backup is reported
    # on stderr but the packet itself was written and verified, so the exit code stays 0.
    from desktop_app.usecases.auto_backup import is_auto_backup_on

    if not is_auto_backup_on(services):
        return 0
    from desktop_app.usecases.backup import backup_after_packet

    message = backup_after_packet(services, args.app)
    if message:
        sys.stderr.write(f"{message}\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the `packet` subcommand."""
    p = subparsers.add_parser(
        "packet", help="生成打印材料（A4 PDF）：封面、目录、申报表、审核推荐意见、证明材料"
    )
    p.add_argument("app", type=app_id_argument, help="申报编号")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.add_argument(
        "--draft",
        action="store_true",
        help="生成草稿：尚未完善时也生成，每页标“草稿·未完善”，首页列出尚未完善的项目",
    )
    p.add_argument("--duplex", action="store_true", help="双面打印：每部分从奇数页开始（插入空白页）")
    p.add_argument("--no-verify-strip", action="store_true", help="证明材料页不加“经核对，与原件一致”审核栏")
    p.set_defaults(handler=cmd_packet)

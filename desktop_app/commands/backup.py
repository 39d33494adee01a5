"""CLI: `backup APP [--out DIR] [--encrypt] [--passphrase-env VAR]`, `verify FILE`, `restore FILE [--as-new]`.

Exit codes: 0 ok, 1 damaged or refused, 2 bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.commands.arguments import app_id_argument
from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.services import Services


def _print(text: str = "", err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


def _from_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"环境变量 {name} 未设置或为空", "请先设置口令所在的环境变量")
    return value


def _ask(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError(
            "无法读取口令（没有可输入的终端）", "请改用 --passphrase-env 指定口令所在的环境变量"
        ) from None


def _new_passphrase(args: argparse.Namespace, services: Services) -> str:
    """The passphrase for a new encrypted backup, after the lost-passphrase warning."""
    from desktop_app.usecases.backup import LOST_PASSPHRASE_WARNING, acknowledge_encryption

    if args.passphrase_env:
        return _from_env(args.passphrase_env)
    _print(f"注意：{LOST_PASSPHRASE_WARNING}", err=True)
    first = _ask("请设置备份口令：")
    if not first:
        raise UsageError("口令不能为空", "请重新运行并设置口令")
    second = _ask("请再输入一次口令确认：")
    if first != second:
        raise UsageError("两次输入的口令不一致，未备份", "请重新运行并输入相同的口令")
    acknowledge_encryption(services)
    return first


def _existing_passphrase(path: Path, env: str | None) -> str | None:
    from desktop_app.usecases.backup import is_encrypted

    if not is_encrypted(path):
        return None
    if env:
        return _from_env(env)
    return _ask("这份备份已加密，请输入口令：")


def _progress(done: int, total: int, text: str) -> None:
    # Progress goes to stderr only on a terminal, so scripts get clean output.
    if sys.stderr.isatty() and total:
        sys.stderr.write(f"\r{text} {100 * done // total:3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_backup(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.usecases.backup import create_backup

    if args.passphrase_env and not args.encrypt:
        raise UsageError("--passphrase-env 需要与 --encrypt 一起使用")
    services.load(args.app)
    passphrase = _new_passphrase(args, services) if args.encrypt else None
    result = create_backup(
        services,
        args.app,
        out_dir=Path(args.out) if args.out else None,
        passphrase=passphrase,
        progress=_progress,
    )
    for note in result.notes:
        _print(f"提示：{note}", err=True)
    for old in result.pruned:
        _print(f"已删除较早的备份：{old.name}", err=True)
    _print(result.message)
    return 0


def cmd_verify(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.usecases.backup import verify_backup

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"找不到备份文件 {path}", "请检查文件路径")
    result = verify_backup(
        services, path, _existing_passphrase(path, args.passphrase_env), progress=_progress
    )
    if result.ok:
        count = len((result.manifest or {}).get("files", [])) + 1
        _print(f"备份完好：{path.name}（{count} 个文件，每个文件的 SHA-256 均已核对）")
        return 0
    if result.content_refused:
        _print(f"备份未通过内容检查，不能直接恢复：{path.name}")
    else:
        _print(f"备份已损坏：{path.name}")
    for problem in result.problems:
        _print(f"  {problem}")
    _print("请改用另一份备份，或重新备份")
    return 1


def cmd_restore(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.usecases.backup import BadItems, restore_backup

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"找不到备份文件 {path}", "请检查文件路径")
    if args.as_new and args.replace is not None:
        raise UsageError("--as-new 与 --replace 不能同时使用")
    if args.replace is not None:
        services.load(args.replace)
    passphrase = _existing_passphrase(path, args.passphrase_env)
    try:
        result = restore_backup(
            services,
            path,
            passphrase,
            replace_id=args.replace,
            allow_duplicate=args.as_new,
            progress=_progress,
        )
    except BadItems as exc:
        _print(str(exc), err=True)
        for problem in exc.problems:
            _print(f"  {problem}", err=True)
        if args.replace is not None:
            _print(f"原申报（编号 {args.replace}）保持不变", err=True)
        return 1
    if result.replaced_id is not None:
        _print(f"已恢复并替换原申报（编号 {result.replaced_id}）", err=True)
    _print(f"已恢复 {result.person_name} {result.year} 年的申报，新编号：", err=True)
    _print(str(result.app_id))
    return 0


def register(sub: Any) -> None:
    """Add the backup, verify and restore subcommands."""
    p = sub.add_parser("backup", help="把一份申报（含扫描件和材料包）备份为一个 zip 文件，写完后逐个核对")
    p.add_argument("app", type=app_id_argument, help="申报编号")
    p.add_argument("--out", metavar="DIR", help="备份文件夹（默认：设置中的备份文件夹）")
    p.add_argument("--encrypt", action="store_true", help="用口令加密（口令遗失则无法恢复）")
    p.add_argument("--passphrase-env", metavar="VAR", help="从该环境变量读取口令，不再提示输入")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("verify", help="校验备份文件：列出每个损坏或缺失的文件；完好时退出码 0，损坏时 1")
    p.add_argument("file", help="备份文件")
    p.add_argument("--passphrase-env", metavar="VAR", help="加密备份：从该环境变量读取口令")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("restore", help="从备份恢复为一份新的申报（不会覆盖已有申报），最后一行输出新编号")
    p.add_argument("file", help="备份文件")
    p.add_argument(
        "--as-new", action="store_true", help="本机已有同一人同一年度的申报时，仍另存为一份新的申报"
    )
    p.add_argument(
        "--replace",
        type=app_id_argument,
        metavar="APP",
        help="恢复成功后删除编号为 APP 的原申报（恢复失败时原申报保持不变）",
    )
    p.add_argument("--passphrase-env", metavar="VAR", help="加密备份：从该环境变量读取口令")
    p.set_defaults(handler=cmd_restore)

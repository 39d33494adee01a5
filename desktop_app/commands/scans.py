"""CLI for scans: `attach`, `names`, `upload-export` (see the README's command table)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.commands.arguments import app_id_argument
from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.services import Services


def _print(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_attach(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.memory import keep_freed_memory
    from desktop_app.usecases.scans import NEEDS_PASSWORD, REFUSED, STORED, attach_files, resolve_target

    keep_freed_memory()  # a batch of photos: reuse the freed picture memory instead of faulting it in again
    services.load(args.app)
    target = resolve_target(services, args.app, args.target)
    refused = unprepared = False
    outcomes = attach_files(
        services,
        args.app,
        target,
        [Path(raw) for raw in args.files],
        kind=args.kind,
        password=args.password or "",
        allow_duplicate=args.allow_duplicate,
        pages=args.pages or "",
        flatten=not args.no_flatten,
    )
    for outcome in outcomes:
        line = outcome.line
        if outcome.status == NEEDS_PASSWORD:
            line += "（命令行请用 --password 提供密码）"
        _print(line)
        refused = refused or outcome.status in (REFUSED, NEEDS_PASSWORD)
        unprepared = unprepared or (outcome.status == STORED and not outcome.prepared)
    if unprepared:
        _prepare_print_pages(services, args.app)
    return 2 if refused else 0


def _prepare_print_pages(services: Services, app_id: int) -> None:
    """Issue 5: the import itself prepares each new page's print picture; this catches what it could not
    (a page cache it could not write) so the next `packet` only merges. Run only then: it reads every cached
    page of the application and loads the packet pipeline (~0.3 s of each `attach`, issue 16)."""
    import logging

    from desktop_app.usecases.packet import prepare_attachment_pages

    try:
        prepare_attachment_pages(services, app_id)
    except Exception:  # noqa: BLE001 - the files are stored; `packet` prepares whatever is missing itself
        logging.getLogger(__name__).warning("print-page preparation after attach failed", exc_info=True)


def cmd_names(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.scans import naming
    from desktop_app.usecases.scans import other_kinds

    key, _, rest = args.section.partition("[")
    entry = int(rest.rstrip("]")) if rest.rstrip("]").isascii() and rest.rstrip("]").isdigit() else None
    if not services.forms.has_section(key):
        raise UsageError(f"没有名为“{key}”的分节", "可用的分节：" + "、".join(services.forms.keys))
    section = services.forms.section(key)
    verdicts = naming.check_names(
        args.files, section.attachments, others=other_kinds(services.forms, key), section_title=section.title
    )
    failed = False
    for verdict in verdicts:
        kind = next((k for k in section.attachments if k.key == verdict.kind), None)
        if kind is None and len(section.attachments) == 1:
            kind = section.attachments[0]
        ext = naming.split_name(verdict.name)[1] or ".jpg"
        number = entry if section.repeatable else None

        def propose(k: Any, ext: str = ext, number: int | None = number) -> str:
            material = k.keywords[0] if "或" in k.label and k.keywords else k.label
            return naming.propose_name(section.number, number, section.title, material, "", ext)

        if kind is not None:
            suggestion = f"建议名称：{propose(kind)}"
        elif section.attachments:
            suggestion = "无法判断是哪种材料，可写成：" + "、".join(
                propose(k) for k in section.attachments[:3]
            )
        else:
            suggestion = "—"
        problems = "；".join(verdict.problems) or "—"
        _print(f"{verdict.name}\t{verdict.label}\t{problems}\t{suggestion}")
        failed = failed or verdict.level == naming.FAIL
    return 1 if failed else 0


def cmd_upload_export(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.usecases.scans import LISTING_NAME, upload_export

    services.load(args.app)
    result = upload_export(services, args.app, Path(args.out), max_kb=args.max_kb)
    total = sum(f.size for f in result.files)
    _print(
        f"已导出 {len(result.files)} 个 JPG 文件（共 {total / 1024 / 1024:.1f} MB）到 {result.out_dir}，"
        f"清单见 {LISTING_NAME}"
    )
    for problem in result.problems:
        _print(f"未能导出：{problem}")
    return 1 if result.problems else 0


def register(sub: Any) -> None:
    """Add the scans subcommands."""
    p = sub.add_parser(
        "attach", help="添加扫描件：attach 申报编号 分节[序号] 文件…；逐个输出已添加、重复或拒绝原因"
    )
    p.add_argument("app", type=app_id_argument)
    p.add_argument("target", help="分节键，可带条目序号，例如 education[1]、basic、cover")
    p.add_argument("files", nargs="+", help="图片（JPG、PNG、TIFF、BMP、WebP、HEIC）或 PDF 文件")
    p.add_argument("--kind", default=None, help="材料类型键，例如 diploma；不写时按文件名判断")
    p.add_argument("--password", default=None, help="加密 PDF 的打开密码")
    p.add_argument("--allow-duplicate", action="store_true", help="内容相同的文件也再次添加")
    p.add_argument("--pages", default=None, help="只保留 PDF 或多页 TIFF 的这些页，例如 1,3-4（默认全部）")
    p.add_argument(
        "--no-flatten",
        action="store_true",
        help="手机照片保留拍摄原样（默认找出纸张边缘，拉正并把纸面调白，整理为扫描件）",
    )
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("names", help="检查文件名是否按材料内容命名，并给出建议名称；有不合格的退出码 1")
    p.add_argument("--section", required=True, help="分节键，可带条目序号，例如 education[1]")
    p.add_argument("files", nargs="+", help="文件名（文件不必存在）")
    p.set_defaults(handler=cmd_names)

    p = sub.add_parser(
        "upload-export", help="导出可直接上传的图片：每个分节一个文件夹，JPG，按内容命名，附清单"
    )
    p.add_argument("app", type=app_id_argument)
    p.add_argument("--out", required=True, help="输出文件夹（须不存在或为空）")
    p.add_argument("--max-kb", type=int, default=2048, help="单个文件大小上限（KB），默认 2048")
    p.set_defaults(handler=cmd_upload_export)

"""Command line: `python -m desktop_app` (console script `zhicheng`). No arguments → the GUI.

The subcommands, their keys and exit codes are a public contract (users script them):
0 ok, 1 not ready / damaged, 2 bad usage or bad value (nothing written).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from desktop_app.commands.arguments import app_id_argument, ascii_int, terminal_safe
from desktop_app.errors import UsageError, UserError

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Any], int]


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help text headed 用法 instead of usage."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that speaks Chinese: usage errors are one Chinese line with exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"命令用法有误：{translate_argparse(message)}", f"运行 {self.prog} --help 查看用法")


# argparse's own messages (Python 3.11), in the order it can produce them for our parsers.
_ARGPARSE_MESSAGES = (
    (re.compile(r"^the following arguments are required: (.+)$"), "缺少参数 {0}"),
    (
        re.compile(r"^argument (\S+): invalid choice: '([^']*)' \(choose from (.+)\)$"),
        "“{1}”不是可用的命令（可用：{2}）",
    ),
    (re.compile(r"^argument (\S+): invalid int value: '([^']*)'$"), "参数 {0} 应为整数，而不是“{1}”"),
    (re.compile(r"^argument (\S+): expected one argument$"), "参数 {0} 后面需要一个值"),
    (re.compile(r"^argument (\S+): (.+)$"), "参数 {0}：{1}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "无法识别的参数 {0}"),
    (re.compile(r"^one of the arguments (.+) is required$"), "需要以下参数之一：{0}"),
    (re.compile(r"^argument (\S+): not allowed with argument (\S+)$"), "参数 {0} 不能与 {1} 同时使用"),
)


def translate_argparse(message: str) -> str:
    """argparse's English usage errors in Chinese (unknown ones pass through unchanged)."""
    for pattern, template in _ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def _print(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_list(args: argparse.Namespace, services: Services) -> int:
    for item in services.list_applications():
        s = item.summary
        _print(f"{s.id}\t{s.person_name}\t{s.year}\t{s.title_sought or '-'}\t{item.percent}%")
    return 0


def cmd_new(args: argparse.Namespace, services: Services) -> int:
    _print(str(services.new_application(args.name, args.year)))
    return 0


def cmd_set(args: argparse.Namespace, services: Services) -> int:
    services.load(args.app)
    services.set_answer(args.app, args.key, args.value)
    return 0


def cmd_get(args: argparse.Namespace, services: Services) -> int:
    if args.key is None:
        services.load(args.app)
        _print(json.dumps(services.export_answers(args.app), ensure_ascii=False, indent=2))
        return 0
    value = services.get_answer(args.app, args.key)
    if value is None:
        _print("")
    elif isinstance(value, str):
        _print(value)
    else:
        _print(json.dumps(value, ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace, services: Services) -> int:
    report = services.check(args.app)
    if args.json:
        payload = {
            "ready": report.is_ready,
            "percent": report.percent,
            "findings": [
                {
                    "section": f.section,
                    "section_title": f.section_title,
                    "entry": f.entry,
                    "field": f.field,
                    "field_label": f.field_label,
                    "severity": f.severity,
                    "message": f.message,
                    # A contradiction's other field (issue 13), or null.
                    "other": None
                    if f.other is None
                    else {
                        "section": f.other.section,
                        "section_title": f.other.section_title,
                        "entry": f.other.entry,
                        "field": f.other.field,
                        "field_label": f.other.field_label,
                    },
                }
                for f in report.findings
            ],
        }
        _print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for f in report.findings:
            mark = "缺" if f.is_error else "提示"
            key = f.section + (f"[{f.entry}]" if f.entry else "") + (f".{f.field}" if f.field else "")
            _print(f"[{mark}] {f.location()}：{f.message}  ({key})")
        errors = len(report.errors)
        _print(f"还有 {errors} 项需要完善" if errors else "可以提交")
    return 0 if report.is_ready else 1


def cmd_na(args: argparse.Namespace, services: Services) -> int:
    services.load(args.app)
    section_key = args.section.strip()
    services.set_not_applicable(args.app, section_key, not args.off)
    section = services.forms.section(section_key)
    if args.off:
        _print(f"已取消{section.title}的“无此项”标记")
    else:
        _print(f"已将{section.title}标记为“无此项”")
        count = len(services.load(args.app).section(section_key).entries)
        if count:
            _print(f"提示：{section.title}仍有 {count} 条已填写的内容：如确实没有，请用 remove 删除这些条目")
    return 0


def cmd_remove(args: argparse.Namespace, services: Services) -> int:
    services.load(args.app)
    section, number, scans = services.remove_entry(args.app, args.entry)
    note = f"（连同它的 {scans} 个扫描件；扫描件文件仍留在资料库中，其他条目仍可使用）" if scans else ""
    _print(f"已删除{section.title}第{number}条{note}")
    return 0


def cmd_demo(args: argparse.Namespace, services: Services) -> int:
    from desktop_app.demo import create_demo

    app_id = create_demo(services, year=args.year)
    app = services.load(app_id)
    cover = app.single("cover")
    # A line for the person first; the id stays the last line because scripts read it from there.
    _print(
        f"已创建示例申报：{app.person_name}，{app.year} 年度，申报{cover.get('title_name') or '职称'}"
        f"（{cover.get('unit_type') or '单位类型未填'}），可用 check、packet、copy-sheet 等命令试用。申报编号："
    )
    _print(str(app_id))
    return 0


class _SafeStream:
    """A text stream that writes terminal_safe text to the stream it wraps (stdout or stderr)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def undecodable_argument(args: Sequence[str]) -> str:
    """A Chinese message for the first argument whose bytes were not UTF-8, else ""."""
    for position, arg in enumerate(args, start=1):
        if any("\ud800" <= char <= "\udfff" for char in arg):
            return (
                f"第{position}个参数“{terminal_safe(arg)}”不是有效的 UTF-8 文字（可能被截断了一半汉字，"
                "或是从 GBK 编码的压缩包里解出的文件名）：请重新输入该参数，文件请先改成正常的中文名"
            )
    return ""


class _VersionAction(argparse.Action):
    """--version: prints the version, read only when asked for (as argparse's own "version" action prints)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        import desktop_app

        sys.stdout.write(f"职称申报材料助手 {desktop_app.__version__}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The full command-line parser, including feature modules' subcommands."""
    parser = ChineseArgumentParser(
        prog="zhicheng",
        description="职称申报材料助手：不带参数运行时打开图形界面。",
    )
    parser.add_argument("--version", action=_VersionAction, help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", parser_class=ChineseArgumentParser)

    p = sub.add_parser("list", help="列出所有申报：编号、姓名、年度、申报职称、完成度")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("new", help="新建申报，输出新申报的编号")
    p.add_argument("--name", required=True, help="申报人姓名")
    p.add_argument("--year", required=True, type=ascii_int, help="申报年度")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("set", help="填写一项：分节.字段 或 分节[序号].字段；值为空字符串时清除")
    p.add_argument("app", type=app_id_argument)
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=cmd_set)

    p = sub.add_parser("get", help="读取一项；不给键时以 JSON 输出全部填写内容")
    p.add_argument("app", type=app_id_argument)
    p.add_argument("key", nargs="?")
    p.set_defaults(handler=cmd_get)

    p = sub.add_parser("check", help="完整性检查：完整时退出码 0，有缺项或错误时 1")
    p.add_argument("app", type=app_id_argument)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("na", help="将分节标记为“无此项”；加 --off 取消标记")
    p.add_argument("app", type=app_id_argument)
    p.add_argument("section", help="分节键，如 patents")
    p.add_argument("--off", action="store_true", help="取消“无此项”标记")
    p.set_defaults(handler=cmd_na)

    p = sub.add_parser("remove", help="删除一条：分节[序号]，如 papers[2]")
    p.add_argument("app", type=app_id_argument)
    p.add_argument("entry", help="分节[序号]，序号从 1 开始")
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser("demo", help="创建一份完整的示例申报，最后一行输出其编号")
    p.add_argument("--year", type=ascii_int, default=None, help="申报年度（默认今年）")
    p.set_defaults(handler=cmd_demo)

    from desktop_app.commands import MODULES

    for name in MODULES:
        importlib.import_module(name).register(sub)
    return parser


BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command whose output pipe was closed


def silence_stdout() -> None:
    """Point stdout at the null device so the final flush does not fail on the closed pipe again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def opens_window(args: Sequence[str]) -> bool:
    """Whether these arguments start the window (none, --gui, --smoke-test…) rather than a subcommand."""
    return not args or args[0].startswith("--smoke-test") or args[0] == "--gui"


WINDOWS = sys.platform == "win32"


def tolerate_legacy_code_page() -> None:
    """On Windows, output redirected to a file or pipe uses the ANSI code page (GBK on a Chinese system,
    cp1252 on an English one): a character it lacks becomes '?' instead of ending the command."""
    if not WINDOWS:
        return
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def _open_services(args: argparse.Namespace, factory: Callable[[], Any]) -> Any:
    """The services; for `restore`, an unusable database is kept aside unchanged and a new one is started."""
    from desktop_app.os_errors import DatabaseUnusable, integrity_ok
    from desktop_app.paths import data_home
    from desktop_app.storage import DB_NAME
    from desktop_app.storage.db import set_aside

    if getattr(args, "command", None) != "restore":
        return factory()
    path = data_home() / DB_NAME
    try:
        services = factory()
        if integrity_ok(path) is not False:
            return services
        services.close()
    except DatabaseUnusable:
        pass
    kept = set_aside(path)
    log.warning("unusable database set aside as %s before a restore", kept.name)
    sys.stderr.write(f"原数据库无法使用，已原样保留为 {kept}；备份将恢复到新的数据库\n")
    return factory()


def known_failure(exc: BaseException) -> UserError | None:
    """The truthful message for an OS or database failure (disk full, no permission, damaged …), or None."""
    from desktop_app.os_errors import for_person

    return for_person(exc)


def present_error(exc: UserError) -> None:
    """Write a UserError as one Chinese line; a damaged database also names the newest backup to restore."""
    sys.stderr.write(f"{exc}\n")
    from desktop_app.os_errors import DatabaseUnusable

    if isinstance(exc, DatabaseUnusable):
        from desktop_app.usecases.backup import newest_backup

        found = newest_backup()
        if found is not None:
            sys.stderr.write(f'最新的备份：{found}（恢复：zhicheng restore "{found}"）\n')


def main(argv: Sequence[str] | None = None, settled: Callable[[], None] = lambda: None) -> int:
    """Entry point; returns the exit code. `settled` is called once the command's database is open, before
    it runs (python -m desktop_app lets the garbage collector skip everything made until then)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    tolerate_legacy_code_page()
    if opens_window(args_list):
        from desktop_app.app import run_gui

        return run_gui(args_list)
    from desktop_app.logging_setup import setup_logging

    setup_logging()
    services = None
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(stdout), _SafeStream(stderr)
    try:
        bad_argument = undecodable_argument(args_list)
        if bad_argument:
            raise UsageError(bad_argument)
        args = build_parser().parse_args(args_list)
        if getattr(args, "handler", None) is None:
            build_parser().print_help()
            return 2
        from desktop_app.paths import data_home
        from desktop_app.services import Services
        from desktop_app.storage.housekeeping import start_of_run

        start_of_run(data_home())
        services = _open_services(args, Services)
        settled()
        return int(args.handler(args, services))
    except UserError as exc:
        present_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`… | head`): stop quietly, as shell tools do on SIGPIPE.
        silence_stdout()
        return BROKEN_PIPE
    except SystemExit as exc:  # argparse --help
        return int(exc.code or 0)
    except Exception as exc:  # the last line of defence: one Chinese line, details in the log
        mapped = known_failure(exc)
        if mapped is not None:  # a full disk, a read-only folder, a damaged database …: say so truthfully
            log.warning("command %s failed: %s", args_list[:1], exc)
            present_error(mapped)
            return mapped.exit_code
        log.exception("unexpected error in command %s", args_list[:1])
        from desktop_app.logging_setup import current_log_file

        try:
            where = f"；详细信息已写入日志 {current_log_file()}"
        except OSError:
            where = ""
        sys.stderr.write(f"程序内部错误（{type(exc).__name__}），操作未完成{where}\n")
        return 1
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        if services is not None:
            services.close()

"""Argument types shared by every subcommand (cli.py and the feature modules in commands/)."""

from __future__ import annotations

import argparse
import re

# Characters that must never reach a terminal raw: C0/C1 controls other than newline, tab and carriage
# return (ESC starts screen-clearing and title-changing sequences), DEL, bidirectional controls, and
# lone surrogates (argument bytes that were not UTF-8, which the terminal's encoder cannot write).
_UNSAFE_FOR_TERMINAL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_safe(text: str) -> str:
    """Text with every control character shown as a visible code (\\x1b → <U+001B>) instead of acting."""
    return _UNSAFE_FOR_TERMINAL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def app_id_argument(text: str) -> int:
    """An application id argument: ASCII digits only (int() would also read other scripts' digits, "١" as 1)."""
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()):
        raise argparse.ArgumentTypeError(f"申报编号应为阿拉伯数字：{terminal_safe(text)}")
    return int(text)


def ascii_int(text: str) -> int:
    """A whole-number argument written in ASCII digits (a year, a size)."""
    if not re.fullmatch(r"[+-]?[0-9]{1,9}", text.strip()):
        raise argparse.ArgumentTypeError(f"应为整数（阿拉伯数字），而不是“{terminal_safe(text)}”")
    return int(text)

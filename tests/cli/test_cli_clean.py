"""Issue 13: bad text never reaches the database or the terminal; invalid UTF-8 and odd digits are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main, terminal_safe

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("basic.ethnicity", "汉\x1b[2J族"),
        ("basic.ethnicity", "汉\u202e族"),
        ("basic.ethnicity", "汉\u0085族"),
        ("basic.ethnicity", "汉\uffff族"),
        ("basic.name", "张\n三"),
        ("basic.name", "䶮Smith2"),
    ],
)
def test_set_refuses_bad_text_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    app = run(capsys, "new", "--name", "王芳", "--year", "2026")[1].strip()
    before = run(capsys, "get", app)[1]
    code, out, err = run(capsys, "set", app, key, value)
    assert code == 2 and "第" in err and "个字符" in err
    assert "\x1b" not in err and "\u202e" not in err
    assert run(capsys, "get", app)[1] == before


def test_new_refuses_a_long_name_and_escape_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "--name", "张" * 31, "--year", "2026")
    assert code == 2 and "最多30个字" in err
    code, _, err = run(capsys, "new", "--name", "\x1b]0;pwned\x07张三", "--year", "2026")
    assert code == 2 and "\x1b" not in err
    assert run(capsys, "list")[1] == ""


def test_an_arabic_indic_digit_is_no_index(capsys: pytest.CaptureFixture[str]) -> None:
    app = run(capsys, "new", "--name", "王芳", "--year", "2026")[1].strip()
    code, _, err = run(capsys, "set", app, "papers[\u0661].title", "论文")
    assert code == 2 and "无法识别的键" in err
    assert run(capsys, "get", app, "\u0661")[0] == 2
    assert run(capsys, "get", "\u0661", "basic.name")[0] == 2


def test_invalid_utf8_argument_exits_2_with_a_chinese_message(tmp_path: Path) -> None:
    env = dict(os.environ, ZHICHENG_HOME=str(tmp_path), PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    cut = "民族".encode()[:4]  # a Chinese string cut in the middle of a character
    gbk_name = "申报表.pdf".encode("gbk")
    for argv in ([b"set", b"1", b"basic.ethnicity", cut], [b"names", b"--section", b"papers", gbk_name]):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"desktop_app", *argv],
            cwd=REPO,
            env=env,
            capture_output=True,
            timeout=120,
        )
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2, err
        assert "不是有效的 UTF-8 文字" in err and "Traceback" not in err and "内部错误" not in err


def test_list_never_prints_control_characters(capsys: pytest.CaptureFixture[str], services) -> None:
    # A name stored before this rule existed (or written by another program) must not act on the terminal.
    app = services.repo.create_application("\x1b[2J\x1b]0;x\x07张三\u202e", 2026)
    code, out, _ = run(capsys, "list")
    assert code == 0 and str(app) in out
    assert not any(c in out for c in "\x1b\x07\u202e")
    assert "<U+001B>" in out


def test_terminal_safe_keeps_ordinary_text() -> None:
    assert terminal_safe("张三\t2026\n") == "张三\t2026\n"


@pytest.mark.parametrize(
    "args",
    [
        ("new", "--name", "王芳", "--year", "\u0662\u0660\u0662\u0666"),
        ("attach", "\u0661", "basic", "x.jpg"),
        ("packet", "\u0661", "--out", "x.pdf"),
        ("backup", "\u0661"),
        ("attach", "1", "papers[\u0661]", "x.jpg"),
        ("attach", "1", "papers[\u00b2]", "x.jpg"),
    ],
)
def test_numbers_and_indexes_must_be_ascii_digits(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    run(capsys, "new", "--name", "王芳", "--year", "2026")
    code, out, err = run(capsys, *args)
    assert code == 2 and "Traceback" not in err and "内部错误" not in err
    assert err.strip()

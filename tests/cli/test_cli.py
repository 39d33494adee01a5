"""The CLI contract of the foundation issue: commands, keys, JSON shape and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_set_get_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "new", "--name", "王芳", "--year", "2026")
    assert code == 0
    app = out.strip()
    assert app.isdigit()
    assert run(capsys, "set", app, "basic.mobile", "+86 139-8760-1234")[0] == 0
    assert run(capsys, "get", app, "basic.mobile")[1].strip() == "13987601234"
    assert run(capsys, "set", app, "cover.unit_type", "非公有制经济组织和社会组织")[0] == 0
    assert run(capsys, "set", app, "cover.committee_level", "省级")[0] == 0
    assert run(capsys, "set", app, "cover.dispatched", "是")[0] == 0
    code, out, _ = run(capsys, "list")
    [line] = out.strip().splitlines()
    fields = line.split("\t")
    assert fields[0] == app and fields[1] == "王芳" and fields[2] == "2026"
    assert fields[4].endswith("%") and int(fields[4][:-1]) < 100


def test_id_number_sets_derived_birth_date_and_sex(capsys: pytest.CaptureFixture[str]) -> None:
    app = run(capsys, "new", "--name", "赵", "--year", "2026")[1].strip()
    # Full-width digits and a lower-case x are normalised (GB 11643 body with its MOD 11-2 check char).
    body = "53011119900101002"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    typed = body.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + check.lower()
    assert run(capsys, "set", app, "basic.id_number", typed)[0] == 0
    assert run(capsys, "get", app, "basic.id_number")[1].strip() == body + check
    assert run(capsys, "get", app, "basic.birth_date")[1].strip() == "1990-01-01"
    assert run(capsys, "get", app, "basic.sex")[1].strip() == "女"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("basic.id_number", "530102197002300011", "出生日期"),
        ("basic.mobile", "1234567", "手机号码"),
        ("cover.unit_type", "国企", "不是可选项"),
        ("cover.committee_level", "国家级", "不是可选项"),
        ("papers[1].issn", "1001-3998", "ISSN"),
        ("nosuch.field", "x", "没有名为"),
        ("basic.nosuch", "x", "没有字段"),
        ("papers.title", "x", "第几条"),
        ("papers[3].title", "x", "新增一条请用序号 1"),
        ("basic.sex", "男", "自动得出"),
    ],
)
def test_bad_keys_and_values_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], key: str, value: str, expected: str
) -> None:
    app = run(capsys, "new", "--name", "钱", "--year", "2026")[1].strip()
    before = run(capsys, "get", app)[1]
    code, out, err = run(capsys, "set", app, key, value)
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert run(capsys, "get", app)[1] == before


def test_repeatable_set_appends_and_clear(capsys: pytest.CaptureFixture[str]) -> None:
    app = run(capsys, "new", "--name", "孙", "--year", "2026")[1].strip()
    assert run(capsys, "set", app, "papers[1].title", "第一篇")[0] == 0
    assert run(capsys, "set", app, "papers[2].title", "第二篇")[0] == 0
    assert run(capsys, "set", app, "papers[1].title", "")[0] == 0
    answers = json.loads(run(capsys, "get", app)[1])
    assert answers["papers"] == [{}, {"title": "第二篇"}]
    assert list(answers)[:3] == ["basic", "cover", "current_title"]
    assert answers["basic"] == {"name": "孙"}
    assert answers["cover"] == {"year": 2026}
    assert answers["patents"] == []


def test_demo_is_complete_and_one_missing_value_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--year", "2026")
    assert code == 0
    # A human line first (issue 15), the id last: scripts read the last line.
    human, app = out.strip().splitlines()
    assert human.startswith("已创建示例申报：李明远，2026 年度，申报高级工程师") and app.isdigit()
    code, out, _ = run(capsys, "check", app)
    assert code == 0, out
    assert "可以提交" in out
    assert run(capsys, "set", app, "education[1].school", "")[0] == 0
    code, out, _ = run(capsys, "check", app)
    assert code == 1
    assert "学历情况 第1条 毕业院校" in out
    assert "education[1].school" in out
    code, out, _ = run(capsys, "check", app, "--json")
    report = json.loads(out)
    assert code == 1 and report["ready"] is False
    [finding] = [f for f in report["findings"] if f["severity"] == "error"]
    assert (finding["section"], finding["entry"], finding["field"]) == ("education", 1, "school")


def test_demo_covers_all_13_sections(capsys: pytest.CaptureFixture[str]) -> None:
    app = run(capsys, "demo", "--year", "2026")[1].strip().splitlines()[-1]
    answers = json.loads(run(capsys, "get", app)[1])
    assert answers["cover"]["title_name"] == "高级工程师"
    assert answers["cover"]["unit_type"] == "县区国有企事业单位"
    for key, value in answers.items():
        assert value, f"demo leaves {key} empty"
    assert sorted(r["year"] for r in answers["annual_review"]) == [2021, 2022, 2023, 2024, 2025]


def test_check_reports_missing_annual_review_year(capsys: pytest.CaptureFixture[str], services) -> None:
    from desktop_app.demo import create_demo

    app = create_demo(services, year=2026)
    entry = services.load(app).section("annual_review").entries[2]
    services.repo.delete_entry(entry.id)
    report = services.check(app)
    assert not report.is_ready
    assert any("2023" in f.message and f.section == "annual_review" for f in report.errors)


def test_unknown_command_and_missing_app_are_one_chinese_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "命令用法有误" in err
    code, _, err = run(capsys, "get", "999")
    assert code == 2 and "没有编号为 999 的申报" in err
    code, _, err = run(capsys, "new", "--name", "李", "--year", "abc")
    assert code == 2 and "Traceback" not in err


def test_module_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    env = dict(os.environ, ZHICHENG_HOME=str(tmp_path / "h"))
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", "demo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    app = proc.stdout.strip().splitlines()[-1]
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", "check", app],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "h" / "drafts.sqlite").exists()
    # The process leaves without interpreter teardown (__main__._finish): exit codes and messages still arrive.
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", "get", "999"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "没有编号为 999 的申报" in proc.stderr


def test_usage_errors_and_help_speak_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "--name", "李")
    assert code == 2 and "缺少参数 --year" in err
    code, _, err = run(capsys, "new", "--name", "李", "--year", "二〇二六")
    assert code == 2 and "应为整数" in err
    code, _, err = run(capsys, "list", "extra")
    assert code == 2 and "无法识别的参数 extra" in err
    for line in (err,):
        assert "required" not in line and "invalid" not in line
    code, out, _ = run(capsys, "set", "--help")
    assert code == 0 and out.startswith("用法：zhicheng set") and "显示本帮助并退出" in out


def test_a_closed_output_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    """`zhicheng list | head -1`: no 程序内部错误 when the reader goes away, exit 141 as shell tools do."""
    env = dict(os.environ, ZHICHENG_HOME=str(tmp_path / "h"))
    for year in range(2020, 2026):
        subprocess.run(
            [sys.executable, "-m", "desktop_app", "new", "--name", "李", "--year", str(year)],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    # Unbuffered, the write itself fails; buffered (the default), the flush at the end does.
    for unbuffered in ("1", ""):
        run_env = dict(env, PYTHONUNBUFFERED=unbuffered)
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "list"],
            cwd=REPO,
            env=run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before anything was written
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 141, (unbuffered, err)
        assert "程序内部错误" not in err and "Traceback" not in err

"""Issue 13: `na APP SECTION [--off]` and `remove APP SECTION[N]`; bad input exits 2 and writes nothing."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "demo", "--year", "2026")
    assert code == 0
    return out.strip().splitlines()[-1]


def test_na_marks_and_clears_a_section(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    assert run(capsys, "remove", demo, "patents[1]")[0] == 0
    code, _, _ = run(capsys, "check", demo, "--json")
    assert code == 1  # an empty section is neither filled nor 无此项
    code, out, _ = run(capsys, "na", demo, "patents")
    assert code == 0 and "无此项" in out
    assert run(capsys, "check", demo)[0] == 0
    code, out, _ = run(capsys, "na", demo, "patents", "--off")
    assert code == 0 and "取消" in out
    findings = json.loads(run(capsys, "check", demo, "--json")[1])["findings"]
    assert any(f["section"] == "patents" and f["severity"] == "error" for f in findings)


def test_remove_deletes_one_entry_and_renumbers(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    papers = json.loads(run(capsys, "get", demo)[1])["papers"]
    assert len(papers) >= 2
    code, out, _ = run(capsys, "remove", demo, "papers[1]")
    assert code == 0 and "撰写论文情况第1条" in out
    after = json.loads(run(capsys, "get", demo)[1])["papers"]
    assert after == papers[1:]


@pytest.mark.parametrize(
    "args",
    [
        ("na", "{app}", "basic"),
        ("na", "{app}", "nosuch"),
        ("na", "99", "patents"),
        ("remove", "{app}", "papers[99]"),
        ("remove", "{app}", "papers"),
        ("remove", "{app}", "papers[1].title"),
        ("remove", "{app}", "basic[1]"),
        ("remove", "{app}", "papers[\u0661]"),
        ("remove", "{app}", "papers[0]"),
    ],
)
def test_bad_input_exits_2_in_chinese_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], demo: str, args: tuple[str, ...]
) -> None:
    before = run(capsys, "get", demo)[1]
    code, out, err = run(capsys, *(a.format(app=demo) for a in args))
    assert code == 2 and out == ""
    assert err.strip() and "Traceback" not in err and any("\u4e00" <= c <= "\u9fff" for c in err)
    assert run(capsys, "get", demo)[1] == before

"""The scans commands: attach, names, upload-export — output lines and exit codes."""

from __future__ import annotations

from pathlib import Path

from desktop_app.cli import main

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _app(capsys) -> str:
    assert main(["new", "--name", "张三", "--year", "2026"]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_attach_prints_one_line_per_file_and_exit_2_when_any_is_refused(capsys, tmp_path: Path) -> None:
    app = _app(capsys)
    good = CORPUS / "images" / "hopper.jpg"
    code = main(["attach", app, "basic", str(good), str(CORPUS / "images" / "truncated_jpeg.jpg"), str(good)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 2
    assert len(lines) == 3
    assert lines[0].startswith("已添加：hopper.jpg")
    assert lines[1].startswith("未添加：truncated_jpeg.jpg：文件不完整")
    assert lines[2].startswith("重复：hopper.jpg")


def test_attach_all_good_exits_0_and_password_pdf_needs_the_option(capsys) -> None:
    app = _app(capsys)
    locked = str(CORPUS / "pdfs" / "encrypted_aes256_user_pw_foo.pdf")
    assert main(["attach", app, "cover", locked]) == 2
    assert "密码" in capsys.readouterr().out
    assert main(["attach", app, "cover", locked, "--password", "foo", "--kind", "commitment"]) == 0
    assert capsys.readouterr().out.startswith("已添加")


def test_attach_to_a_missing_entry_is_a_usage_error(capsys) -> None:
    app = _app(capsys)
    assert main(["attach", app, "education[3]", str(CORPUS / "images" / "hopper.jpg")]) == 2
    assert "学历情况没有第 3 条" in capsys.readouterr().err


def test_names_prints_verdicts_and_proposals(capsys) -> None:
    code = main(["names", "--section", "education[1]", "本科毕业证书（云南大学）.jpg", "IMG_1234.jpg"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out[0].split("\t")[1] == "命名规范"
    assert out[1].split("\t")[1] == "需要改名" and "02-1_学历情况_毕业证书.jpg" in out[1]
    assert main(["names", "--section", "education", "学士学位证书.jpg"]) == 0


def test_upload_export_on_the_demo(capsys, tmp_path: Path) -> None:
    assert main(["demo", "--year", "2026"]) == 0
    app = capsys.readouterr().out.strip().splitlines()[-1]
    out = tmp_path / "upload"
    assert main(["upload-export", app, "--out", str(out), "--max-kb", "500"]) == 0
    assert "已导出" in capsys.readouterr().out
    sizes = [p.stat().st_size for p in out.rglob("*.jpg")]
    assert len(sizes) >= 31 and max(sizes) <= 500 * 1024
    assert main(["upload-export", app, "--out", str(out)]) == 2
    assert main(["upload-export", app, "--out", str(tmp_path / "x"), "--max-kb", "10"]) == 2

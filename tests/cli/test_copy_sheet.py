"""Issue 15: `copy-sheet APP [--section S]` prints the 填报助手's sequence as “label<TAB>value” lines."""

from __future__ import annotations

import pytest

from desktop_app.cli import main
from desktop_app.usecases.copy_sheet import build_copy_sheet, export_scans, online_order


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _headings(out: str) -> list[str]:
    return [line[1 : line.index("】")] for line in out.splitlines() if line.startswith("【")]


def test_every_non_empty_answer_in_menu_order_with_upload_names(capsys, services, demo_app):
    code, out, err = run(capsys, "copy-sheet", str(demo_app))
    assert code == 0 and err == ""
    lines = out.splitlines()
    # Guide 五（二）: 基本信息, then the 13 sections in left-menu order, then 职称申报 → 个人申报 (the cover).
    order = [s.title for s in online_order(services.forms)]
    assert _headings(out) == order
    assert order[0] == "基本信息" and order[-1] == "职称申报封面" and order[1] == "现有职称情况"
    body = [line for line in lines if "\t" in line]
    pairs = [line.split("\t", 1) for line in body]
    # Every non-empty stored answer appears once as label<TAB>value (ranges as two boxes, long text continued).
    app = services.load(demo_app)
    text = "\n".join(lines)
    for section in services.forms:
        for entry in app.section(section.key).entries:
            for spec in section.fields:
                value = entry.answers.get(spec.key)
                if value in (None, ""):
                    continue
                if spec.type in ("date_range", "month_range"):
                    start, end = str(value).split("~")
                    assert (
                        f"{spec.label}（开始）\t{start}" in lines and f"{spec.label}（结束）\t{end}" in lines
                    )
                elif "\n" in str(value):
                    first = str(value).splitlines()[0]
                    assert f"{spec.label}\t{first}" in lines
                else:
                    # The online system takes 20, not 20.0.
                    shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
                    assert [spec.label, shown] in pairs, (section.key, spec.key)
    # Each scan's upload name appears under its own entry.
    assert "上传扫描件（身份证人像面）\t00_基本信息_身份证人像面.jpg" in lines
    assert sum(1 for line in lines if line.startswith("上传扫描件")) >= len(app.attachments)
    papers = text[text.index("【撰写论文情况】") : text.index("【参加继续教育")]
    assert "—— 第1条" in papers and "11-1_撰写论文情况_" in papers


def test_one_section_by_key_or_title_and_an_unknown_one(capsys, demo_app):
    code, out, _ = run(capsys, "copy-sheet", str(demo_app), "--section", "papers")
    assert code == 0 and _headings(out) == ["撰写论文情况"]
    code, out2, _ = run(capsys, "copy-sheet", str(demo_app), "--section", "撰写论文情况")
    assert code == 0 and out2 == out
    code, out, err = run(capsys, "copy-sheet", str(demo_app), "--section", "论文")
    assert code == 2 and out == "" and "没有名为“论文”的分节" in err


def test_empty_and_not_applicable_sections_are_named(capsys, services):
    app_id = services.new_application("周五", 2026)
    services.set_not_applicable(app_id, "patents", True)
    code, out, _ = run(capsys, "copy-sheet", str(app_id))
    assert code == 0
    assert "【获得专利情况】（申报信息 → 获得专利情况）\n（无此项：在申报系统中不新增）" in out
    assert "【撰写论文情况】（申报信息 → 撰写论文情况）\n（尚未填写）" in out


def test_entry_scans_are_materialised_in_a_folder_of_their_own(services, demo_app, tmp_path):
    sections = build_copy_sheet(services, demo_app, "education")
    [entry] = sections[0].entries
    assert len(entry.scans) == 3
    folder = export_scans(services, demo_app, [s.attachment_id for s in entry.scans], parent=tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(n for s in entry.scans for n in s.upload_names)
    assert all((folder / n).read_bytes()[:2] == b"\xff\xd8" for n in names)

"""forms/*.toml against the guide (《昆明市职称评审申报指南》 五、（二）) and the loader's error reporting."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from desktop_app.formspec.loader import FormDefinitionError, load_forms
from desktop_app.formspec.model import FieldSpec, FormSet, SectionSpec
from desktop_app.formspec.types import check_value
from desktop_app.paths import forms_dir

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_ba46d8be62f754fa.txt"

DATE_TYPES = {"date", "year_month", "year", "date_range", "month_range"}


@pytest.fixture(scope="module")
def forms() -> FormSet:
    return load_forms(forms_dir())


def numbered(forms: FormSet) -> list[SectionSpec]:
    return [s for s in forms if s.is_numbered_section]


def guide_section_titles() -> list[str]:
    """The 13 titles quoted in 五、（二）2 申报信息 “主要内容包括：……”."""
    if not GUIDE.is_file():
        pytest.skip(f"guide not found at {GUIDE}")
    text = GUIDE.read_text(encoding="utf-8")
    part = text.index("五、系统填报说明")
    start = text.index("2.申报信息", part)
    sentence_start = text.index("主要内容包括：", start)
    sentence = text[sentence_start : text.index("。", sentence_start)]
    return re.findall(r"“([^”]+)”", sentence)


def field_by_label(section: SectionSpec, fragment: str) -> FieldSpec:
    matches = [f for f in section.fields if fragment in f.label]
    assert matches, (
        f"{section.title} has no field labelled like “{fragment}”: {[f.label for f in section.fields]}"
    )
    return matches[0]


# --- structure and the guide ---------------------------------------------------------------------------


def test_fifteen_steps_in_menu_order(forms: FormSet) -> None:
    # The menu order is the files' order in forms/ (no list in code): a directory listing reads like the menu.
    assert [s.file for s in forms] == sorted(p.name for p in forms_dir().glob("*.toml"))
    assert forms.keys[:2] == ("basic", "cover")
    assert len(forms) == 15


def test_numbered_titles_are_the_guides_list(forms: FormSet) -> None:
    expected = guide_section_titles()
    assert len(expected) == 13, expected
    sections = numbered(forms)
    assert [s.title for s in sections] == expected
    assert [s.number for s in sections] == list(range(1, 14))
    # Files are named in the same order, so a directory listing reads like the online menu.
    assert [s.file[:2] for s in sections] == [f"{n:02d}" for n in range(3, 16)]


def raw_definitions() -> dict[str, dict]:  # type: ignore[type-arg]
    """The TOML files as written, independent of the loader's own checks."""
    return {p.name: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(forms_dir().glob("*.toml"))}


def test_section_keys_unique() -> None:
    keys = [raw["key"] for raw in raw_definitions().values()]
    assert sorted(keys) == sorted(load_forms().keys)
    assert len(keys) == len(set(keys))


def test_field_and_attachment_keys_unique_per_section() -> None:
    for name, raw in raw_definitions().items():
        fields = [f["key"] for f in raw["fields"]]
        assert len(fields) == len(set(fields)), name
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in fields), name
        kinds = [a["key"] for a in raw.get("attachments", [])]
        assert len(kinds) == len(set(kinds)), name
        labels = [f["label"] for f in raw["fields"]]
        assert len(labels) == len(set(labels)), name


def test_only_the_work_summary_is_a_single_text(forms: FormSet) -> None:
    for section in numbered(forms):
        assert section.repeatable == (section.key != "work_summary"), section.file
    summary = forms.section("work_summary")
    assert summary.print_layout == "text"
    assert not summary.allow_not_applicable
    assert len(summary.fields) == 1
    text = summary.fields[0]
    assert text.type == "long_text" and text.required and text.print == "block"
    assert text.min_length >= 200
    for topic in ("思想政治", "岗位职责", "业绩", "技术问题"):
        assert topic in text.help


def test_repeatable_sections_expect_attachments(forms: FormSet) -> None:
    # Every entry is evidenced by scans of the originals (五、（二）); only the two histories may lack a paper.
    for section in numbered(forms):
        if section.repeatable and section.key != "study_history":
            assert section.attachments, f"{section.file} expects no scans"
        if section.repeatable and section.key not in ("study_history", "work_history"):
            assert any(a.required for a in section.attachments), section.file


def test_summary_fields_are_three_or_four(forms: FormSet) -> None:
    for section in numbered(forms):
        if section.repeatable:
            assert 3 <= len(section.summary_fields) <= 4, section.file


def test_print_settings(forms: FormSet) -> None:
    for section in numbered(forms):
        assert section.print_layout == ("text" if section.key == "work_summary" else "table"), section.file
        for f in section.fields:
            assert f.print_width > 0, (section.file, f.key)
            if f.type == "long_text":
                assert f.print == "block", (section.file, f.key)
        printed = [f for f in section.fields if f.print != "no"]
        assert printed, section.file


def test_past_events_cannot_be_in_the_future(forms: FormSet) -> None:
    for section in numbered(forms):
        for f in section.fields:
            if f.type in DATE_TYPES:
                assert not f.allow_future, (section.file, f.key)


def test_every_field_explains_itself_or_is_obvious(forms: FormSet) -> None:
    # Required fields that are not a plain choice carry help text.
    for section in numbered(forms):
        for f in section.fields:
            if f.required and f.type != "choice":
                assert f.help, (section.file, f.key)


def test_names_of_bodies_must_be_full(forms: FormSet) -> None:
    words = ("院校", "学校", "单位", "机关", "期刊名称", "出版社", "专利权人", "项目来源")
    for section in numbered(forms):
        for f in section.fields:
            if any(w in f.label for w in words) and f.type == "text":
                assert f.full_name, (section.file, f.key)


def test_conditions_refer_to_real_fields_and_values(forms: FormSet) -> None:
    for section in numbered(forms):
        conditions = [(f"fields.{f.key}", f.required_if) for f in section.fields]
        conditions += [(f"attachments.{a.key}", a.required_if) for a in section.attachments]
        for where, cond in conditions:
            if cond is None:
                continue
            target = section.field(cond.field)  # KeyError names a missing field
            assert target.type == "choice", (section.file, where)
            assert cond.values and set(cond.values) <= set(target.choices), (section.file, where, cond.values)


def test_examples_pass_their_own_check(forms: FormSet) -> None:
    # A placeholder shown as an example must be a value the field accepts.
    for section in numbered(forms):
        for f in section.fields:
            if f.placeholder and f.type not in ("choice",):
                checked = check_value(f, f.placeholder)
                assert checked.ok, (section.file, f.key, f.placeholder, checked.error)


def test_summary_fields_name_fields(forms: FormSet) -> None:
    for section in forms:
        for key in section.summary_fields:
            assert section.has_field(key), (section.file, key)


def test_attachment_names_are_not_ambiguous(forms: FormSet) -> None:
    """A file named with one kind's canonical word must not also match another kind of the same section."""
    for section in numbered(forms):
        for kind in section.attachments:
            assert kind.keywords and all(kind.keywords), (section.file, kind.key)
            for other in section.attachments:
                if other is kind:
                    continue
                canonical = other.keywords[0]
                for word in kind.keywords + kind.synonyms:
                    assert word not in canonical, (section.file, kind.key, word, other.key)


# --- what the committee needs, by section ---------------------------------------------------------------


def test_papers_fields(forms: FormSet) -> None:
    papers = forms.section("papers")
    for fragment in ("题目", "期刊名称", "ISSN", "CN 刊号", "发表年月", "卷期", "本人排名", "收录情况"):
        field_by_label(papers, fragment)
    assert field_by_label(papers, "题目").required
    assert field_by_label(papers, "期刊名称").full_name
    assert field_by_label(papers, "ISSN").type == "issn"
    cn = field_by_label(papers, "CN 刊号")
    assert cn.type == "cn_serial" and "国内期刊须填写" in cn.help
    assert field_by_label(papers, "发表年月").type == "year_month"
    assert field_by_label(papers, "卷期").placeholder == "2023年第5期（第42卷）"
    rank = field_by_label(papers, "本人排名")
    assert rank.type == "integer" and rank.required and rank.minimum == 1
    indexing = field_by_label(papers, "收录情况")
    assert indexing.type == "choice" and indexing.choices_editable
    for choice in (
        "SCI",
        "EI",
        "SSCI",
        "CSSCI",
        "中文核心期刊",
        "科技核心期刊",
        "CSCD",
        "一般期刊",
        "会议论文",
    ):
        assert choice in indexing.choices
    kinds = {a.label: a for a in papers.attachments}
    for label in ("期刊封面", "目录页", "论文正文"):
        assert kinds[label].required
    assert not kinds["检索证明"].required


def test_patents_fields(forms: FormSet) -> None:
    patents = forms.section("patents")
    for fragment in ("名称", "类型", "专利号", "授权日期", "本人排名"):
        field_by_label(patents, fragment)
    assert field_by_label(patents, "类型").choices == ("发明专利", "实用新型专利", "外观设计专利")
    assert field_by_label(patents, "专利号").type == "patent_number"
    granted = field_by_label(patents, "授权日期")
    assert granted.type == "date" and granted.required and not granted.allow_future
    assert field_by_label(patents, "本人排名").type == "integer"
    certificate = [a for a in patents.attachments if a.label == "专利证书"]
    assert certificate and certificate[0].required


def test_education_expects_the_three_certificates(forms: FormSet) -> None:
    education = forms.section("education")
    assert education.min_entries >= 1 and not education.allow_not_applicable
    labels = [a.label for a in education.attachments]
    assert len(labels) == 3
    assert "毕业证书" in labels and "学位证书" in labels
    record = [a for a in education.attachments if "学历证书电子注册备案表" in a.label]
    assert record, labels
    diploma = next(a for a in education.attachments if a.label == "毕业证书")
    assert diploma.required and diploma.per == "entry"
    assert diploma.keywords[:2] == ("毕业证书", "毕业证")
    assert "学信网备案表" in record[0].keywords
    # The guide names the form 《教育部学历证书电子注册备案表》 (二、14).
    if GUIDE.is_file():
        assert "《教育部学历证书电子注册备案表》" in GUIDE.read_text(encoding="utf-8")
        assert record[0].label == "教育部学历证书电子注册备案表"
    assert field_by_label(education, "毕业院校").full_name
    assert field_by_label(education, "毕业时间").type == "date"


def test_current_title_may_be_absent(forms: FormSet) -> None:
    current = forms.section("current_title")
    assert current.allow_not_applicable
    assert field_by_label(current, "级别").choices == ("正高", "副高", "中级", "助理级", "员级")
    appointed_on = field_by_label(current, "聘任时间")
    assert appointed_on.required_if is not None and appointed_on.required_if.values == ("是",)
    keywords = {w for a in current.attachments for w in a.keywords}
    assert {"职称证书", "资格证书", "聘书", "聘任文件", "聘用合同"} <= keywords


def test_work_history_is_required_and_open_ended(forms: FormSet) -> None:
    work = forms.section("work_history")
    assert work.min_entries >= 1 and not work.allow_not_applicable
    period = field_by_label(work, "起止时间")
    assert period.type == "month_range" and period.allow_open_end and period.required
    assert field_by_label(work, "工作单位").full_name


def test_annual_review_covers_five_years(forms: FormSet) -> None:
    review = forms.section("annual_review")
    assert review.min_entries == 5 and not review.allow_not_applicable
    year = review.field("year")
    assert year.type == "year" and year.required
    result = field_by_label(review, "考核结果")
    assert result.required
    assert {"优秀", "合格", "基本合格", "不合格"} <= set(result.choices)
    assert "五年" in review.help
    assert review.attachments[0].keywords[0] == "年度考核登记表"


# --- the loader names the broken file and key ----------------------------------------------------------


def copy_forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    load_forms(folder)  # the unmodified copy loads
    return folder


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_type_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(folder / "13_papers.toml", 'type = "issn"', 'type = "issn_code"')
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "13_papers.toml"
    assert caught.value.key == "fields.issn.type"
    assert "13_papers.toml" in str(caught.value) and "issn_code" in str(caught.value)


def test_duplicate_field_key_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    path = folder / "10_patents.toml"
    rewrite(path, 'key = "inventor_count"', 'key = "rank"')
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "10_patents.toml"
    assert caught.value.key == "fields.rank"
    assert "重复" in caught.value.detail


def test_missing_label_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(folder / "10_patents.toml", 'label = "专利号"\n', "")
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "10_patents.toml"
    assert caught.value.key == "fields.patent_number.label"


def test_bad_required_if_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(
        folder / "03_current_title.toml",
        'required_if = { field = "appointed", values = ["是"] }',
        'required_if = { field = "appointment_status", values = ["是"] }',
    )
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "03_current_title.toml"
    assert caught.value.key == "fields.appointed_on.required_if"
    assert "appointment_status" in caught.value.detail


def test_malformed_required_if_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(
        folder / "15_annual_review.toml",
        'required_if = { field = "result", values = ["不定等次", "未参加考核"] }',
        'required_if = { field = "result", value = "不定等次" }',
    )
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "15_annual_review.toml"
    assert caught.value.key == "fields.remark.required_if"


def test_missing_section_names_folder_and_section(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    (folder / "15_annual_review.toml").unlink()
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == folder.name
    assert "annual_review" in caught.value.detail
    assert folder.name in str(caught.value)


def test_misnumbered_section_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(folder / "13_papers.toml", "number = 11\n", "number = 12\n")
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.key == "number"


def test_sections_come_from_the_folder_not_from_code(tmp_path: Path) -> None:
    """A section added to forms/ (file prefix and next number) joins the menu with no code change (issue 11)."""
    folder = copy_forms(tmp_path)
    extra = (folder / "15_annual_review.toml").read_text(encoding="utf-8")
    extra = extra.replace('key = "annual_review"', 'key = "extra_section"').replace(
        "number = 13", "number = 14"
    )
    (folder / "16_extra_section.toml").write_text(extra, encoding="utf-8")
    forms = load_forms(folder)
    assert forms.keys[-1] == "extra_section" and forms.section("extra_section").number == 14


def test_numbers_out_of_menu_order_are_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    rewrite(folder / "13_papers.toml", "number = 11", "number = 12")
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.key == "number" and "依次编号 1 至 13" in caught.value.detail


def test_a_file_without_its_menu_position_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    (folder / "13_papers.toml").rename(folder / "papers.toml")
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "papers.toml" and "两位菜单序号" in caught.value.detail


def test_the_field_that_names_scans_is_declared(tmp_path: Path) -> None:
    forms = load_forms()
    assert forms.section("papers").name_field == "title"
    assert all(s.has_field(s.name_field) for s in forms if s.name_field)
    folder = copy_forms(tmp_path)
    rewrite(folder / "13_papers.toml", 'name_field = "title"', 'name_field = "paper_title"')
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(folder)
    assert caught.value.file == "13_papers.toml" and caught.value.key == "name_field"

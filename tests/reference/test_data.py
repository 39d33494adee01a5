"""The reference tables against the 2022 guide: counts, verbatim spot checks, look-ups, broken files."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from desktop_app.paths import resources_dir
from desktop_app.reference import (
    REFERENCE_FILES,
    TIERS,
    Committee,
    Reference,
    ReferenceDataError,
    load_reference,
    validate_reference_folder,
)

BUNDLED = resources_dir() / "reference"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def _committee(ref: Reference, level: str, number: int) -> Committee:
    return next(c for c in ref.committees if c.level == level and c.number == number)


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_every_file_carries_edition_and_source(name: str) -> None:
    with (BUNDLED / name).open("rb") as handle:
        data = tomllib.load(handle)
    assert data["edition"] == 2022
    assert data["source"] == "《昆明市职称评审申报指南》2022"


def test_default_load_is_cached_and_has_edition(ref: Reference) -> None:
    assert ref.edition == 2022
    assert load_reference() is load_reference()


# ----------------------------------------------------------------------------- series (二、1)


def test_series_count_and_order(ref: Reference) -> None:
    assert len(ref.series) == 26
    assert [s.number for s in ref.series] == list(range(1, 27))
    assert ref.series[0].name == "高等学校教师"
    assert ref.series[4].name == "工程技术人员"
    assert ref.series[25].name == "律师"


def test_total_titles_and_tracks(ref: Reference) -> None:
    # Counted in the guide's table: 55 rows of names, 231 names in all.
    assert sum(len(s.tracks) for s in ref.series) == 55
    assert sum(len(t.levels) for s in ref.series for t in s.tracks) == 231


def test_track_counts_per_series(ref: Reference) -> None:
    multi = {
        "卫生技术人员": ["医疗", "药学", "护理", "技术"],
        "农业技术人员": ["农艺", "畜牧", "兽医", "农业技术推广"],
        "新闻专业人员": ["记者", "编辑"],
        "技工院校教师": ["讲师", "实习指导教师"],
        "体育专业人员": ["教练", "运动防护"],
        "经济专业人员": ["经济", "人力资源管理", "知识产权"],
        "中等职业学校教师": ["讲师", "实习指导教师"],
        "公共法律服务专业人员": ["公证员", "司法鉴定人", "法医"],
    }
    for series in ref.series:
        names = [t.name for t in series.tracks]
        if series.name == "艺术专业人员":
            assert len(names) == 16
        elif series.name in multi:
            assert names == multi[series.name]
        else:
            assert names == [series.name]


def test_engineering_titles_and_tiers(ref: Reference) -> None:
    track = ref.track("工程技术人员", "工程技术人员")
    assert track is not None
    assert [(lv.name, lv.tier) for lv in track.levels] == [
        ("正高级工程师", "正高"),
        ("高级工程师", "副高"),
        ("工程师", "中级"),
        ("助理工程师", "助理级"),
        ("技术员", "员级"),
    ]


def test_university_teachers_have_no_yuanji(ref: Reference) -> None:
    assert ref.titles("高等学校教师") == ("教授", "副教授", "讲师", "助教")
    assert ref.tier_of("高等学校教师", "助教") == "助理级"


@pytest.mark.parametrize(
    ("series", "title", "tier"),
    [
        ("卫生技术人员", "主治（主管）医师", "中级"),
        ("卫生技术人员", "医士", "员级"),
        ("卫生技术人员", "副主任护师", "副高"),
        ("卫生技术人员", "技士", "员级"),
        ("律师", "律师助理", "员级"),
        ("律师", "一级律师", "正高"),
        ("中小学教师", "三级教师", "员级"),
        ("中小学教师", "一级教师", "中级"),
        ("图书资料专业人员", "管理员", "员级"),
        ("档案专业人员", "助理馆员", "助理级"),
        ("工艺美术专业人员", "助理工艺美术师", "助理级"),
        ("翻译专业人员", "译审", "正高"),
        ("翻译专业人员", "一级翻译", "副高"),
        ("新闻专业人员", "主任编辑", "副高"),
        ("体育专业人员", "初级教练", "助理级"),
        ("技工院校教师", "三级实习指导教师", "员级"),
        ("艺术专业人员", "二级导演（编导）", "副高"),
        ("公共法律服务专业人员", "主检法医师", "中级"),
        ("农业技术人员", "农业技术员", "员级"),
    ],
)
def test_tier_of(ref: Reference, series: str, title: str, tier: str) -> None:
    assert ref.tier_of(series, title) == tier


def test_tier_of_unknown(ref: Reference) -> None:
    # 文物博物 has no 员级 in the guide (its fifth column is blank).
    assert ref.tier_of("文物博物专业人员", "管理员") is None
    assert ref.tier_of("不存在的系列", "工程师") is None


def test_agricultural_extension_researcher_is_a_single_zhenggao_track(ref: Reference) -> None:
    track = ref.track("农业技术人员", "农业技术推广")
    assert track is not None
    assert [(lv.name, lv.tier) for lv in track.levels] == [("农业技术推广研究员", "正高")]
    assert ref.titles("农业技术人员", "畜牧") == ("正高级畜牧师", "高级畜牧师", "畜牧师", "助理畜牧师")


def test_levels_run_from_high_to_low_and_titles_are_unique(ref: Reference) -> None:
    for series in ref.series:
        names = ref.titles(series.name)
        assert len(names) == len(set(names)), series.name
        for track in series.tracks:
            ranks = [TIERS.index(lv.tier) for lv in track.levels]
            assert ranks == sorted(set(ranks)), (series.name, track.name)
            assert all(lv.name == lv.name.strip() for lv in track.levels)


# ----------------------------------------------------------------------------- committees (三)


def test_committee_counts(ref: Reference) -> None:
    high = [c for c in ref.committees if c.level == "高级"]
    mid = [c for c in ref.committees if c.level == "中级"]
    assert [c.number for c in high] == list(range(1, 12))
    assert [c.number for c in mid] == list(range(1, 48))


def test_committee_spot_checks(ref: Reference) -> None:
    rail = _committee(ref, "中级", 13)
    assert rail.name == "昆明市工程系列轨道交通专业中级职称评审委员会"
    assert rail.phone == "63644999转1转627005"
    assert rail.organiser == "昆明地铁运营有限公司"
    assert _committee(ref, "高级", 2).phone == "0871-63966158"
    assert _committee(ref, "高级", 7).scope == "在本市所属企事业单位从事农业技术相关专业工作"
    food = _committee(ref, "中级", 45)
    assert (
        food.scope
        == "评议、审定昆明市（除中央直属和省属单位外）企事业单位中从事食品检验、检测等相关专业的在职专业技术人员中级职称资格"
    )
    assert food.series == ("工程技术人员",)


def test_committee_lines_broken_in_the_guide_are_joined(ref: Reference) -> None:
    assert _committee(ref, "高级", 4).organiser == "昆明市工业和信息化局"
    assert _committee(ref, "高级", 10).organiser == "昆明市文化和旅游局"
    assert _committee(ref, "高级", 6).name == "昆明市交通工程高级工程师评审委员会"
    assert _committee(ref, "中级", 43).name == "昆明阳宗海风景名胜区中小学教师中级职称评审委员会"
    assert _committee(ref, "中级", 2).organiser == "云南师范大学附属小学"
    for c in ref.committees:
        for text in (c.name, c.scope, c.organiser, c.phone):
            assert "\n" not in text and text == text.strip()


def test_committee_series_mapping(ref: Reference) -> None:
    expected = {
        ("高级", 4): ("工程技术人员",),
        ("高级", 2): ("卫生技术人员",),
        ("高级", 1): ("中小学教师",),
        ("高级", 9): ("经济专业人员",),
        ("中级", 47): ("卫生技术人员",),
        ("中级", 1): ("高等学校教师",),
        ("中级", 22): ("体育专业人员",),
        ("中级", 4): ("律师",),
        ("中级", 3): ("公共法律服务专业人员",),
        ("中级", 6): ("哲学社会科学研究人员",),
    }
    for (level, number), series in expected.items():
        assert _committee(ref, level, number).series == series


def test_committee_districts_match_office_areas(ref: Reference) -> None:
    areas = set(ref.districts())
    districts = {c.district for c in ref.committees if c.district is not None}
    # The free-trade zone is listed as its own review area; it has no row of its own in 四.
    assert districts - areas == {"中国（云南）自由贸易试验区昆明片区"}
    assert _committee(ref, "中级", 41).district == "寻甸县"
    assert _committee(ref, "中级", 42).district == "昆明经济技术开发区"
    assert _committee(ref, "中级", 43).district == "阳宗海风景名胜区"
    assert _committee(ref, "中级", 2).district is None
    assert _committee(ref, "中级", 2).unit == "云南师范大学附属小学"
    assert all(c.district is None for c in ref.committees if c.level == "高级")


def test_committees_for_high_health(ref: Reference) -> None:
    names = [c.name for c in ref.committees_for("卫生技术人员", "副高")]
    assert names == ["昆明市卫生技术高级职称评审委员会", "昆明市基层卫生高级职称评审委员会"]
    assert [c.name for c in ref.committees_for("卫生技术人员", "中级")] == [
        "昆明市药学（药品）专业主管药师评审委员会"
    ]
    assert ref.committees_for("卫生技术人员", "正高") == ref.committees_for("卫生技术人员", "副高")


def test_committees_for_district(ref: Reference) -> None:
    all_mid = ref.committees_for("中小学教师", "中级")
    assert len(all_mid) == 18
    wuhua = [c.name for c in ref.committees_for("中小学教师", "中级", "五华区")]
    assert "五华区中小学教师中级职称评审委员会" in wuhua
    assert "盘龙区中小学教师中级职称评审委员会" not in wuhua
    assert "昆明市中小学一级教师评审委员会" in wuhua
    dongchuan = [c.name for c in ref.committees_for("工程技术人员", "中级", "东川区")]
    assert "东川区工程技术中级职称评审委员会" in dongchuan
    assert "中国（云南）自由贸易试验区昆明片区建筑工程中级职称评审委员会" not in dongchuan
    assert "昆明市机电工程中级职称评审委员会" in dongchuan


def test_committees_for_junior_tiers_and_bad_tier(ref: Reference) -> None:
    assert ref.committees_for("工程技术人员", "助理级") == ()
    assert ref.committees_for("工程技术人员", "员级") == ()
    # 3 high (机电、建筑、交通) and 12 intermediate engineering committees.
    numbers = [(c.level, c.number) for c in ref.committees_for("工程技术人员")]
    assert numbers == [("高级", 4), ("高级", 5), ("高级", 6)] + [
        ("中级", n) for n in (8, 9, 10, 11, 12, 13, 14, 15, 16, 30, 44, 45)
    ]
    with pytest.raises(ValueError, match="职称层级"):
        ref.committees_for("工程技术人员", "高级")


# ----------------------------------------------------------------------------- plan (二、5)


def test_plan_counts(ref: Reference) -> None:
    assert [p.number for p in ref.plan if p.level == "高级"] == list(range(1, 12))
    assert [p.number for p in ref.plan if p.level == "中级"] == list(range(1, 47))


def test_every_plan_row_resolves(ref: Reference) -> None:
    for row in ref.plan:
        committee = ref.committee_by_name(row.committee)
        assert committee is not None, row.name
        assert committee.level == row.level
        assert row.month_text == f"{row.month}月底前"
    planned = {row.committee for row in ref.plan}
    unplanned = [c.name for c in ref.committees if c.name not in planned]
    assert unplanned == ["云南师范大学附属小学中小学教师一级教师职称评审委员会"]


def test_plan_for(ref: Reference) -> None:
    row = ref.plan_for("昆明市基层卫生高级职称评审委员会")
    assert row is not None
    assert row.name == "昆明市基层卫生技术高级职称评审委员会"
    assert (row.month_text, row.month) == ("10月底前", 10)
    by_plan_name = ref.plan_for("昆明市中专高级讲师评审委员会")
    assert by_plan_name is not None and by_plan_name.committee == "昆明市中等专业学校高级讲师评审委员会"
    rail = ref.plan_for("昆明市工程系列轨道交通专业中级职称评审委员会")
    assert rail is not None and rail.name == "昆明市轨道交通工程中级职称评审委员会"
    economists = ref.plan_for("昆明市高级经济师评审委员会")
    assert economists is not None and economists.month == 11
    assert ref.plan_for("云南师范大学附属小学中小学教师一级教师职称评审委员会") is None


# ----------------------------------------------------------------------------- offices (四)


def test_office_counts_and_districts(ref: Reference) -> None:
    assert [o.number for o in ref.offices] == list(range(1, 23))
    assert len(ref.districts()) == 20
    assert ref.districts()[:3] == ("五华区", "西山区", "盘龙区")
    assert ref.offices[21].name == "昆明地铁运营有限公司" and ref.offices[21].area is None


def test_office_spot_checks(ref: Reference) -> None:
    (yiliang,) = ref.office_for("宜良县")
    assert yiliang.number == 11
    assert yiliang.address == "宜良县汇东西路与白鹭街交汇处宜良县就业和社会保障服务中心2楼206室"
    assert yiliang.phones == ("0871-67540716",)
    xishan = ref.office_for("西山区")
    assert [o.number for o in xishan] == [2, 3]
    assert xishan[0].scope != xishan[1].scope
    assert xishan[1].phones == ("0871-68367604", "0871-68158354")
    assert ref.offices[3].phones == ("0871-65615187", "0871-65629523")


def test_office_phone_spellings(ref: Reference) -> None:
    anning = ref.offices[8]
    assert anning.area == "安宁市"
    assert anning.phones_as_printed == ("0871—68699750",)
    assert anning.phones == ("0871-68699750",)
    fumin = ref.offices[9]
    assert fumin.phones_as_printed == ("0871--68811142",)
    assert fumin.phones == ("0871-68811142",)
    for office in ref.offices[:21]:
        for phone in office.phones:
            assert phone.startswith("0871-") and len(phone) == len("0871-12345678"), phone


# ----------------------------------------------------------------------------- 二、19 specialties


def test_engineering_specialties(ref: Reference) -> None:
    specialties = ref.engineering_specialties
    assert len(specialties) == 40
    assert specialties[0] == "机械" and specialties[-1] == "地震"
    assert "石油与天然气" in specialties and "船舶与海洋" in specialties
    with (BUNDLED / "engineering_specialties.toml").open("rb") as handle:
        assert tomllib.load(handle)["declare_as"] == "工程技术"


# ----------------------------------------------------------------------------- broken folders


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(BUNDLED, target)
    return target


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_copy_of_bundled_folder(copy: Path) -> None:
    data = validate_reference_folder(copy)
    assert data == load_reference()


def test_bad_tier_names_file_and_key(copy: Path) -> None:
    _edit(copy, "series.toml", 'tier = "员级"', 'tier = "特级"')
    with pytest.raises(ReferenceDataError) as info:
        validate_reference_folder(copy)
    message = str(info.value)
    assert "series.toml" in message and ".tier" in message and "特级" in message
    assert isinstance(info.value, ValueError)


def test_unresolved_plan_row(copy: Path) -> None:
    _edit(
        copy,
        "review_plan.toml",
        'committee = "昆明市高级经济师评审委员会"',
        'committee = "昆明市不存在评审委员会"',
    )
    with pytest.raises(ReferenceDataError, match=r"review_plan\.toml.*plan\[10\]\.committee"):
        load_reference(copy)


def test_duplicate_committee_name(copy: Path) -> None:
    _edit(
        copy,
        "committees.toml",
        'name = "昆明市基层卫生高级职称评审委员会"',
        'name = "昆明市卫生技术高级职称评审委员会"',
    )
    with pytest.raises(ReferenceDataError, match="重复"):
        load_reference(copy)


def test_unknown_series_in_committee(copy: Path) -> None:
    _edit(copy, "committees.toml", 'series = ["律师"]', 'series = ["律师系列"]')
    with pytest.raises(ReferenceDataError, match=r"committees\.toml.*series\[0\]"):
        load_reference(copy)


def test_edition_mismatch(copy: Path) -> None:
    _edit(copy, "offices.toml", "edition = 2022", "edition = 2023")
    with pytest.raises(ReferenceDataError, match=r"offices\.toml.*edition"):
        load_reference(copy)


def test_missing_file_and_bad_syntax(copy: Path) -> None:
    (copy / "engineering_specialties.toml").unlink()
    with pytest.raises(ReferenceDataError, match="engineering_specialties.toml"):
        load_reference(copy)
    (copy / "engineering_specialties.toml").write_text("edition = [", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="TOML"):
        load_reference(copy)


def test_empty_table_is_refused(copy: Path) -> None:
    (copy / "engineering_specialties.toml").write_text(
        'edition = 2022\nsource = "x"\nspecialties = []\n', encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="specialties"):
        load_reference(copy)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="文件夹"):
        validate_reference_folder(tmp_path / "nope")

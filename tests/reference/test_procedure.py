"""Issue 11/13: the guide's procedure is data — imported with 导入新版名录, another city served without code."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.packet.layout import Text
from desktop_app.packet.tier_pages import tiers_part
from desktop_app.paths import resources_dir
from desktop_app.reference import REFERENCE_FILES, ReferenceDataError, approval_chain, load_reference
from desktop_app.reference.data import reload_default_reference

BUNDLED = resources_dir() / "reference"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def default_reference_cache():
    reload_default_reference()
    yield
    reload_default_reference()


def copy_guide(folder: Path, edition: int = 2023, **replace: str) -> Path:
    folder.mkdir(parents=True)
    for name in REFERENCE_FILES:
        text = (
            (BUNDLED / name).read_text(encoding="utf-8").replace("edition = 2022", f"edition = {edition}", 1)
        )
        if name == "procedure.toml":
            for old, new in replace.items():
                assert old in text
                text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def printed_text(services, app_id: int) -> str:
    from desktop_app.packet.fonts import register_fonts

    register_fonts()
    part = tiers_part(services.load(app_id), services.reference)
    return "\n".join(op.text for page in part.pages for op in page.ops if isinstance(op, Text))


def test_importing_a_new_city_hr_name_changes_the_provincial_tier_page(
    tmp_path: Path, capsys, services, demo_app: int
) -> None:
    services.set_answer(demo_app, "cover.committee_level", "省级")
    services.set_answer(demo_app, "cover.committee", "云南省工程系列机械工程专业高级职称评审委员会")
    assert "昆明市人力资源和社会保障局" in printed_text(services, demo_app)
    newer = copy_guide(
        tmp_path / "新版",
        **{'city_hr = "昆明市人力资源和社会保障局"': 'city_hr = "昆明市人力资源和社会保障局（新名称）"'},
    )
    newer_text = (newer / "procedure.toml").read_text(encoding="utf-8")
    assert 'city_hr = "昆明市人力资源和社会保障局（新名称）"' in newer_text
    assert main(["reference-import", str(newer)]) == 1
    assert "【审核程序】变更：市人力资源和社会保障部门" in capsys.readouterr().out
    assert main(["reference-import", str(newer), "--yes"]) == 0
    capsys.readouterr()
    from desktop_app.services import Services

    fresh = Services(home=services.home, today=date(2026, 11, 27))
    try:
        assert "昆明市人力资源和社会保障局（新名称）" in printed_text(fresh, demo_app)
    finally:
        fresh.close()


MADE_UP_CITY = {
    'guide_title = "《昆明市职称评审申报指南》"': 'guide_title = "《示例市职称评审申报指南》"',
    'city = "昆明市"': 'city = "示例市"',
    'city_hr = "昆明市人力资源和社会保障局"': 'city_hr = "示例市人力资源和社会保障局"',
    # This city's state-owned units also go through the district office, and the province adds nothing.
    'chain = ["unit", "department"]\n': 'chain = ["unit", "department", "county_hr"]\n',
    'adds = ["city_hr"]': "adds = []",
}


def test_a_made_up_citys_guide_gives_its_own_chain(tmp_path: Path) -> None:
    folder = copy_guide(tmp_path / "示例市", **MADE_UP_CITY)
    other = load_reference(folder).procedure
    assert other.city == "示例市"
    chain = approval_chain("市属国有企事业单位", "省级", False, procedure=other)
    assert [t.name for t in chain] == ["单位", "主管部门", "县（市）区人力资源社会保障部门"]
    bundled = approval_chain("市属国有企事业单位", "省级", False)
    assert [t.name for t in bundled] == ["单位", "主管部门", "市人力资源和社会保障局"]


def test_a_made_up_citys_packet_prints_its_chain(tmp_path: Path, services, demo_app: int) -> None:
    folder = copy_guide(tmp_path / "示例市", **MADE_UP_CITY)
    services.reference = load_reference(folder)
    services.set_answer(demo_app, "cover.unit_type", "市属国有企事业单位")
    text = printed_text(services, demo_app)
    assert "县（市）区人力资源社会保障部门审核意见" in text
    assert "市人力资源和社会保障局审核意见" not in text


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('chain = ["unit", "department"]\n', 'chain = ["unit", "nosuch"]\n', "unit_types[0].chain[1]"),
        ('unit_type = "非公有制经济组织和社会组织"', 'unit_type = "个体户"', "dispatch.rules[0].unit_type"),
        ('organisation = "city_hr"', 'organisation = "somewhere"', "tiers.city_hr.organisation"),
    ],
)
def test_a_broken_procedure_names_its_key(tmp_path: Path, old: str, new: str, where: str) -> None:
    folder = copy_guide(tmp_path / "坏", **{old: new})
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    assert "procedure.toml" in str(caught.value) and where in str(caught.value)


def test_cover_unit_type_choices_come_from_the_guide_data(services) -> None:
    from desktop_app.formspec.dynamic import dynamic_choices

    spec = services.forms.section("cover").field("unit_type")
    assert spec.choices == ()
    assert dynamic_choices(spec, {}, {}, services.reference) == services.reference.procedure.unit_type_names


def test_python_code_names_no_city() -> None:
    # Only comments and docstrings may mention the city; everything the app prints comes from the data.
    offenders = []
    for path in (REPO / "desktop_app").rglob("*.py"):
        in_doc = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            quotes = stripped.count('"""')
            if in_doc or stripped.startswith('"""') or stripped.startswith("#"):
                in_doc = in_doc != (quotes % 2 == 1) if not stripped.startswith("#") else in_doc
                continue
            code = re.sub(r"#.*$", "", line)
            if "昆明" in code:
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert offenders == []


def test_bundled_folder_is_untouched(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED, tmp_path / "copy")
    assert (
        load_reference(tmp_path / "copy").procedure.unit_type_names
        == load_reference().procedure.unit_type_names
    )


DISPATCHED_TO_PUBLIC_INSTITUTION = {
    "cover.unit_type": "市属国有企事业单位",
    "cover.dispatched": "是",
    "cover.dispatch_company": "云南某某人力资源服务有限公司",
    "cover.employer_nature": "事业单位",
    "cover.employer_name": "宜良县水务管理站",
    "basic.unit": "云南某某人力资源服务有限公司",
}


def test_dispatched_to_a_public_institution_packet_has_the_district_office_and_no_department(
    services, demo_app: int, tmp_path: Path, capsys
) -> None:
    from pypdf import PdfReader

    for key, value in DISPATCHED_TO_PUBLIC_INSTITUTION.items():
        services.set_answer(demo_app, key, value)
    agreement = tmp_path / "劳务派遣协议.png"
    from PIL import Image

    Image.new("RGB", (1240, 1754), "white").save(agreement, dpi=(150, 150))
    assert main(["attach", str(demo_app), "cover", str(agreement), "--kind", "dispatch_agreement"]) == 0
    assert main(["check", str(demo_app)]) == 0, capsys.readouterr().out
    out = tmp_path / "packet.pdf"
    assert main(["packet", str(demo_app), "--out", str(out)]) == 0
    reader = PdfReader(str(out))

    def titles(items: list) -> list[str]:
        return [t for item in items for t in (titles(item) if isinstance(item, list) else [str(item.title)])]

    flat = " ".join(titles(reader.outline))
    assert "属地县（市）区人力资源社会保障部门审核意见" in flat
    assert "主管部门审核意见" not in flat
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "宜良县水务管理站" in text  # the 用人单位's own 审核 and 公示 pages are kept
    assert "宜良县人力资源和社会保障局" in text


def test_a_freelancers_tier_and_publicity_pages_print_the_agency(services, demo_app: int) -> None:
    from desktop_app.packet.fonts import register_fonts
    from desktop_app.packet.tier_pages import publicity_part

    register_fonts()
    for key, value in {
        "basic.is_freelancer": "是",
        "basic.unit": "",
        "basic.freelance_started_on": "2020-01",
        "basic.recommending_agency": "昆明市人才服务中心",
        "cover.unit_type": "自由职业者",
    }.items():
        services.set_answer(demo_app, key, value)
    assert not [f for f in services.check(demo_app).errors if f.section in ("basic", "cover") and f.field]
    app = services.load(demo_app)
    texts = [
        op.text
        for part in (tiers_part(app, services.reference), publicity_part(app, services.reference))
        for page in part.pages
        for op in page.ops
        if isinstance(op, Text)
    ]
    assert "推荐机构" in texts and "工作单位" not in texts
    assert "昆明市人才服务中心" in " ".join(texts)

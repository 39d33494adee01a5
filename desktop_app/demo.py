"""A complete, realistic sample application: a 高级工程师 applicant at a county state-owned unit.

Every value goes through the same validation as the wizard and `set`; the person, unit and numbers
are invented (ID, ISBN and patent check characters are computed so they are well-formed).
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING, Any

from desktop_app.formspec.validators import id_check_char, patent_check_char
from desktop_app.paths import resources_dir
from desktop_app.reference import annual_review_years

if TYPE_CHECKING:
    from desktop_app.services import Services


def _id_number(body17: str) -> str:
    return body17 + id_check_char(body17)


def _isbn13(body12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _patent(body12: str) -> str:
    return f"ZL{body12}.{patent_check_char(body12)}"


UNIT = "宜良县水务产业投资有限公司"

SUMMARY = (
    "本人自2004年7月参加工作以来，一直在县属国有企业从事机电设备安装、运行维护和技术管理工作，"
    "2016年取得工程师职称并受聘至今。任现职以来，认真贯彻执行国家和行业技术标准，坚持理论联系实际，"
    "主持或参与完成了宜良县城乡供水一体化工程机电设备安装、南盘江提水泵站自动化改造等重点项目。\n"
    "一、专业技术工作业绩：负责泵站机组选型、变频调速系统设计和调试，组织编制设备安装施工方案和运行规程，"
    "解决了老旧泵站机组振动大、能耗高的问题，改造后单位供水电耗下降约12%。\n"
    "二、技术创新：针对水泵机组轴承温度监测不及时的问题，设计了一种泵站机组在线监测装置，获得实用新型专利授权，"
    "已在公司三座泵站推广应用。\n"
    "三、传帮带和继续教育：每年按规定完成继续教育学时，指导三名助理工程师开展设备调试工作，"
    "撰写并发表专业论文两篇，参编技术著作一部。今后将继续提高专业技术水平，为县域供水安全贡献力量。"
)


def demo_places() -> dict[str, str]:
    """The demo's local names (committee, schools, bodies) from resources/demo/places.toml."""
    with (resources_dir() / "demo" / "places.toml").open("rb") as handle:
        return {str(k): str(v) for k, v in tomllib.load(handle).items()}


def sample_answers(year: int) -> dict[str, Any]:
    """The demo's answers by section, as raw text a person would type."""
    reviews = annual_review_years(year)
    places = demo_places()
    return {
        # Not a section: the demo's local names, for the generated scans (the ID card's address).
        "places": places,
        "basic": {
            "name": "李明远",
            "id_number": _id_number("53012519820416031"),
            "ethnicity": "汉族",
            "political_status": "中共党员",
            "mobile": "13987601234",
            "email": "limingyuan@example.com",
            "unit": UNIT,
            "department": "工程技术部",
            "post": "专业技术十级岗位",
            "profession": "机电工程",
            "work_started_on": "2004-07",
            "highest_education": "大学本科",
            "highest_degree": "学士",
            "is_civil_servant": "否",
            "is_retired": "否",
            "is_freelancer": "否",
        },
        "cover": {
            "year": str(year),
            "series": "工程技术人员",
            "track": "工程技术人员",
            "declare_type": "工程技术",
            "specialty": "机电工程",
            "tier": "副高",
            "title_name": "高级工程师",
            "committee_level": "市级",
            "committee": places["committee"],
            "unit_type": "县区国有企事业单位",
            "supervisor": "宜良县人民政府国有资产监督管理办公室",
            "district": "宜良县",
            "dispatched": "否",
            "publicity_start": f"{year}-06-15" if year < 2100 else "",
            "publicity_place": "公司办公楼一楼公示栏",
        },
        "current_title": [
            {
                "series": "工程技术人员",
                "title_name": "工程师",
                "tier": "中级",
                "specialty": "机电工程",
                "method": "评审",
                "obtained_on": "2016-12-20",
                "issuer": places["title_issuer"],
                "certificate_number": "KM2016-0341",
                "appointed": "是",
                "appointed_on": "2017-01-01",
                "appointing_unit": UNIT,
                "appointed_post": "专业技术十级岗位",
            }
        ],
        "education": [
            {
                "education_level": "大学本科",
                "degree": "学士",
                "school": places["school"],
                "major": "机械设计制造及其自动化",
                "study_mode": "全日制",
                "enrolled_on": "2000-09",
                "graduated_on": "2004-07-01",
                "diploma_number": "106741200405000318",
                "degree_number": "1067442004000318",
            }
        ],
        "study_history": [
            {
                "period": "2000-09~2004-07",
                "school": places["school"],
                "major": "机械设计制造及其自动化",
                "study_mode": "全日制",
                "result": "毕业，获工学学士学位",
                "witness": "王建国",
            }
        ],
        "work_history": [
            {
                "period": "2004-07~2011-12",
                "unit": "宜良县自来水公司",
                "department": "设备管理科",
                "profession": "机电设备安装与维护",
                "post": "技术员、助理工程师",
                "post_category": "专业技术岗位",
                "witness": "张红",
            },
            {
                "period": "2012-01~至今",
                "unit": UNIT,
                "department": "工程技术部",
                "profession": "泵站机电工程技术管理",
                "post": "工程师、技术负责人",
                "post_category": "专业技术岗位",
                "witness": "杨志刚",
            },
        ],
        "work_summary": {"summary": SUMMARY},
        "major_work": [
            {
                "period": "2019-03~2021-10",
                "name": "宜良县城乡供水一体化工程机电设备安装",
                "role": "负责",
                "content": "负责 6 座加压泵站 24 台机组的选型复核、安装工艺和调试，编制安装施工方案，工程一次验收合格。",
                "status": "已完成",
                "witness": "杨志刚",
            },
            {
                "period": "2022-04~2023-09",
                "name": "南盘江提水泵站自动化改造",
                "role": "主持",
                "content": "主持泵站 PLC 控制与变频调速改造，实现远程监控，单位供水电耗下降约 12%。",
                "status": "已完成",
                "witness": "杨志刚",
            },
        ],
        "projects": [
            {
                "name": "县域供水泵站节能运行关键技术研究",
                "project_number": "KMKJ2022-117",
                "source": places["project_source"],
                "level": "市厅级",
                "period": "2022-01~2024-06",
                "rank": "1",
                "role": "主持",
                "funding": "20",
                "status": "已验收",
            }
        ],
        "patents": [
            {
                "name": "一种泵站机组轴承温度在线监测装置",
                "patent_type": "实用新型专利",
                "patent_number": _patent("202220458731"),
                "granted_on": "2022-09-16",
                "patentee": UNIT,
                "rank": "1",
                "inventor_count": "3",
                "applied": "是",
                "application": "已在公司三座泵站安装使用，提前发现轴承异常温升 4 次。",
            }
        ],
        "awards": [
            {
                "award_name": places["award_name"],
                "achievement": "县域供水泵站节能运行关键技术研究与应用",
                "category": "科学技术奖",
                "grade": "三等奖",
                "level": "市厅级",
                "awarding_body": places["awarding_body"],
                "awarded_on": "2024-12-18",
                "rank": "2",
                "certificate_number": "2024-J3-021",
            }
        ],
        "books": [
            {
                "title": "中小型泵站机电设备运行与维护",
                "book_type": "编著",
                "publisher": "云南科技出版社",
                "isbn": _isbn13("978755871234"),
                "published_on": "2023-05",
                "role": "参编",
                "words": "4.5",
                "total_words": "28",
                "rank": "3",
            }
        ],
        "papers": [
            {
                "title": "变频调速技术在县域供水泵站节能改造中的应用",
                "venue_type": "国内期刊",
                "journal": "中国设备工程",
                "issn": "1671-0711",
                "cn_serial": "CN 11-4623/N",
                "published_on": "2023-08",
                "issue": "2023年第16期",
                "pages": "88-90",
                "rank": "1",
                "author_count": "2",
                "corresponding_author": "是",
                "indexing": "一般期刊",
            },
            {
                "title": "泵站机组轴承温度在线监测系统设计",
                "venue_type": "国内期刊",
                "journal": "机械设计与制造",
                "issn": "1001-3997",
                "cn_serial": "CN 21-1140/TH",
                "published_on": "2024-03",
                "issue": "2024年第3期",
                "pages": "152-155",
                "rank": "1",
                "author_count": "3",
                "corresponding_author": "否",
                "indexing": "中文核心期刊",
            },
        ],
        "continuing_education": [
            {
                "period": f"{reviews[-1]}-04-10~{reviews[-1]}-04-14",
                "name": "泵站自动化与节能技术专业科目培训",
                "organizer": "云南省水利水电学会",
                "category": "专业科目",
                "hours": "40",
                "place": places["training_place"],
                "role": "学员",
            },
            {
                "period": f"{reviews[-1]}-09-01~{reviews[-1]}-11-30",
                "name": "专业技术人员公需科目网络学习",
                "organizer": "云南省专业技术人员继续教育平台",
                "category": "公需科目",
                "hours": "30",
                "place": "网络学习",
                "role": "学员",
            },
        ],
        "annual_review": [
            {"year": str(y), "result": "优秀" if y == reviews[-2] else "合格", "unit": UNIT} for y in reviews
        ],
    }


def create_demo(services: Services, year: int | None = None) -> int:
    """Create the sample application through the normal validated path and return its id."""
    year = year or services.today.year
    answers = sample_answers(year)
    app_id = int(services.new_application(answers["basic"]["name"], year))
    for section in services.forms:
        value = answers.get(section.key)
        if value is None:
            continue
        if isinstance(value, dict):
            entry_id = services.repo.single_entry_id(app_id, section.key)
            services.set_entry(app_id, section.key, entry_id, value)
        else:
            for row in value:
                services.set_entry(app_id, section.key, None, row)
    attach_demo_scans(services, app_id, answers, year)
    return app_id


def attach_demo_scans(services: Services, app_id: int, answers: dict[str, Any], year: int) -> None:
    """Attach generated scans (certificates, sideways phone photos, a PDF 备案表) and name them by content."""
    from desktop_app.scans.samples import demo_scans
    from desktop_app.usecases.scans import Target, apply_proposed_names, attach_bytes

    for scan in demo_scans(answers, year):
        section = services.forms.section(scan.section)
        if scan.entry is None:
            entry_id = None if section.repeatable else services.repo.single_entry_id(app_id, scan.section)
        else:
            entry_id = services.repo.entry_ids(app_id, scan.section)[scan.entry]
        target = Target(scan.section, entry_id, None if scan.entry is None else scan.entry + 1)
        attach_bytes(services, app_id, target, scan.data, scan.original_name, kind=scan.kind)
    apply_proposed_names(services, app_id)

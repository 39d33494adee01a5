"""Realistic invented scans for the demo application and the tests: certificates drawn with Pillow,
some as sideways phone photos of the page on a desk (perspective, shadow, EXIF orientation), and a PDF
备案表 drawn with reportlab.

Every picture is invented (no real person, seal or certificate); sizes are moderate so the whole set is
generated in well under a few seconds.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
REGULAR = FONT_DIR / "NotoSansSC-Regular.ttf"
BOLD = FONT_DIR / "NotoSansSC-Bold.ttf"


@dataclass(frozen=True)
class SampleScan:
    """One generated scan: where it belongs, its kind, the name a phone would give it, and its bytes."""

    section: str
    entry: int | None  # 0-based entry index in the section, None for section/application level
    kind: str
    original_name: str
    data: bytes


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _seal(draw: ImageDraw.ImageDraw, centre: tuple[int, int], radius: int, text: str) -> None:
    x, y = centre
    red = (205, 40, 40)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=max(3, radius // 18))
    star = _font(max(12, radius // 2), bold=True)
    draw.text((x, y), "★", font=star, fill=red, anchor="mm")
    small = _font(max(10, radius // 5))
    draw.text((x, y + radius * 0.55), text[:10], font=small, fill=red, anchor="mm")


def render_certificate(
    title: str,
    lines: list[str],
    *,
    size: tuple[int, int] = (1100, 780),
    issuer: str = "",
    number: str = "",
    accent: tuple[int, int, int] = (150, 30, 30),
    seed: int = 0,
) -> Image.Image:
    """A certificate-like page: border, title, body lines, number, issuer and a red seal."""
    width, height = size
    rng = random.Random(seed)
    paper = (250, 247, 238) if width > height else (252, 252, 250)
    im = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(im)
    margin = max(18, width // 40)
    draw.rectangle(
        (margin, margin, width - margin, height - margin), outline=accent, width=max(4, width // 200)
    )
    draw.rectangle(
        (margin + 10, margin + 10, width - margin - 10, height - margin - 10), outline=accent, width=1
    )
    title_font = _font(max(28, width // 18), bold=True)
    draw.text((width // 2, margin + height // 8), title, font=title_font, fill=accent, anchor="mm")
    body = _font(max(16, width // 42))
    y = margin + height // 4
    step = max(26, int(body.size * 1.7))
    for line in lines:
        draw.text((margin + width // 12, y), line, font=body, fill=(25, 25, 25))
        y += step
    if number:
        draw.text(
            (margin + width // 12, height - margin - height // 7),
            f"编号：{number}",
            font=body,
            fill=(40, 40, 40),
        )
    if issuer:
        draw.text(
            (width - margin - width // 12, height - margin - height // 7),
            issuer,
            font=body,
            fill=(25, 25, 25),
            anchor="ra",
        )
        _seal(
            draw,
            (width - margin - width // 5, height - margin - height // 5),
            min(width, height) // 9,
            issuer,
        )
    # A faint marker in the top-left corner lets tests check orientation by pixels.
    draw.rectangle((margin + 14, margin + 14, margin + 44, margin + 44), fill=(20, 90, 200))
    # Light speckle so the scan compresses like a real one, not like a flat drawing.
    for _ in range(width * height // 2500):
        px, py = rng.randrange(width), rng.randrange(height)
        draw.point((px, py), fill=(200, 195, 185))
    return im


def to_jpeg(im: Image.Image, quality: int = 85, orientation: int | None = None) -> bytes:
    """JPEG bytes; with `orientation` the pixels are stored turned and the EXIF tag says how to turn back."""
    stored = im
    exif = Image.Exif()
    if orientation == 6:
        stored = im.transpose(Image.Transpose.ROTATE_90)
    elif orientation == 8:
        stored = im.transpose(Image.Transpose.ROTATE_270)
    elif orientation == 3:
        stored = im.transpose(Image.Transpose.ROTATE_180)
    if orientation:
        # 6: the camera held upright stores the pixels turned left; viewers turn them right.
        exif[ExifTags.Base.Orientation] = orientation
        exif[0x010F] = "Xiaomi"
        exif[0x0110] = "Redmi Note 12"
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if orientation else b"")
    return buffer.getvalue()


def as_phone_photo(page: Image.Image, orientation: int = 6, seed: int = 0) -> bytes:
    """The page photographed on a wooden desk with a phone held sideways (EXIF orientation, perspective,
    a shadow, warm light): what an applicant without a scanner brings (issue 17)."""
    frame = (1600, 1200) if page.width > page.height else (1200, 1600)
    return photo_on_desk(page, frame=frame, seed=seed, orientation=orientation, tilt=10, cover=0.5).data


def registration_record_pdf(
    name: str, school: str, major: str, level: str, graduated: str, number: str
) -> bytes:
    """A 教育部学历证书电子注册备案表-like one-page PDF with the embedded CJK font."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DemoSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DemoSans", str(REGULAR)))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setTitle("教育部学历证书电子注册备案表")
    pdf.setFont("DemoSans", 20)
    pdf.drawCentredString(width / 2, height - 90, "教育部学历证书电子注册备案表")
    pdf.setFont("DemoSans", 10)
    pdf.drawCentredString(width / 2, height - 112, "更新日期：2026年10月08日")
    rows = [
        ("姓名", name),
        ("毕业院校", school),
        ("专业", major),
        ("层次", level),
        ("学习形式", "普通全日制"),
        ("毕（结）业日期", graduated),
        ("毕（结）业", "毕业"),
        ("证书编号", number),
        ("在线验证码", "A8K3Q7M2P5X9T4RD"),
        ("在线验证有效期", "6 个月"),
    ]
    top = height - 160
    pdf.setStrokeColor(HexColor("#4a6fa5"))
    for i, (label, value) in enumerate(rows):
        y = top - i * 34
        pdf.rect(60, y - 10, 140, 34, stroke=1, fill=0)
        pdf.rect(200, y - 10, width - 260, 34, stroke=1, fill=0)
        pdf.setFont("DemoSans", 12)
        pdf.drawString(72, y + 2, label)
        pdf.drawString(212, y + 2, str(value))
    pdf.setFont("DemoSans", 9)
    pdf.drawString(
        60,
        top - len(rows) * 34 - 20,
        "注：本备案表仅作为学历证书电子注册信息的查询结果，不作为学历证书。（示例文件，内容为虚构）",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _portrait_page(title: str, lines: list[str], issuer: str, seed: int, number: str = "") -> Image.Image:
    # 1120 × 1584: an A4 page at about 135 dpi, which prints at 150 dpi or more on its evidence page (issue 13).
    return render_certificate(
        title, lines, size=(1120, 1584), issuer=issuer, number=number, accent=(40, 40, 40), seed=seed
    )


def demo_scans(answers: Mapping[str, Any], year: int) -> list[SampleScan]:
    """The scans the demo application attaches, one per required kind (and the 备案表), from its answers."""
    basic = answers["basic"]
    person = basic["name"]
    out: list[SampleScan] = []
    counter = iter(range(1, 1000))

    def jpeg(section: str, entry: int | None, kind: str, im: Image.Image, photo: bool = False) -> None:
        n = next(counter)
        if photo:
            data, name = as_phone_photo(im, seed=n), f"IMG_{year - 1}0{n % 9 + 1}12_1010{n:02d}.jpg"
        else:
            data, name = to_jpeg(im), f"微信图片_{year - 1}05121010{n:02d}.jpg"
        out.append(SampleScan(section, entry, kind, name, data))

    card = (856, 540)
    jpeg(
        "basic",
        None,
        "id_card_front",
        render_certificate(
            "居民身份证",
            [
                f"姓名 {person}",
                "性别 男    民族 汉",
                "出生 1982年4月16日",
                f"住址 {answers.get('places', {}).get('id_card_address', '')}",
            ],
            size=card,
            accent=(30, 90, 160),
            seed=1,
        ),
        photo=True,
    )
    jpeg(
        "basic",
        None,
        "id_card_back",
        render_certificate(
            "中华人民共和国 居民身份证",
            ["签发机关 宜良县公安局", "有效期限 2016.05.10-2036.05.10"],
            size=card,
            accent=(30, 90, 160),
            issuer="宜良县公安局",
            seed=2,
        ),
        photo=True,
    )
    jpeg(
        "cover",
        None,
        "commitment",
        _portrait_page(
            "职称申报承诺书",
            [
                "本人承诺所提交的申报材料真实、准确、完整，",
                "如有弄虚作假，自愿承担相应责任。",
                "",
                f"承诺人：{person}",
                f"日期：{year}年6月10日",
            ],
            "",
            seed=3,
        ),
    )
    title = answers["current_title"][0]
    jpeg(
        "current_title",
        0,
        "title_certificate",
        render_certificate(
            "专业技术资格证书",
            [
                f"姓名：{person}",
                f"专业：{title['specialty']}",
                f"资格名称：{title['title_name']}",
                f"取得时间：{title['obtained_on']}",
            ],
            issuer=title["issuer"],
            number=title["certificate_number"],
            seed=4,
        ),
        photo=True,
    )
    jpeg(
        "current_title",
        0,
        "appointment",
        _portrait_page(
            "聘书",
            [
                f"兹聘任 {person} 同志为",
                f"{title['title_name']}（{title['appointed_post']}）",
                f"聘期自 {title['appointed_on']} 起",
            ],
            title["appointing_unit"],
            seed=5,
        ),
    )
    edu = answers["education"][0]
    jpeg(
        "education",
        0,
        "diploma",
        render_certificate(
            "毕业证书",
            [
                f"学生 {person}，性别男，于 {edu['enrolled_on']} 至 {edu['graduated_on'][:7]}",
                f"在本校 {edu['major']} 专业四年制本科学习，",
                "修完教学计划规定的全部课程，成绩合格，准予毕业。",
            ],
            issuer=edu["school"],
            number=edu["diploma_number"],
            seed=6,
        ),
        photo=True,
    )
    jpeg(
        "education",
        0,
        "degree_certificate",
        render_certificate(
            "学士学位证书",
            [
                f"{person}，男，1982年4月16日生。",
                f"在{edu['school']}{edu['major']}专业完成了",
                "本科学习计划，业已毕业，经审核符合学位授予条件，",
                "授予工学学士学位。",
            ],
            issuer=edu["school"],
            number=edu["degree_number"],
            accent=(120, 20, 60),
            seed=7,
        ),
    )
    out.append(
        SampleScan(
            "education",
            0,
            "registration_record",
            "学信网备案表.pdf",
            registration_record_pdf(
                person, edu["school"], edu["major"], "本科", edu["graduated_on"], edu["diploma_number"]
            ),
        )
    )
    for i, work in enumerate(answers["major_work"]):
        jpeg(
            "major_work",
            i,
            "performance_proof",
            _portrait_page(
                "业绩证明",
                [
                    f"兹证明 {person} 同志于 {work['period']}",
                    f"{work['role']}“{work['name'][:16]}”",
                    f"{work['name'][16:]}",
                    "工作，情况属实。",
                ],
                answers["basic"]["unit"],
                seed=10 + i,
            ),
        )
    project = answers["projects"][0]
    jpeg(
        "projects",
        0,
        "approval",
        _portrait_page(
            "项目任务书",
            [
                f"项目名称：{project['name']}",
                f"项目编号：{project['project_number']}",
                f"项目负责人：{person}",
                f"起止时间：{project['period']}",
            ],
            project["source"],
            seed=20,
        ),
    )
    jpeg(
        "projects",
        0,
        "completion",
        render_certificate(
            "项目验收证书",
            [f"项目名称：{project['name']}", f"项目负责人：{person}", "验收结论：通过验收"],
            issuer=project["source"],
            number=project["project_number"],
            seed=21,
        ),
        photo=True,
    )
    patent = answers["patents"][0]
    jpeg(
        "patents",
        0,
        "patent_certificate",
        render_certificate(
            "实用新型专利证书",
            [
                f"实用新型名称：{patent['name']}",
                f"发明人：{person} 等",
                f"专利号：{patent['patent_number']}",
                f"授权公告日：{patent['granted_on']}",
            ],
            issuer="国家知识产权局",
            seed=30,
        ),
    )
    jpeg(
        "patents",
        0,
        "application_proof",
        _portrait_page(
            "专利转化应用证明",
            [
                f"专利“{patent['name'][:14]}",
                f"{patent['name'][14:]}”",
                "已在本公司三座泵站安装使用，",
                "运行效果良好。",
            ],
            patent["patentee"],
            seed=31,
        ),
    )
    award = answers["awards"][0]
    jpeg(
        "awards",
        0,
        "award_certificate",
        render_certificate(
            "荣誉证书",
            [
                f"{person} 同志：",
                f"“{award['achievement'][:18]}",
                f"{award['achievement'][18:]}”",
                f"荣获{award['award_name']}{award['grade']}。",
            ],
            issuer=award["awarding_body"],
            number=award["certificate_number"],
            seed=40,
        ),
    )
    book = answers["books"][0]
    for kind, heading, lines, seed in (
        ("cover", book["title"], [book["publisher"]], 50),
        (
            "copyright_page",
            "图书在版编目（CIP）数据",
            [book["title"], f"ISBN {book['isbn']}", f"{book['published_on']} 第1版"],
            51,
        ),
        (
            "contents",
            "目录",
            ["第一章 泵站机电设备概述 ……1", "第二章 水泵机组运行 ……23", "第三章 电气设备维护 ……61"],
            52,
        ),
    ):
        jpeg("books", 0, kind, _portrait_page(heading, lines, "", seed=seed))
    for i, paper in enumerate(answers["papers"]):
        jpeg(
            "papers",
            i,
            "journal_cover",
            _portrait_page(
                paper["journal"],
                [paper["issue"], f"ISSN {paper['issn']}", paper["cn_serial"]],
                "",
                seed=60 + i,
            ),
        )
        jpeg(
            "papers",
            i,
            "contents_page",
            _portrait_page(
                "目次",
                [f"{paper['title'][:18]}", f"{paper['title'][18:]} …… {paper['pages']}"],
                "",
                seed=62 + i,
            ),
        )
        jpeg(
            "papers",
            i,
            "paper_text",
            _portrait_page(
                paper["title"][:14],
                [paper["title"][14:], f"{person}", "摘要：本文结合工程实例……"],
                "",
                seed=64 + i,
            ),
            photo=(i == 0),
        )
    for i, course in enumerate(answers["continuing_education"]):
        jpeg(
            "continuing_education",
            i,
            "certificate",
            render_certificate(
                "继续教育证书",
                [
                    f"{person} 同志参加“{course['name'][:14]}",
                    f"{course['name'][14:]}”",
                    f"学时：{course['hours']} 学时",
                ],
                issuer=course["organizer"],
                seed=70 + i,
            ),
        )
    for i, review in enumerate(answers["annual_review"]):
        jpeg(
            "annual_review",
            i,
            "review_form",
            _portrait_page(
                f"{review['year']}年度考核登记表",
                [f"姓名：{person}", f"考核等次：{review['result']}"],
                review["unit"],
                seed=80 + i,
            ),
        )
    return out


def _desk(width: int, height: int, rng: random.Random) -> Any:
    """A wooden desk: warm brown with wavy grain and fine noise (a numpy RGB array)."""
    import cv2
    import numpy as np

    grid = np.random.default_rng(rng.randrange(1 << 30))
    small_w, small_h = max(2, width // 4), max(2, height // 4)
    y = np.linspace(0, 1, small_h, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, small_w, dtype=np.float32)[None, :]
    grain = 0.5 + 0.5 * np.sin((y * 38 + 2.5 * np.sin(x * 5 + grid.uniform(0, 6.3)) + x * 3) * math.pi)
    base = np.array([rng.randint(120, 150), rng.randint(88, 105), rng.randint(55, 70)], dtype=np.float32)
    tone = cv2.resize((base * (0.78 + 0.22 * grain[..., None])).astype(np.float32), (width, height))
    noise = grid.integers(-8, 9, (height, width, 1), dtype=np.int16)
    return np.clip(tone.astype(np.int16) + noise, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class DeskPhoto:
    """A generated phone photo of a page: the JPEG bytes and where the page's corners are in the upright
    picture (fractions; top-left, top-right, bottom-right, bottom-left of the page)."""

    data: bytes
    corners: tuple[tuple[float, float], ...]
    size: tuple[int, int]


def photo_on_desk(
    page: Image.Image,
    *,
    frame: tuple[int, int] = (1600, 1200),
    seed: int = 0,
    orientation: int | None = 6,
    tilt: float = 12.0,
    cover: float = 0.55,
    shadow: float = 0.35,
    quality: int = 88,
    grain: float = 0.0,
) -> DeskPhoto:
    """The page photographed with a phone on a wooden desk: real perspective (a pinhole camera tilted up to
    `tilt` degrees), a soft shadow across the page, warm light, and the phone held sideways (EXIF).

    `frame` is the upright photo's size; the page covers about `cover` of it. `grain` adds sensor noise of that
    standard deviation (grey levels), so a full-size photo compresses like a real one (~3 MB at 12 MP).
    """
    import cv2
    import numpy as np

    rng = random.Random(seed)
    width, height = frame
    pw, ph = page.size
    # Camera: focal length of a phone's main lens (~28 mm equivalent), page rotated in 3-D and pushed away.
    focal = 0.85 * max(width, height)
    pitch, yaw = (math.radians(rng.uniform(-tilt, tilt)) for _ in range(2))
    roll = math.radians(rng.uniform(-8, 8))
    rx = np.array([[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]])
    ry = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]])
    rz = np.array([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0], [0, 0, 1]])
    rotation = rz @ ry @ rx
    fit = math.sqrt(cover * width * height / (pw * ph))
    distance = focal / fit
    centre = np.array([rng.uniform(-0.04, 0.04) * width, rng.uniform(-0.04, 0.04) * height])
    corners3d = np.array(
        [[-pw / 2, -ph / 2, 0], [pw / 2, -ph / 2, 0], [pw / 2, ph / 2, 0], [-pw / 2, ph / 2, 0]]
    )
    projected = []
    for point in corners3d:
        xc, yc, zc = rotation @ point + np.array([0, 0, distance])
        projected.append([focal * xc / zc + width / 2 + centre[0], focal * yc / zc + height / 2 + centre[1]])
    quad = np.array(projected, dtype=np.float32)
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, quad)
    photo = cv2.warpPerspective(
        np.asarray(page.convert("RGB")),
        matrix,
        (width, height),
        flags=cv2.INTER_AREA,
        dst=_desk(width, height, rng),
        borderMode=cv2.BORDER_TRANSPARENT,
    )
    # Light: warm cast, a vignette, and a soft shadow (a hand or the phone) falling across one side; smooth,
    # so it is computed on a small grid and enlarged.
    small_w, small_h = max(2, width // 8), max(2, height // 8)
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32) * 8
    vignette = 1 - 0.5 * (((xx - width / 2) / width) ** 2 + ((yy - height / 2) / height) ** 2)
    sx, sy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    spread = 0.25 * max(width, height)
    shade = 1 - shadow * np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * spread**2)))
    light = cv2.resize((vignette * shade).astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    light3 = cv2.merge([light, light * 0.95, light * 0.85])
    photo = cv2.multiply(photo, light3, dtype=cv2.CV_8U)
    if grain:
        noise = np.random.default_rng(seed).normal(0, grain, (height, width, 1)).astype(np.int16)
        photo = np.clip(photo.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    upright = Image.fromarray(photo, "RGB")
    corners = tuple((float(x) / width, float(y) / height) for x, y in quad)
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "Redmi Note 12"
    stored = upright
    if orientation == 6:
        stored = upright.transpose(Image.Transpose.ROTATE_90)
        exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return DeskPhoto(buffer.getvalue(), corners, (width, height))

"""The guide's rule "文件须按材料内容命名" (五、（二）) as one pure module: verdicts and proposed names.

Used by the scans widget, the review page, the CLI `names` command and the upload-ready export.
Standard library + rapidfuzz only; kinds come from forms/ (AttachmentKind keywords and synonyms).

Proposed names: `NN-E_分节标题_材料（说明）.ext`. NN is SectionSpec.number (01..13 for the 13 sections in
menu order, 00 for 基本信息 and 职称申报封面, which come before them), E the entry's 1-based number in the
section (left out for section- and application-level material), e.g. `02-1_学历情况_本科毕业证书（云南大学）.jpg`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from desktop_app.formspec.model import AttachmentKind

OK = "ok"
WARN = "warn"
FAIL = "fail"

# Words of a name that come from cameras, scanner apps, chat apps and the operating system, not from a
# person describing the material. Each pattern is removed before looking for a description.
_DEFAULT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"微信图片_?[\d_]*", "微信"),
    (r"mmexport\d*", "微信"),
    (r"wx_camera_\d*", "微信"),
    (r"(?:QQ|TIM)图片\d*", "QQ"),
    (r"扫描全能王[\s\d\-_.:]*", "扫描全能王"),
    (r"CamScanner[\s\d\-_.:]*", "扫描全能王"),
    (r"Adobe ?Scan[\s\d\-_.:]*", "扫描软件"),
    (r"scan(?:ned)?[\s\-_]?(?:doc(?:ument)?)?[\s\-_]*\d*", "扫描仪"),
    (r"扫描(?:件|文档|文件|图片)?[\s\-_]*\d*", "扫描仪"),
    (r"(?:IMG|MVIMG|VID|PANO|BURST)[\-_]?[\dA-Z_\-]*", "手机相机"),
    (r"PXL_\d{8}_\d+(?:\.\w+)?", "手机相机"),
    (r"_?DSC[NF]?[\-_]?\d*", "数码相机"),
    (r"P\d{7,}", "数码相机"),
    (r"Camera_\d*", "手机相机"),
    (r"Screen ?shot[\s\d\-_.:at]*", "截图"),
    (r"Snipaste_[\d\-_]*", "截图"),
    (r"(?:屏幕)?截(?:屏|图)[\s\d\-_.:]*", "截图"),
    (r"新建(?:[\w ]*?(?:文本文档|文档|文件夹|文件|图片|图像|位图图像))?(?:\s*\(\d+\))?", "系统"),
    (r"未命名[\s\-_]*\d*", "系统"),
    # Browsers save a file without a name of its own as 下载 / download, then 下载 (1), download (2) ….
    (r"下载[\s\-_]*(?:[(（]\d+[)）])?\d*", "浏览器"),
    (r"downloads?[\s\-_]*(?:\(\d+\))?\d*", "浏览器"),
    (r"无标题[\s\-_]*\d*", "系统"),
    (r"untitled[\s\-_]*\d*", "系统"),
    (r"副本|copy|的副本", "系统"),
)
_DEFAULT_RE = [(re.compile(pattern, re.IGNORECASE), label) for pattern, label in _DEFAULT_PATTERNS]
# Generic words are noise in a description (毕业证书照片) but a default name only on their own (图片1).
_GENERIC = r"(?:图片|照片|相片|图像|附件|文档|文件|image|photo|picture|document|file|doc)"
_GENERIC_RE = re.compile(_GENERIC + r"[\s\-_]*\d*", re.IGNORECASE)
_GENERIC_ALONE = re.compile(r"^[\s\-_\d()（）]*" + _GENERIC + r"[\s\-_\d()（）]*$", re.IGNORECASE)

_UUID_OR_HEX = re.compile(
    r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{12,}", re.I
)
_NUMBERING = re.compile(r"^\s*\d{1,2}(?:-\d{1,3})?(?:[_\-\s.、]|$)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# Device names Windows reserves in any folder, with any extension (Microsoft's "Naming Files, Paths, and
# Namespaces"): COM0/LPT0 and the superscript digits are on that list too, and CONIN$/CONOUT$ open the console.
_PORT_DIGITS = "0123456789¹²³"
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{d}" for d in _PORT_DIGITS),
    *(f"LPT{d}" for d in _PORT_DIGITS),
}
_FULLWIDTH = {
    "<": "＜",
    ">": "＞",
    ":": "：",
    '"': "＂",
    "/": "／",
    "\\": "＼",
    "|": "｜",
    "?": "？",
    "*": "＊",
}

MAX_NAME_BYTES = 255
# Windows programs that are not "long path aware" fail on paths over 259 characters (MAX_PATH), and the
# setting that lifts it is off by default. A name of at most 100 characters (UTF-16 units, as Windows
# counts) leaves ~140 for the chosen folder plus a section folder: C:\Users\…\Documents\职称申报上传材料\
# 02_学历情况\ is ~50.
MAX_NAME_CHARS = 100
# Fuzzy matches (typos, 毕业正书) only for keywords this long: short ones (封面, 目录) match too much.
_FUZZY_MIN_LEN = 3
_FUZZY_THRESHOLD = 80


@dataclass(frozen=True)
class NameVerdict:
    """The verdict on one file name: ok / warn / fail, the problems in Chinese, and the kind it names."""

    name: str
    level: str
    problems: tuple[str, ...] = ()
    kind: str | None = None
    proposed: str = ""
    other_kinds: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """Whether the name may be uploaded as it is (warnings allowed)."""
        return self.level != FAIL

    @property
    def label(self) -> str:
        """A short Chinese verdict for a thumbnail: 命名规范 / 建议修改 / 需要改名."""
        return {OK: "命名规范", WARN: "建议修改", FAIL: "需要改名"}[self.level]


def split_name(name: str) -> tuple[str, str]:
    """Stem and extension (with the dot, lower case) of a file name."""
    name = name.strip()
    return _split_ext(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])


def _split_ext(base: str) -> tuple[str, str]:
    if "." in base[1:]:
        stem, ext = base.rsplit(".", 1)
        if 1 <= len(ext) <= 5 and ext.isascii() and ext.isalnum():
            return stem, "." + ext.lower()
    return base, ""


def default_source(stem: str) -> str | None:
    """Which app or device made this name ("手机相机", "微信" …) when it contains a default name, else None."""
    for regex, label in _DEFAULT_RE:
        if regex.search(stem) and _matches_token(regex, stem):
            return label
    if _UUID_OR_HEX.search(stem):
        return "程序"
    if _GENERIC_ALONE.match(stem):
        return "系统"
    return None


def _matches_token(regex: re.Pattern[str], stem: str) -> bool:
    # Latin patterns must not fire inside a word ("description" contains "scan"? no, but "Disco" has "DSC").
    for found in regex.finditer(stem):
        text = found.group(0)
        if not text.strip(" -_"):
            continue
        before = stem[found.start() - 1] if found.start() > 0 else " "
        if text[0].isascii() and text[0].isalpha() and before.isascii() and before.isalpha():
            continue
        return True
    return False


def description(stem: str) -> str:
    """The part of a name that describes the material: defaults, numbering, dates and noise removed."""
    text = unicodedata.normalize("NFKC", stem)
    text = _NUMBERING.sub("", text)
    text = _UUID_OR_HEX.sub(" ", text)
    for regex, _label in _DEFAULT_RE:
        text = regex.sub(" ", text)
    text = _GENERIC_RE.sub(" ", text)
    text = re.sub(r"\d{4}[\-年.]?\d{1,2}[\-月.]?\d{1,2}日?|\d+", " ", text)
    return re.sub(r"[\s_\-.,，、()（）\[\]【】]+", " ", text).strip()


def has_chinese_description(stem: str) -> bool:
    """Whether the name says in Chinese what the material is (at least two Chinese characters)."""
    return len(_CJK.findall(description(stem))) >= 2


def says_material(name: str) -> bool:
    """Whether a file name itself tells what the material is (not just IMG_1234 or 微信图片_…): 一键规范命名 asks otherwise."""
    return has_chinese_description(split_name(name)[0])


def kind_score(text: str, kind: AttachmentKind) -> int:
    """How well a description names a kind: 100 keyword, 90 synonym, fuzzy score, or 0."""
    folded = text.casefold()
    if any(k.casefold() in folded for k in kind.keywords):
        return 100
    if any(s.casefold() in folded for s in kind.synonyms):
        return 90
    best = 0
    for word in kind.keywords:
        if len(word) >= _FUZZY_MIN_LEN and len(folded) >= _FUZZY_MIN_LEN:
            best = max(best, int(fuzz.partial_ratio(word.casefold(), folded)))
    return best if best >= _FUZZY_THRESHOLD else 0


def match_kind(text: str, kinds: Sequence[AttachmentKind]) -> AttachmentKind | None:
    """The expected kind a name describes best, or None."""
    scored = [
        (kind_score(text, k), -len(max(k.keywords, key=len, default="")), i) for i, k in enumerate(kinds)
    ]
    best = max(scored, default=(0, 0, 0))
    return kinds[best[2]] if best[0] > 0 else None


def _other_kind(text: str, others: Iterable[tuple[str, AttachmentKind]]) -> tuple[str, AttachmentKind] | None:
    # Only exact keywords of other sections count: a flag must be certain, not a fuzzy guess.
    folded = text.casefold()
    best: tuple[int, tuple[str, AttachmentKind]] | None = None
    for section_title, kind in others:
        for word in kind.keywords:
            if (
                len(word) >= _FUZZY_MIN_LEN
                and word.casefold() in folded
                and (best is None or len(word) > best[0])
            ):
                best = (len(word), (section_title, kind))
    return best[1] if best else None


def check_name(
    name: str,
    expected: Sequence[AttachmentKind] = (),
    *,
    others: Iterable[tuple[str, AttachmentKind]] = (),
    kind: str | None = None,
    proposed: str = "",
    section_title: str = "",
) -> NameVerdict:
    """The verdict on one file name for a section expecting `expected` kinds.

    `others` are (section title, kind) pairs of the other sections, to flag a name describing their
    material; `kind` is the kind the attachment is registered as, if any.
    """
    stem, _ext = split_name(name)
    problems: list[str] = []
    level = OK
    source = default_source(stem)
    # Kinds are matched on the whole name (minus numbering and the section's own title, which would
    # otherwise match its kinds by itself), not on `description`, which drops words like 文件.
    described = _NUMBERING.sub("", unicodedata.normalize("NFKC", stem))
    if section_title:
        title = unicodedata.normalize("NFKC", section_title)
        described = "_".join(part for part in described.split("_") if part.strip() != title)
    if not has_chinese_description(stem):
        if source:
            problems.append(f"这是{source}自动生成的文件名，没有写明材料内容：请按材料内容命名")
        else:
            problems.append("文件名没有用中文写明材料内容：请按材料内容命名")
        return NameVerdict(name, FAIL, tuple(problems), None, proposed)
    if source:
        level = WARN
        problems.append(f"文件名含有{source}自动生成的编号：建议删去，只保留材料内容")
    matched = match_kind(described, expected) if expected else None
    other_labels: tuple[str, ...] = ()
    if expected and matched is None:
        other = _other_kind(described, others)
        wanted = "、".join(k.label for k in expected)
        if other is not None:
            level = FAIL
            other_labels = (other[1].label,)
            problems.append(f"文件名写的是“{other[1].label}”，属于{other[0]}的材料：本节要求的是{wanted}")
        else:
            level = WARN if level == OK else level
            problems.append(f"文件名没有写明本节要求的材料：{wanted}")
    if matched is not None and kind and kind != matched.key:
        registered = next((k for k in expected if k.key == kind), None)
        if registered is not None and kind_score(described, registered) == 0:
            level = WARN if level == OK else level
            problems.append(f"文件名写的是“{matched.label}”，但这份材料登记为“{registered.label}”")
    return NameVerdict(name, level, tuple(problems), matched.key if matched else None, proposed, other_labels)


DUPLICATE_PROBLEM = "与其他文件重名：请在名称中写明区别（例如页码、年份或名称）"


def normalise_key(name: str) -> str:
    """A name as Windows compares it (case and full/half width folded)."""
    return unicodedata.normalize("NFKC", name.strip()).casefold()


def duplicate_names(names: Iterable[str]) -> set[str]:
    """Keys (see `normalise_key`) of names that occur more than once."""
    counts = Counter(normalise_key(n) for n in names)
    return {k for k, c in counts.items() if c > 1}


def with_problem(verdict: NameVerdict, level: str, problem: str) -> NameVerdict:
    """The verdict with one more problem, at least at `level`."""
    order = {OK: 0, WARN: 1, FAIL: 2}
    worst = level if order[level] > order[verdict.level] else verdict.level
    return NameVerdict(
        verdict.name, worst, (*verdict.problems, problem), verdict.kind, verdict.proposed, verdict.other_kinds
    )


def check_names(
    names: Sequence[str],
    expected: Sequence[AttachmentKind] = (),
    *,
    others: Sequence[tuple[str, AttachmentKind]] = (),
    section_title: str = "",
) -> list[NameVerdict]:
    """Verdicts on several names, flagging names used more than once."""
    dupes = duplicate_names(names)
    out = []
    for name in names:
        verdict = check_name(name, expected, others=others, section_title=section_title)
        if normalise_key(name) in dupes:
            verdict = with_problem(verdict, FAIL, DUPLICATE_PROBLEM)
        out.append(verdict)
    return out


def safe_filename(name: str) -> str:
    """A name Windows accepts: no forbidden characters or reserved device name, ≤ 255 UTF-8 bytes and ≤ 100 characters."""
    stem, ext = _split_ext(name.strip())
    stem = _WINDOWS_FORBIDDEN.sub(lambda m: _FULLWIDTH.get(m.group(0), "_"), stem)
    stem = stem.strip().rstrip(". ") or "材料"
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    limit = MAX_NAME_BYTES - len(ext.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > limit:
        stem = encoded[:limit].decode("utf-8", errors="ignore").rstrip(". ")
    units = MAX_NAME_CHARS - _utf16_units(ext)
    if _utf16_units(stem) > units:
        while _utf16_units(stem) > units:
            stem = stem[:-1]
        stem = stem.rstrip(". ")
    return stem + ext


def _utf16_units(text: str) -> int:
    """Length as Windows counts it (characters outside the BMP take two)."""
    return len(text.encode("utf-16-le")) // 2


def section_folder(number: int, title: str) -> str:
    """The folder of a section in exports and backups: 01_现有职称情况 … 13_…; 基本信息 and the cover are 00."""
    return safe_filename(f"{number:02d}_{title}")


def section_prefix(number: int, entry: int | None) -> str:
    """`02-1` for entry 1 of section 2, `02` for section-level material, `00` for 基本信息 and the cover."""
    return f"{number:02d}" if entry is None else f"{number:02d}-{entry}"


def propose_name(
    number: int,
    entry: int | None,
    section_title: str,
    material: str,
    qualifier: str = "",
    extension: str = ".jpg",
    part: str = "",
) -> str:
    """A content name such as `02-1_学历情况_本科毕业证书（云南大学）.jpg`, safe on Windows.

    `part` distinguishes several files of the same material ("2", "第3页").
    """
    qualifier = qualifier.strip()
    text = f"{section_prefix(number, entry)}_{section_title}_{material}"
    if qualifier and qualifier not in material:
        text += f"（{qualifier}）"
    if part:
        text += f"_{part}"
    return safe_filename(text + extension)

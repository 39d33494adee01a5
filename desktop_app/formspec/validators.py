"""Pure validators for form fields.

Every ``check_*`` function takes the raw text a person typed (or a value stored earlier, which
must check to itself again) and returns a :class:`Check`: the normalised value to store, an error
that blocks saving, and warnings that do not. Messages are Simplified Chinese and always say what
is wrong and what to do about it.

Empty input is never an error here: whether a field is required is decided by the form spec.

Standard library only, so the checks run on every keystroke, in the CLI and in tests without Qt.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "Check",
    "IdInfo",
    "check_cn_serial",
    "check_date",
    "check_date_range",
    "check_email",
    "check_id_number",
    "check_integer",
    "check_isbn",
    "check_issn",
    "check_mobile",
    "check_number",
    "check_patent_number",
    "check_phone",
    "check_text",
    "check_year",
    "check_year_month",
    "clean_text",
    "check_person_name",
    "normalise_text",
    "parse_id_number",
    "parse_range",
    "patent_type",
]


@dataclass(frozen=True)
class Check:
    """Outcome of checking one raw value."""

    value: str | int | float | None
    error: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is no error; warnings never block."""
        return self.error == ""


@dataclass(frozen=True)
class IdInfo:
    """What a valid resident ID number says about its holder."""

    number: str
    birth_date: date
    sex: str
    region_code: str
    province: str | None


def _fail(message: str) -> Check:
    return Check(None, message)


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_FULLWIDTH_OFFSET = 0xFEE0

# Chinese IMEs easily switch to full-width mode, so "５３０１０２" or "ＡＢＣ" must mean the same as
# the ASCII text. Only digits, letters and spaces are folded here: full-width punctuation such as
# "（）" "，" "：" is correct in Chinese prose and must survive in free-text fields.
_ALNUM_TABLE: dict[int, int | None] = {
    **{c: c - _FULLWIDTH_OFFSET for c in range(ord("０"), ord("９") + 1)},
    **{c: c - _FULLWIDTH_OFFSET for c in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{c: c - _FULLWIDTH_OFFSET for c in range(ord("ａ"), ord("ｚ") + 1)},
    0x3000: 0x20,  # ideographic space
    0x00A0: 0x20,  # no-break space, common when copying from Word or web pages
    # Invisible characters that come along with copy-paste and would make "equal" text differ.
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0x2060: None,
    0xFEFF: None,
}

# Structured values (numbers, codes, dates) are ASCII by definition, so there every full-width
# ASCII character (including "－" "／" "．" "＠") is folded too.
_ASCII_TABLE: dict[int, int | None] = {
    **_ALNUM_TABLE,
    **{c: c - _FULLWIDTH_OFFSET for c in range(0xFF01, 0xFF5F)},
}


def normalise_text(raw: str) -> str:
    """Fold full-width digits, letters and spaces to half-width and strip surrounding space."""
    return raw.translate(_ALNUM_TABLE).strip()


# ---------------------------------------------------------------------------------------------
# Clean text: one rule for every field, the CLI, `new` and restored data
# ---------------------------------------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates reorder what is shown (U+202E turns "gpj.exe"
# around), so they are refused; plain marks (U+200E/F) are harmless and pass.
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A)) | {0x061C}


def _bad_character(char: str, multiline: bool) -> str:
    """Why a character may not be stored ("" when it may), in the person's words."""
    code = ord(char)
    if char == "\n":
        return "" if multiline else "换行"
    if code < 0x20 or code == 0x7F:
        return "控制字符" if char != "\x00" else "空字符（NUL）"
    if 0x80 <= code <= 0x9F:
        return "控制字符"
    if code in _BIDI_CONTROLS:
        return "改变文字方向的控制字符"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "非字符码位"
    category = unicodedata.category(char)
    if category == "Co":
        return "私用区字符"
    if category == "Cs":
        return "无法识别的字符（编码有误）"
    return ""


def clean_text(raw: str, *, multiline: bool = False) -> tuple[str, str]:
    """(text in NFC, "") or ("", a Chinese error naming the first forbidden character's position).

    Refused: C0 and C1 controls (a newline only outside multi-line fields), NUL, bidirectional
    overrides and isolates, noncharacters, private-use characters and lone surrogates (bytes that
    were not UTF-8). Windows line ends in multi-line text become plain newlines.
    """
    text = raw.replace("\r\n", "\n") if multiline else raw
    for position, char in enumerate(text, start=1):
        why = _bad_character(char, multiline)
        if why:
            if why == "换行":
                return "", f"第{position}个字符是换行：此项只能填写一行，请删除换行后重新输入"
            return "", (
                f"第{position}个字符是{why}（U+{ord(char):04X}），通常是从网页或其他软件复制时带入的："
                "请删除该字符后重新输入"
            )
    return unicodedata.normalize("NFC", text), ""


def _ascii(raw: str) -> str:
    """normalise_text plus folding of all full-width ASCII punctuation (for structured values)."""
    return raw.translate(_ASCII_TABLE).strip()


def _squeeze(text: str) -> str:
    """Remove all whitespace (people group digits with spaces)."""
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------------------------
# Resident identity card number (GB 11643-1999)
# ---------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# First two digits of GB/T 2260 region codes. 71 is Taiwan's reserved code; 81/82/83 appear on
# residence permits for Hong Kong, Macao and Taiwan residents, which are valid 18-digit numbers.
_PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
    "83": "台湾省",
}

# Codes in Kunming, checked to county level because most applicants were born or registered here.
# An ID keeps the code of the place it was first issued, so codes abolished since then must stay:
# 530121 呈贡县 (now 530114), 530122 晋宁县 (now 530115), 530123 安宁县 (now 530181).
_KUNMING_COUNTIES: frozenset[str] = frozenset(
    {
        "530100",  # 昆明市
        "530101",  # 昆明市市辖区
        "530102",  # 五华区
        "530103",  # 盘龙区
        "530111",  # 官渡区
        "530112",  # 西山区
        "530113",  # 东川区
        "530114",  # 呈贡区
        "530115",  # 晋宁区
        "530121",  # 呈贡县
        "530122",  # 晋宁县
        "530123",  # 安宁县
        "530124",  # 富民县
        "530125",  # 宜良县
        "530126",  # 石林彝族自治县
        "530127",  # 嵩明县
        "530128",  # 禄劝彝族苗族自治县
        "530129",  # 寻甸回族彝族自治县
        "530181",  # 安宁市
    }
)

# The rest of Yunnan at prefecture level (first four digits). The former prefectures (地区) and
# the former prefecture-level city 东川市 are kept for the same reason as the old county codes.
_YUNNAN_PREFECTURES: frozenset[str] = frozenset(
    {
        "5301",  # 昆明市
        "5302",  # 东川市
        "5303",  # 曲靖市
        "5304",  # 玉溪市
        "5305",  # 保山市
        "5306",  # 昭通市
        "5307",  # 丽江市
        "5308",  # 普洱市
        "5309",  # 临沧市
        "5321",  # 昭通地区
        "5322",  # 曲靖地区
        "5323",  # 楚雄彝族自治州
        "5324",  # 玉溪地区
        "5325",  # 红河哈尼族彝族自治州
        "5326",  # 文山壮族苗族自治州
        "5327",  # 思茅地区
        "5328",  # 西双版纳傣族自治州
        "5329",  # 大理白族自治州
        "5330",  # 保山地区
        "5331",  # 德宏傣族景颇族自治州
        "5332",  # 丽江地区
        "5333",  # 怒江傈僳族自治州
        "5334",  # 迪庆藏族自治州
        "5335",  # 临沧地区
    }
)


def _region_known(code: str) -> bool:
    """Whether a Yunnan region code is in the tables above (other provinces have no table)."""
    if code.startswith("5301"):
        return code in _KUNMING_COUNTIES
    return code[:4] in _YUNNAN_PREFECTURES


def id_check_char(body: str) -> str:
    """The GB 11643 MOD 11-2 check character of the first 17 digits of a resident ID."""
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _normalise_id(raw: str) -> str:
    text = _squeeze(_ascii(raw))
    # Hyphens are how people group the digits; "×" is what Chinese IMEs offer when typing "x".
    return re.sub(r"[-—–]", "", text).replace("×", "X").upper()


def parse_id_number(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18-digit resident ID number and decode it; ValueError with a Chinese message."""
    today = today or date.today()
    number = _normalise_id(raw)
    if not number:
        raise ValueError("未填写身份证号码：请按身份证上的18位号码填写")
    if len(number) == 15 and re.fullmatch(r"[0-9]{15}", number):
        raise ValueError("这是15位的旧身份证号码：请改填现用身份证上的18位号码")
    if len(number) != 18:
        raise ValueError(f"身份证号码应为18位，当前为{len(number)}位：请对照身份证核对是否漏填或多填")
    # [0-9] rather than \d: \d also matches other scripts' digits, which int() would accept.
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValueError("身份证号码只能包含数字，最后一位可以是X：请删除其他字符后重新输入")

    province = _PROVINCES.get(number[:2])
    if province is None:
        raise ValueError(f"身份证号码前两位“{number[:2]}”不是有效的省份代码：请对照身份证核对前6位地区代码")

    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        birth = date(year, month, day)
    except ValueError:
        raise ValueError(f"身份证号码中的出生日期“{number[6:14]}”不存在：请对照身份证核对第7至14位") from None
    if year < 1900:
        raise ValueError(f"身份证号码中的出生年份{year}早于1900年：请对照身份证核对第7至10位")
    if birth > today:
        raise ValueError(
            f"身份证号码中的出生日期{birth.isoformat()}晚于今天（{today.isoformat()}）："
            "请对照身份证核对第7至14位"
        )
    age = today.year - year - ((today.month, today.day) < (month, day))
    if age > 120:
        raise ValueError(f"按身份证号码计算年龄为{age}岁，超过120岁：请对照身份证核对第7至10位出生年份")

    if id_check_char(number[:17]) != number[17]:
        # Deliberately not revealing the expected character: "fixing" only the last one would
        # hide a typo elsewhere in the number.
        raise ValueError("身份证号码校验位不正确：请对照身份证逐位核对后重新输入")

    return IdInfo(
        number=number,
        birth_date=birth,
        sex="男" if int(number[16]) % 2 == 1 else "女",
        region_code=number[:6],
        province=province,
    )


def check_id_number(raw: str, *, today: date | None = None) -> Check:
    """Check an 18-digit resident ID number; store it upper-case without separators."""
    if not _normalise_id(raw):
        return Check(None)
    try:
        info = parse_id_number(raw, today=today)
    except ValueError as exc:
        return _fail(str(exc))
    warnings: tuple[str, ...] = ()
    # Only Yunnan has a table; elsewhere any code under a valid province is accepted silently,
    # since a warning there would fire for every out-of-province applicant and mean nothing.
    if info.region_code.startswith("53") and not _region_known(info.region_code):
        warnings = (
            f"身份证号码前6位“{info.region_code}”不在本程序的云南地区代码表中："
            "请对照身份证核对前6位，核对无误可忽略此提示",
        )
    return Check(info.number, warnings=warnings)


# ---------------------------------------------------------------------------------------------
# Telephone numbers and e-mail
# ---------------------------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")


def _strip_country_code(compact: str) -> tuple[str, bool]:
    """Drop a leading +86 / 0086 / 86; the flag says whether one was there."""
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact[len(prefix) :], True
    return compact, False


def check_mobile(raw: str) -> Check:
    """Check a mainland mobile number; store its 11 digits."""
    text = _ascii(raw)
    if not text:
        return Check(None)
    compact = re.sub(r"[\s\-—()（）]", "", text)
    compact, _ = _strip_country_code(compact)
    # "86" without "+" is only a country code when it leaves exactly a mobile number behind.
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    if not re.fullmatch(r"[0-9]+", compact):
        return _fail("手机号码只能包含数字：请删除其他字符，如 13800138000")
    if len(compact) != 11:
        return _fail(f"手机号码应为11位，当前为{len(compact)}位：请核对是否漏填或多填")
    if not _MOBILE_RE.fullmatch(compact):
        return _fail("手机号码应以13～19开头：请核对前两位后重新输入")
    return Check(compact)


_PHONE_HELP = "请填写手机号码，或带区号的固定电话，如 0871-65165786；分机号用“转”连接，如 0871-65165786转8001"
_EXTENSION_RE = re.compile(r"(?P<main>.*?)(?P<ext>(?:\s*(?:转|分机|EXT\.?)\s*[0-9]{1,6})+)\s*")
_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")


def check_phone(raw: str) -> Check:
    """Check a mobile or landline number (with optional area code and 转 extensions)."""
    text = _ascii(raw)
    if not text:
        return Check(None)
    mobile = check_mobile(text)
    if mobile.ok:
        return mobile

    extensions: list[str] = []
    match = _EXTENSION_RE.fullmatch(text.upper())
    if match:
        text = match["main"]
        extensions = re.findall(r"[0-9]{1,6}", match["ext"])

    text, international = _strip_country_code(text.strip())
    groups = [g for g in re.split(r"[\s\-—()（）]+", text) if g]
    if not groups or not all(re.fullmatch(r"[0-9]+", g) for g in groups):
        return _fail(f"无法识别电话号码“{raw.strip()}”：{_PHONE_HELP}")
    digits = "".join(groups)
    if international and not digits.startswith("0"):
        # Written internationally the area code loses its leading 0 (+86 871 65165786).
        digits = "0" + digits

    if re.fullmatch(r"[48]00[0-9]{7}", digits) and not extensions:
        return Check(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")

    area = ""
    if digits.startswith("0"):
        # Beijing (010) and the 02x cities have 3-digit area codes, everyone else 4 digits.
        area_length = 3 if digits[1:2] in ("1", "2") else 4
        area = digits[:area_length]
        if not re.fullmatch(r"010|02[0-9]|0[3-9][0-9]{2}", area):
            return _fail(f"区号“{area}”不存在：{_PHONE_HELP}")
    local = digits[len(area) :]
    # "0871-65165786-8001": a trailing group that does not fit the local number is an extension.
    if not _LOCAL_RE.fullmatch(local) and len(groups) >= 2 and len(groups[-1]) <= 6:
        shorter = local[: -len(groups[-1])]
        if _LOCAL_RE.fullmatch(shorter):
            extensions.insert(0, groups[-1])
            local = shorter
    if not _LOCAL_RE.fullmatch(local):
        return _fail(f"电话号码位数或开头不对：{_PHONE_HELP}")

    value = (f"{area}-{local}" if area else local) + "".join(f"转{e}" for e in extensions)
    warnings: tuple[str, ...] = ()
    if not area:
        warnings = ("固定电话未填区号：如不是本地的号码，请在前面加上区号，如 0871-65165786",)
    return Check(value, warnings=warnings)


_EMAIL_LOCAL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_DOMAIN_RE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
_EMAIL_HELP = "请按 name@example.com 的格式填写"


def check_email(raw: str) -> Check:
    """Check an e-mail address; store it with the domain in lower case."""
    # The Chinese full stop is what an IME types for "." and is never part of an address.
    text = _squeeze(_ascii(raw)).replace("。", ".")
    if not text:
        return Check(None)
    if not text.isascii():
        return _fail(f"邮箱地址中混入了中文或其他非英文字符：{_EMAIL_HELP}")
    if text.count("@") != 1:
        return _fail(f"邮箱地址应包含且只包含一个“@”：{_EMAIL_HELP}")
    local, domain = text.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL_RE.fullmatch(local):
        return _fail(f"邮箱地址“@”前面的用户名不正确：{_EMAIL_HELP}")
    if len(text) > 254 or not _EMAIL_DOMAIN_RE.fullmatch(domain):
        return _fail(f"邮箱地址“@”后面的域名不正确：{_EMAIL_HELP}，如 qq.com、163.com")
    domain = domain.lower()
    warnings: tuple[str, ...] = ()
    if domain.endswith(".con"):
        warnings = ("邮箱域名以“.con”结尾，可能是“.com”的笔误：请核对",)
    return Check(f"{local}@{domain}", warnings=warnings)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MIN_YEAR = 1900
_FULL_DATE_RES = (
    re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})[日号]?"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)
_YEAR_MONTH_RES = (
    re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})月?"),
    re.compile(r"([0-9]{4})([0-9]{2})"),
)
_YEAR_RE = re.compile(r"([0-9]{4})年?")
_DATE_EXAMPLE = "2019-06-01"
_MONTH_EXAMPLE = "2019-06"


def _parse_point(text: str, *, need_day: bool) -> tuple[int, int, int | None]:
    """(year, month, day or None) from one date or year-month; ValueError with a Chinese message."""
    compact = _squeeze(_ascii(text))
    for rx in _FULL_DATE_RES:
        m = rx.fullmatch(compact)
        if m:
            year, month, day = (int(g) for g in m.groups())
            _check_month(year, month)
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{year}年{month}月只有{last}天，没有{day}日：请核对日期")
            return year, month, day
    for rx in _YEAR_MONTH_RES:
        m = rx.fullmatch(compact)
        if m:
            year, month = (int(g) for g in m.groups())
            if need_day:
                raise ValueError(f"“{text.strip()}”只写到了月：请写到日，如 {_DATE_EXAMPLE}")
            _check_month(year, month)
            return year, month, None
    example = _DATE_EXAMPLE if need_day else _MONTH_EXAMPLE
    raise ValueError(f"无法识别“{text.strip()}”：请按 {example} 的格式填写")


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"月份“{month}”不存在：请填写1～12月")
    if year < _MIN_YEAR:
        raise ValueError(f"年份{year}早于{_MIN_YEAR}年：请核对年份")


def _future_error(shown: str, is_future: bool, allow_future: bool, today: date) -> str:
    if is_future and not allow_future:
        return f"{shown}晚于今天（{today.isoformat()}）：不能填写将来的时间，请核对年份和月份"
    return ""


def check_date(raw: str, *, allow_future: bool = False, today: date | None = None) -> Check:
    """Check a calendar date in any common Chinese style; store "YYYY-MM-DD"."""
    if not normalise_text(raw):
        return Check(None)
    today = today or date.today()
    try:
        year, month, day = _parse_point(raw, need_day=True)
    except ValueError as exc:
        return _fail(str(exc))
    assert day is not None  # need_day guarantees it
    value = date(year, month, day)
    error = _future_error(value.isoformat(), value > today, allow_future, today)
    return _fail(error) if error else Check(value.isoformat())


def check_year_month(raw: str, *, allow_future: bool = False, today: date | None = None) -> Check:
    """Check a year and month (a full date is accepted and cut to its month); store "YYYY-MM"."""
    if not normalise_text(raw):
        return Check(None)
    today = today or date.today()
    try:
        year, month, _ = _parse_point(raw, need_day=False)
    except ValueError as exc:
        return _fail(str(exc))
    value = f"{year:04d}-{month:02d}"
    future = (year, month) > (today.year, today.month)
    error = _future_error(value, future, allow_future, today)
    return _fail(error) if error else Check(value)


def check_year(raw: str, *, allow_future: bool = False, today: date | None = None) -> Check:
    """Check a four-digit year; store it as an int."""
    text = _squeeze(_ascii(raw))
    if not text:
        return Check(None)
    today = today or date.today()
    m = _YEAR_RE.fullmatch(text)
    if not m:
        return _fail(f"无法识别年份“{raw.strip()}”：请填写四位数年份，如 2019")
    year = int(m[1])
    if year < _MIN_YEAR:
        return _fail(f"年份{year}早于{_MIN_YEAR}年：请核对年份")
    error = _future_error(f"{year}年", year > today.year, allow_future, today)
    return _fail(error) if error else Check(year)


_OPEN_END = "至今"
_OPEN_END_RE = re.compile(r"(?P<start>.*?)[\s~～〜至到\-－—–―]*(?:至今|今|现在|目前)")
# Separators that can never occur inside a date. "-" and "－" are handled separately below.
_STRONG_SEPARATOR_RE = re.compile(r"\s*(?:~|～|〜|至|到|—+|–|―)\s*")


def _split_range(text: str, need_day: bool) -> tuple[str, str] | None:
    """Split a written range into start and end text (end may be _OPEN_END); None when unclear."""
    m = _OPEN_END_RE.fullmatch(text)
    if m:
        return m["start"].strip(), _OPEN_END
    parts = _STRONG_SEPARATOR_RE.split(text)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip()
    if len(parts) > 2:
        return None
    # A hyphen both separates dates ("2019-06") and ranges ("2019.06-2020.07"). Split at a hyphen
    # only where both sides are complete values, and only when exactly one hyphen does that (with
    # four-digit years two such hyphens cannot occur; the guard keeps a future format honest).
    folded = text.replace("－", "-")
    splits: list[tuple[str, str]] = []
    for i, char in enumerate(folded):
        if char != "-":
            continue
        left, right = folded[:i].strip(), folded[i + 1 :].strip()
        try:
            _parse_point(left, need_day=need_day)
            _parse_point(right, need_day=need_day)
        except ValueError:
            continue
        splits.append((left, right))
    return splits[0] if len(splits) == 1 else None


def check_date_range(
    raw: str,
    *,
    precision: str = "day",
    allow_open_end: bool = True,
    allow_future: bool = False,
    today: date | None = None,
) -> Check:
    """Check a "start~end" period at day or month precision; store "START~END" or "START~至今"."""
    if precision not in ("day", "month"):
        raise ValueError(f"precision must be 'day' or 'month', not {precision!r}")
    text = normalise_text(raw)
    if not text:
        return Check(None)
    today = today or date.today()
    need_day = precision == "day"
    example = "2015-09-01~2019-07-01" if need_day else "2015-09~2019-07"
    open_example = example.split("~")[0] + "~至今"

    parts = _split_range(text, need_day)
    if parts is None:
        return _fail(
            f"无法识别起止时间“{text}”：请按 {example} 的格式填写，中间用“~”或“至”隔开"
            + (f"；仍在进行的填 {open_example}" if allow_open_end else "")
        )
    start_text, end_text = parts
    if not start_text:
        return _fail(f"缺少开始时间：请按 {example} 的格式填写")
    if not end_text:
        hint = f"仍在进行的填 {open_example}" if allow_open_end else f"请按 {example} 的格式填写"
        return _fail(f"缺少结束时间：{hint}")

    def point(piece: str) -> tuple[str, tuple[int, int, int]]:
        year, month, day = _parse_point(piece, need_day=need_day)
        if need_day:
            assert day is not None
            return f"{year:04d}-{month:02d}-{day:02d}", (year, month, day)
        # Month precision keeps only the month even when a full date was typed.
        return f"{year:04d}-{month:02d}", (year, month, 0)

    try:
        start, start_key = point(start_text)
    except ValueError as exc:
        return _fail(f"开始时间有误，{exc}")
    today_key = (today.year, today.month, today.day if need_day else 0)
    error = _future_error(f"开始时间{start}", start_key > today_key, allow_future, today)
    if error:
        return _fail(error)

    if end_text == _OPEN_END:
        if not allow_open_end:
            return _fail(f"此处不能填“至今”：请填写具体的结束时间，如 {example}")
        return Check(f"{start}~{_OPEN_END}")
    try:
        end, end_key = point(end_text)
    except ValueError as exc:
        return _fail(f"结束时间有误，{exc}")
    if end_key < start_key:
        return _fail(f"结束时间{end}早于开始时间{start}：请核对起止时间，是否把先后写反了")
    error = _future_error(f"结束时间{end}", end_key > today_key, allow_future, today)
    if error:
        if allow_open_end:
            error += "；仍在进行的请填“至今”"
        return _fail(error)
    return Check(f"{start}~{end}")


def parse_range(value: str) -> tuple[str, str]:
    """Split a stored range "START~END" into its two parts; ValueError when it is not one."""
    start, sep, end = value.partition("~")
    if not sep or not start or not end:
        raise ValueError(f"不是起止时间：{value!r}")
    return start, end


# ---------------------------------------------------------------------------------------------
# Numbers and free text
# ---------------------------------------------------------------------------------------------

# Explicit patterns rather than int()/float(): those also take "1_000", "nan", "inf", "1e5" and
# digits of other scripts, none of which a person means in a form.
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_INTEGER_RE = re.compile(rf"[+-]?{_DIGITS}(?:\.0*)?")
_NUMBER_RE = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.[0-9]*)?|\.[0-9]+)")


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _range_error(value: float, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and value < minimum:
        return f"数值{_show(value)}小于允许的最小值{_show(minimum)}：请核对后重新填写"
    if maximum is not None and value > maximum:
        return f"数值{_show(value)}大于允许的最大值{_show(maximum)}：请核对后重新填写"
    return ""


def check_integer(raw: str, *, minimum: int | None = None, maximum: int | None = None) -> Check:
    """Check a whole number (thousands separators and a zero fraction allowed); store an int."""
    text = _squeeze(_ascii(raw))
    if not text:
        return Check(None)
    if not _INTEGER_RE.fullmatch(text):
        return _fail(f"“{raw.strip()}”不是整数：请只填写阿拉伯数字，如 12")
    value = int(text.replace(",", "").split(".")[0])
    error = _range_error(value, minimum, maximum)
    return _fail(error) if error else Check(value)


def check_number(raw: str, *, minimum: float | None = None, maximum: float | None = None) -> Check:
    """Check a decimal number; store a float."""
    text = _squeeze(_ascii(raw))
    if not text:
        return Check(None)
    if not _NUMBER_RE.fullmatch(text):
        return _fail(f"“{raw.strip()}”不是数字：请只填写阿拉伯数字和小数点，如 12.5")
    value = float(text.replace(",", ""))
    error = _range_error(value, minimum, maximum)
    return _fail(error) if error else Check(value)


def check_text(
    raw: str,
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
    pattern_message: str = "",
) -> Check:
    """Check free text for length (in characters) and an optional full-match regex."""
    text = normalise_text(raw)
    if not text:
        return Check(None)
    if len(text) < min_length:
        return _fail(f"内容过短：至少需要{min_length}个字，当前{len(text)}个字，请补充完整")
    if max_length is not None and len(text) > max_length:
        return _fail(f"内容过长：最多{max_length}个字，当前{len(text)}个字，请精简后重新填写")
    if pattern and not re.fullmatch(pattern, text):
        return _fail(pattern_message or "格式不正确：请按填写说明修改后重新输入")
    return Check(text)


# A person's name: Chinese characters (with the extension blocks, e.g. 䶮), Latin letters (for names
# of ethnic minorities and foreigners written in Latin script), "·" between the parts of a
# transliterated name, and spaces between Latin words. No digits, no other punctuation.
_NAME_CHAR_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134FA-Za-z·\s]")
_NAME_DOTS = str.maketrans({"•": "·", "．": "·", "・": "·", "‧": "·", "∙": "·"})


def check_person_name(raw: str, *, max_length: int | None = 30) -> Check:
    """Check a person's name: Chinese characters, Latin letters and “·” only; store it in NFC."""
    text = re.sub(r"\s+", " ", normalise_text(raw.translate(_NAME_DOTS)))
    if not text:
        return Check(None)
    for position, char in enumerate(text, start=1):
        if char.isdigit():
            return _fail(f"姓名的第{position}个字符是数字“{char}”：姓名不能包含数字，请与身份证上的姓名核对")
        if not _NAME_CHAR_RE.fullmatch(char):
            return _fail(
                f"姓名的第{position}个字符“{char}”不能用于姓名：姓名只能包含汉字、英文字母和间隔号“·”，"
                "请与身份证上的姓名核对"
            )
    if text.startswith("·") or text.endswith("·") or "··" in text:
        return _fail("间隔号“·”只能写在姓名的两部分之间，如 阿依古丽·买买提：请核对")
    if max_length is not None and len(text) > max_length:
        return _fail(f"姓名过长：最多{max_length}个字，当前{len(text)}个字，请与身份证上的姓名核对")
    return Check(text)


# ---------------------------------------------------------------------------------------------
# ISBN, ISSN and CN serial numbers
# ---------------------------------------------------------------------------------------------


def _strip_label(text: str, label: str) -> str:
    """Drop a leading "ISBN" / "ISSN" label, with an optional "-13"/"-10" and colon."""
    # "13"/"10" right after the label is only stripped when marked as such ("-13", "13:"), since
    # it could also be the start of the number itself.
    return re.sub(rf"^{label}(?:-1[03]:?|1[03]:|:)?", "", text)


def check_isbn(raw: str) -> Check:
    """Check an ISBN-10 or ISBN-13; store its digits (and final X) without separators."""
    text = _squeeze(_ascii(raw)).upper()
    if not text:
        return Check(None)
    digits = re.sub(r"[-—–]", "", _strip_label(text, "ISBN"))
    if not re.fullmatch(r"[0-9]+X?", digits):
        return _fail("ISBN 只能包含数字，ISBN-10 最后一位可以是X：请对照图书版权页重新输入")
    if len(digits) == 13:
        if "X" in digits:
            return _fail("13位 ISBN 不含字母X：请对照图书版权页或封底条码重新输入")
        if not digits.startswith(("978", "979")):
            return _fail("13位 ISBN 应以978或979开头：请对照图书版权页或封底条码核对")
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
        valid = total % 10 == 0
    elif len(digits) == 10:
        total = sum((10 if c == "X" else int(c)) * (10 - i) for i, c in enumerate(digits))
        valid = "X" not in digits[:9] and total % 11 == 0
    else:
        return _fail(f"ISBN 应为10位或13位，当前为{len(digits)}位：请对照图书版权页核对是否漏填或多填")
    if not valid:
        return _fail("ISBN 校验位不正确：请对照图书版权页或封底条码逐位核对后重新输入")
    return Check(digits)


def _issn_check_char(first7: str) -> str:
    remainder = sum(int(c) * w for c, w in zip(first7, range(8, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return "X" if check == 10 else str(check)


def check_issn(raw: str) -> Check:
    """Check an ISSN; store "NNNN-NNNC"."""
    text = _squeeze(_ascii(raw)).upper()
    if not text:
        return Check(None)
    digits = re.sub(r"[-—–]", "", _strip_label(text, "ISSN"))
    if not re.fullmatch(r"[0-9]{7}[0-9X]", digits):
        return _fail(
            "ISSN 应为8位（前7位是数字，最后一位是数字或X），如 ISSN 0253-9772：请对照刊物版权页核对"
        )
    if _issn_check_char(digits[:7]) != digits[7]:
        return _fail("ISSN 校验位不正确：请对照刊物版权页或封面逐位核对后重新输入")
    return Check(f"{digits[:4]}-{digits[4:]}")


# CN serials are assigned per province, so the region is one of the mainland province codes.
_CN_REGIONS = frozenset(code for code in _PROVINCES if code not in ("71", "81", "82", "83"))
# First letters of the Chinese Library Classification's 22 main classes (no L, M, W, Y).
_CLC_MAIN_CLASSES = frozenset("ABCDEFGHIJKNOPQRSTUVXZ")
_CN_HELP = "应为 CN 两位地区号-四位序号/分类号，如 CN 53-1040/R，请对照刊物版权页核对"


def check_cn_serial(raw: str) -> Check:
    """Check a domestic CN serial number (国内统一刊号); store "CN 53-1040/R"."""
    text = _squeeze(_ascii(raw)).upper()
    if not text:
        return Check(None)
    text = re.sub(r"[—–―]", "-", text)
    if "HK" in text:
        # "CN(HK)..." is printed by Hong Kong-registered magazines posing as domestic journals.
        return _fail("“CN(HK)”开头的不是国内统一刊号：请核对刊物是否为国内正式期刊，并照版权页填写 CN 刊号")
    body = re.sub(r"^(?:国内统一刊号|国内刊号|刊号)?:?(?:CN)?:?", "", text)
    m = re.fullmatch(r"([0-9]{2})-?([0-9]{4})(?:/([A-Z]{1,3}[0-9]{0,2}))?", body)
    if not m:
        parts = re.fullmatch(r"([0-9]+)-([0-9]+)(/.*)?", body)
        if parts and len(parts[1]) != 2:
            return _fail(f"国内统一刊号的地区号应为2位，当前为{len(parts[1])}位：{_CN_HELP}")
        if parts and len(parts[2]) != 4:
            return _fail(f"国内统一刊号的序号应为4位，当前为{len(parts[2])}位：{_CN_HELP}")
        if parts:
            return _fail(f"国内统一刊号斜线后的分类号不正确：{_CN_HELP}")
        return _fail(f"无法识别国内统一刊号“{raw.strip()}”：{_CN_HELP}")
    region, serial, classification = m[1], m[2], m[3]
    if region not in _CN_REGIONS:
        return _fail(f"国内统一刊号的地区号“{region}”不存在：{_CN_HELP}")
    if classification is None:
        # Newspapers (serials 0001-0999) are often printed without a classification; journals never.
        if serial.startswith("0"):
            return Check(f"CN {region}-{serial}")
        return _fail(f"国内统一刊号缺少斜线后的分类号：{_CN_HELP}")
    if classification[0] not in _CLC_MAIN_CLASSES:
        return _fail(f"分类号“{classification}”不是中图法分类号：{_CN_HELP}")
    return Check(f"CN {region}-{serial}/{classification}")


# ---------------------------------------------------------------------------------------------
# Chinese patent numbers
# ---------------------------------------------------------------------------------------------
#
# A patent number is "ZL" + the application number. Since 1 Oct 2003 (ZC 0006-2003) that is a
# 4-digit year, a type digit and a 7-digit serial; before, a 2-digit year, a type digit and a
# 5-digit serial. A check character follows the dot: the digits weighted 2,3,4,5,6,7,8,9 (then
# again from 2), summed, mod 11, with 10 written as X. Verified against the standard's own example
# 200310102344.5 and against published numbers, old format included: 99113861.9, 01105715.7,
# 00125301.8, 01126463.2, 200510030457.8, 201210442457.9, 201620161392.4 (utility model),
# 202110377287.X and others (see tests/formspec/test_validators.py).

_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
_PATENT_TYPES = {
    "1": "发明专利",
    "8": "发明专利",  # PCT application entering the Chinese national phase
    "2": "实用新型专利",
    "9": "实用新型专利",  # PCT, ditto
    "3": "外观设计专利",
}
_PATENT_HELP = "请照专利证书填写，如 ZL201910123458.9"
_OLD_FORMAT_YEARS = frozenset(f"{y % 100:02d}" for y in range(1985, 2004))


def patent_check_char(digits: str) -> str:
    """The check character of a Chinese patent application number's digits."""
    total = sum(int(c) * _PATENT_WEIGHTS[i % 8] for i, c in enumerate(digits)) % 11
    return "X" if total == 10 else str(total)


def _patent_body(raw: str) -> str:
    """Upper-case text without spaces, labels or the ZL/CN prefix."""
    text = _squeeze(_ascii(raw)).upper()
    text = re.sub(r"^(?:专利号|专利申请号|申请号):?", "", text)
    return re.sub(r"^(?:ZL|CN)", "", text)


def check_patent_number(raw: str) -> Check:
    """Check a Chinese patent number in either numbering scheme; store "ZL" + digits + "." + check."""
    text = _squeeze(_ascii(raw)).upper()
    if not text:
        return Check(None)
    # Publication numbers end in a kind code letter (A, B, U, Y, S ...); X would be a check char.
    if re.fullmatch(r"CN[0-9]{7,9}[A-WYZ][0-9]?", text):
        return _fail(f"“{raw.strip()}”是公开号或授权公告号，不是专利号：{_PATENT_HELP}")
    body = _patent_body(raw)
    if re.fullmatch(r"[0-9]{8}|[0-9]{12}", body):
        return _fail(f"专利号缺少小数点后的校验位：{_PATENT_HELP}")
    # The dot is sometimes typed as a middle dot or left out; the check char then still ends it.
    m = re.fullmatch(r"([0-9]{8}|[0-9]{12})[.·]?([0-9X])", body)
    length_error = (
        "专利号位数不对：2003年10月以后申请的为12位数字加校验位，1985年至2003年的为8位数字加校验位，"
        + _PATENT_HELP
    )
    if not m:
        return _fail(length_error)
    digits, check = m[1], m[2]
    if len(digits) == 12:
        year, kind = int(digits[:4]), digits[4]
        if not 2003 <= year <= date.today().year:
            return _fail(f"专利号中的申请年份{year}不对（应为2003年至今）：{_PATENT_HELP}")
    else:
        kind = digits[2]
        # A 9-character body with an impossible year is more likely a truncated new-style number,
        # so explain both formats rather than blame the old one.
        if digits[:2] not in _OLD_FORMAT_YEARS:
            return _fail(length_error)
    if kind not in _PATENT_TYPES:
        return _fail(f"专利号中的类型位“{kind}”不对（应为1、2、3、8或9）：{_PATENT_HELP}")
    if patent_check_char(digits) != check:
        return _fail("专利号校验位不正确：请对照专利证书逐位核对后重新输入")
    return Check(f"ZL{digits}.{check}")


def patent_type(number: str) -> str | None:
    """Patent kind (发明专利 / 实用新型专利 / 外观设计专利) from the type digit; None if unreadable."""
    m = re.fullmatch(r"([0-9]{8}|[0-9]{12})(?:[.·]?[0-9X])?", _patent_body(number))
    if not m:
        return None
    digits = m[1]
    return _PATENT_TYPES.get(digits[4] if len(digits) == 12 else digits[2])

"""Tests for desktop_app.formspec.validators.

Check characters are computed here by small independent implementations of the published
algorithms, each anchored to a published example, so no test merely echoes the code under test.
No real person's ID number appears anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.formspec import validators as v

TODAY = date(2025, 6, 1)

# ---------------------------------------------------------------------------------------------
# Independent check-character oracles
# ---------------------------------------------------------------------------------------------


def id_check_char(body17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, then 12 - (sum mod 11) mod 11, 10 written X."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(prefix: str, birth: date, sequence: int) -> str:
    body = f"{prefix}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_char(body)


def isbn13_check(first12: str) -> str:
    total = sum(int(c) * w for c, w in zip(first12, [1, 3] * 6, strict=True))
    return str(-total % 10)


def isbn10_check(first9: str) -> str:
    total = sum(int(c) * w for c, w in zip(first9, range(10, 1, -1), strict=True))
    value = -total % 11
    return "X" if value == 10 else str(value)


def issn_check(first7: str) -> str:
    total = sum(int(c) * w for c, w in zip(first7, range(8, 1, -1), strict=True))
    value = -total % 11
    return "X" if value == 10 else str(value)


def patent_check(digits: str) -> str:
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    value = sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11
    return "X" if value == 10 else str(value)


FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")

# Published numbers (university and company pages); used to anchor the patent oracle and the
# code. Old 8-digit scheme first, then the 12-digit scheme; 201620161392.4 is a utility model.
REAL_PATENTS = [
    "99113861.9",
    "01105715.7",
    "00125301.8",
    "01126463.2",
    "200310102344.5",  # the example in the numbering standard ZC 0006-2003
    "200510030457.8",
    "200510025251.6",
    "201010613264.6",
    "201210442457.9",
    "201410026192.3",
    "201620161392.4",
    "201811088661.9",
    "201911296074.3",
    "202011472880.4",
    "202110377287.X",
    "202111118032.8",
    "202210110472.7",
    "202310397744.0",
]


def test_oracles_match_published_examples() -> None:
    # The example number printed in GB 11643-1999 itself.
    assert id_check_char("11010519491231002") == "X"
    assert isbn13_check("978711154742") == "6"  # 机械工业出版社, 978-7-111-54742-6
    assert isbn10_check("080442957") == "X"
    assert issn_check("0253977") == "2"  # 遗传 (Hereditas)
    assert issn_check("0028083") == "6"  # Nature
    for number in REAL_PATENTS:
        digits, check = number.split(".")
        assert patent_check(digits) == check, number


# ---------------------------------------------------------------------------------------------
# Empty input and normalisation
# ---------------------------------------------------------------------------------------------

ALL_CHECKS: list[Callable[[str], v.Check]] = [
    v.check_id_number,
    v.check_mobile,
    v.check_phone,
    v.check_email,
    v.check_date,
    v.check_year_month,
    v.check_year,
    v.check_date_range,
    lambda raw: v.check_date_range(raw, precision="month"),
    v.check_integer,
    v.check_number,
    v.check_isbn,
    v.check_issn,
    v.check_cn_serial,
    v.check_patent_number,
    v.check_text,
    lambda raw: v.check_text(raw, min_length=5, pattern=r"[0-9]+"),
]


@pytest.mark.parametrize("check", ALL_CHECKS)
@pytest.mark.parametrize("raw", ["", "  ", "\u3000", "\t\n"])
def test_empty_input_is_none_without_error(check: Callable[[str], v.Check], raw: str) -> None:
    result = check(raw)
    assert result == v.Check(None)
    assert result.ok


def test_check_ok_follows_error() -> None:
    assert v.Check("x").ok
    assert v.Check("x", warnings=("w",)).ok
    assert not v.Check(None, "错误").ok


def test_normalise_text_folds_full_width_alnum_but_keeps_chinese_punctuation() -> None:
    assert v.normalise_text("\u3000ＡＢｃ１２３\u00a0") == "ABc123"
    assert v.normalise_text("（昆明）：第１期，") == "（昆明）：第1期，"
    assert v.normalise_text("\ufeff昆\u200b明") == "昆明"
    assert v.normalise_text("昆\u3000明") == "昆 明"


# ---------------------------------------------------------------------------------------------
# Resident ID numbers
# ---------------------------------------------------------------------------------------------

KUNMING_PREFIXES = ["530102", "530111", "530112", "530121"]


@given(
    prefix=st.sampled_from(KUNMING_PREFIXES),
    birth=st.dates(min_value=date(1960, 1, 1), max_value=date(1999, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_generated_kunming_ids_pass_and_round_trip(prefix: str, birth: date, sequence: int) -> None:
    number = make_id(prefix, birth, sequence)
    result = v.check_id_number(number, today=TODAY)
    assert result.ok, result.error
    assert result.value == number
    assert result.warnings == ()
    info = v.parse_id_number(number, today=TODAY)
    assert info.birth_date == birth
    assert info.sex == ("男" if sequence % 2 else "女")
    assert info.region_code == prefix
    assert info.province == "云南省"


def test_every_wrong_check_char_is_rejected() -> None:
    number = make_id("530102", date(1970, 3, 15), 123)
    for char in "0123456789X":
        if char == number[-1]:
            continue
        result = v.check_id_number(number[:-1] + char, today=TODAY)
        assert not result.ok
        assert result.value is None
        assert "校验位" in result.error


@pytest.mark.parametrize("birth", ["19700230", "19850431", "19901301", "19700100"])
def test_impossible_birth_dates_are_rejected(birth: str) -> None:
    body = f"530102{birth}123"
    result = v.check_id_number(body + id_check_char(body), today=TODAY)
    assert not result.ok
    assert "出生日期" in result.error


def test_future_birth_date_is_rejected_and_today_accepted() -> None:
    future = make_id("530102", TODAY + timedelta(days=1), 11)
    result = v.check_id_number(future, today=TODAY)
    assert not result.ok
    assert TODAY.isoformat() in result.error
    assert v.check_id_number(make_id("530102", TODAY, 11), today=TODAY).ok


def test_birth_year_limits() -> None:
    too_old = v.check_id_number(make_id("530102", date(1899, 12, 31), 11), today=date(2019, 1, 1))
    assert not too_old.ok and "1900" in too_old.error
    over_120 = v.check_id_number(make_id("530102", date(1904, 5, 31), 11), today=TODAY)
    assert not over_120.ok and "120" in over_120.error
    # Exactly 120 years old is still allowed.
    assert v.check_id_number(make_id("530102", date(1905, 6, 1), 11), today=TODAY).ok


def test_full_width_spaces_hyphens_and_lower_case_x_are_normalised() -> None:
    number = make_id("530102", date(1975, 8, 9), 321)
    messy = f" {number[:6]} {number[6:14]}-{number[14:]} ".translate(FULL_WIDTH)
    assert messy != number
    assert v.check_id_number(messy, today=TODAY).value == number

    with_x = next(n for n in (make_id("530111", date(1988, 1, 2), s) for s in range(1000)) if n.endswith("X"))
    assert v.check_id_number(with_x.lower(), today=TODAY).value == with_x
    assert v.check_id_number(with_x[:-1] + "ｘ", today=TODAY).value == with_x


def test_unknown_yunnan_region_warns_but_passes() -> None:
    for prefix in ("539999", "530199"):
        number = make_id(prefix, date(1980, 1, 1), 1)
        result = v.check_id_number(number, today=TODAY)
        assert result.ok
        assert result.value == number
        assert len(result.warnings) == 1 and prefix in result.warnings[0]


def test_other_yunnan_prefectures_and_old_codes_do_not_warn() -> None:
    for prefix in ("530302", "532901", "532701", "530181", "530122"):
        result = v.check_id_number(make_id(prefix, date(1965, 7, 1), 5), today=TODAY)
        assert result.ok and result.warnings == (), prefix


def test_other_provinces_pass_without_warning() -> None:
    result = v.check_id_number(make_id("110105", date(1980, 1, 1), 2), today=TODAY)
    assert result.ok and result.warnings == ()
    assert v.parse_id_number(make_id("510104", date(1980, 1, 1), 2), today=TODAY).province == "四川省"


def test_unknown_province_is_rejected() -> None:
    for prefix in ("990101", "000000", "200101"):
        result = v.check_id_number(make_id(prefix, date(1980, 1, 1), 1), today=TODAY)
        assert not result.ok and "省份" in result.error, prefix


def test_malformed_ids_are_rejected_with_specific_messages() -> None:
    old = v.check_id_number("530102700101123", today=TODAY)
    assert not old.ok and "15位" in old.error and "18位" in old.error
    short = v.check_id_number("53010219700101123", today=TODAY)
    assert not short.ok and "17位" in short.error
    letters = v.check_id_number("5301021970010112X3", today=TODAY)
    assert not letters.ok and "数字" in letters.error


def test_parse_id_number_raises_value_error() -> None:
    number = make_id("530102", date(1970, 1, 1), 1)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValueError, match="校验位"):
        v.parse_id_number(wrong, today=TODAY)
    with pytest.raises(ValueError):
        v.parse_id_number("", today=TODAY)


# ---------------------------------------------------------------------------------------------
# Telephone and e-mail
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "8613800138000",
        "１３８００１３８０００",
    ],
)
def test_mobile_shapes(raw: str) -> None:
    assert v.check_mobile(raw) == v.Check("13800138000")


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "1380013800a", "0871-65165786"])
def test_bad_mobiles(raw: str) -> None:
    result = v.check_mobile(raw)
    assert not result.ok and result.value is None


def test_mobile_messages_name_the_problem() -> None:
    assert "数字" in v.check_mobile("1380013800a").error
    assert "11位" in v.check_mobile("1380013800").error
    assert "开头" in v.check_mobile("12800138000").error


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0871-65165786", "0871-65165786"),
        ("087165165786", "0871-65165786"),
        ("(0871)65165786", "0871-65165786"),
        ("（0871）6516 5786", "0871-65165786"),
        ("+86 871 65165786", "0871-65165786"),
        ("010-62751407", "010-62751407"),
        ("0871-65165786-8001", "0871-65165786转8001"),
        ("0871-65165786 分机 8001", "0871-65165786转8001"),
        ("63644999转1转627005", "63644999转1转627005"),
        ("65165786", "65165786"),
        ("139 8765 4321", "13987654321"),
    ],
)
def test_phone_shapes(raw: str, stored: str) -> None:
    result = v.check_phone(raw)
    assert result.ok, result.error
    assert result.value == stored


def test_phone_without_area_code_warns() -> None:
    assert v.check_phone("65165786").warnings
    assert not v.check_phone("0871-65165786").warnings


@pytest.mark.parametrize("raw", ["12345", "0871-123", "0871-01234567", "电话65165786", "011-62751407"])
def test_bad_phones(raw: str) -> None:
    result = v.check_phone(raw)
    assert not result.ok and result.value is None


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Zhang.San@Example.COM", "Zhang.San@example.com"),
        ("ｚｈａｎｇ＠ｑｑ．ｃｏｍ", "zhang@qq.com"),
        ("zhang@qq。com", "zhang@qq.com"),
        (" li_si+cv@mail.kmust.edu.cn ", "li_si+cv@mail.kmust.edu.cn"),
    ],
)
def test_email_shapes(raw: str, stored: str) -> None:
    assert v.check_email(raw) == v.Check(stored)


@pytest.mark.parametrize(
    "raw",
    [
        "zhang",
        "zhang@qq",
        "zhang@@qq.com",
        "a@b@qq.com",
        "张三@qq.com",
        "zhang@.com",
        "zhang.@qq.com",
        "@qq.com",
    ],
)
def test_bad_emails(raw: str) -> None:
    result = v.check_email(raw)
    assert not result.ok and result.value is None


def test_email_com_typo_warns() -> None:
    result = v.check_email("zhang@163.con")
    assert result.ok and result.warnings


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2019-06-01",
        "2019/6/1",
        "2019.6.1",
        "2019年6月1日",
        "2019 年 6 月 1 日",
        "20190601",
        "２０１９．６．１",
    ],
)
def test_date_shapes(raw: str) -> None:
    assert v.check_date(raw, today=TODAY) == v.Check("2019-06-01")


@pytest.mark.parametrize(
    "raw", ["2019-02-30", "2019-04-31", "2019-13-01", "2019-06", "2019", "1899-12-31", "明天"]
)
def test_bad_dates(raw: str) -> None:
    result = v.check_date(raw, today=TODAY)
    assert not result.ok and result.value is None


def test_leap_day() -> None:
    assert v.check_date("2020-02-29", today=TODAY).ok
    assert not v.check_date("2019-02-29", today=TODAY).ok


def test_future_date_needs_allow_future() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    result = v.check_date(tomorrow, today=TODAY)
    assert not result.ok and TODAY.isoformat() in result.error
    assert v.check_date(tomorrow, allow_future=True, today=TODAY) == v.Check(tomorrow)
    assert v.check_date(TODAY.isoformat(), today=TODAY).ok


@pytest.mark.parametrize("raw", ["2019-06", "2019.6", "2019年6月", "201906", "2019/06", "2019-06-15"])
def test_year_month_shapes(raw: str) -> None:
    assert v.check_year_month(raw, today=TODAY) == v.Check("2019-06")


def test_year_month_limits() -> None:
    assert not v.check_year_month("2019-13", today=TODAY).ok
    assert v.check_year_month("2025-06", today=TODAY).ok
    future = v.check_year_month("2025-07", today=TODAY)
    assert not future.ok and TODAY.isoformat() in future.error
    assert v.check_year_month("2025-07", allow_future=True, today=TODAY) == v.Check("2025-07")


def test_year() -> None:
    assert v.check_year("2019", today=TODAY) == v.Check(2019)
    assert v.check_year("２０１９年", today=TODAY) == v.Check(2019)
    for bad in ("19", "20190", "1899", "二〇一九"):
        assert not v.check_year(bad, today=TODAY).ok, bad
    assert not v.check_year("2026", today=TODAY).ok
    assert v.check_year("2026", allow_future=True, today=TODAY) == v.Check(2026)


@pytest.mark.parametrize(
    "raw",
    [
        "2015.09~2019.07",
        "2015.09～2019.07",
        "2015年9月至2019年7月",
        "2015.09-2019.07",
        "2015-09-2019-07",
        "2015.09—2019.07",
        "2015.09——2019.07",
        "2015.09－2019.07",
        "2015.9 到 2019.7",
        "201509-201907",
    ],
)
def test_month_range_shapes(raw: str) -> None:
    assert v.check_date_range(raw, precision="month", today=TODAY) == v.Check("2015-09~2019-07")


@pytest.mark.parametrize("raw", ["2015.09~至今", "2015.09至今", "2015.09-至今", "2015-09-今", "2015年9月—今"])
def test_open_end(raw: str) -> None:
    result = v.check_date_range(raw, precision="month", today=TODAY)
    assert result == v.Check("2015-09~至今")
    assert v.parse_range(str(result.value)) == ("2015-09", "至今")
    refused = v.check_date_range(raw, precision="month", allow_open_end=False, today=TODAY)
    assert not refused.ok and "至今" in refused.error


@pytest.mark.parametrize(
    "raw",
    ["2019-06-01~2020-06-30", "2019-06-01-2020-06-30", "2019/6/1至2020/6/30", "2019年6月1日到2020年6月30日"],
)
def test_day_range_shapes(raw: str) -> None:
    result = v.check_date_range(raw, today=TODAY)
    assert result == v.Check("2019-06-01~2020-06-30")
    assert v.parse_range(str(result.value)) == ("2019-06-01", "2020-06-30")


def test_month_precision_cuts_full_dates() -> None:
    result = v.check_date_range("2019-06-01~2020-06-30", precision="month", today=TODAY)
    assert result == v.Check("2019-06~2020-06")


def test_day_precision_needs_days() -> None:
    result = v.check_date_range("2019.06~2020.06", today=TODAY)
    assert not result.ok and "日" in result.error


def test_end_before_start_is_rejected() -> None:
    for raw, precision in (("2019.07~2015.09", "month"), ("2019-06-02~2019-06-01", "day")):
        result = v.check_date_range(raw, precision=precision, today=TODAY)
        assert not result.ok and "早于" in result.error
    assert v.check_date_range("2019-06-01~2019-06-01", today=TODAY).ok


def test_range_future_and_malformed() -> None:
    future_end = v.check_date_range("2020.01~2025.07", precision="month", today=TODAY)
    assert not future_end.ok and TODAY.isoformat() in future_end.error
    assert v.check_date_range("2020.01~2025.07", precision="month", allow_future=True, today=TODAY).ok
    assert not v.check_date_range("2025.07~至今", precision="month", today=TODAY).ok
    for raw in (
        "2015.09",
        "2015.09~",
        "~2019.07",
        "至今",
        "2015.09~2016.01~2017.01",
        "2015.13~2016.01",
        "去年~今年",
    ):
        result = v.check_date_range(raw, precision="month", today=TODAY)
        assert not result.ok and result.value is None, raw
    with pytest.raises(ValueError):
        v.check_date_range("2015.09~2019.07", precision="year")


def test_parse_range_rejects_non_ranges() -> None:
    for value in ("2015-09", "~2015-09", "2015-09~"):
        with pytest.raises(ValueError):
            v.parse_range(value)


# ---------------------------------------------------------------------------------------------
# Numbers and text
# ---------------------------------------------------------------------------------------------


def test_integer() -> None:
    assert v.check_integer("12") == v.Check(12)
    assert v.check_integer(" １２ ") == v.Check(12)
    assert v.check_integer("1,234") == v.Check(1234)
    assert v.check_integer("-3") == v.Check(-3)
    assert v.check_integer("12.0") == v.Check(12)
    for bad in ("12.5", "1,23", "十二", "1e3", "nan", "1_000", "١٢"):
        assert not v.check_integer(bad).ok, bad
    assert not v.check_integer("0", minimum=1).ok
    assert not v.check_integer("11", maximum=10).ok
    assert v.check_integer("10", minimum=1, maximum=10) == v.Check(10)


def test_number() -> None:
    assert v.check_number("3.5") == v.Check(3.5)
    assert v.check_number("１２．５") == v.Check(12.5)
    assert v.check_number("1,234.5") == v.Check(1234.5)
    assert v.check_number(".5") == v.Check(0.5)
    for bad in ("abc", "nan", "inf", "1e5", "3.5.1", "--1"):
        assert not v.check_number(bad).ok, bad
    assert not v.check_number("0.4", minimum=0.5).ok
    assert not v.check_number("100.1", maximum=100).ok


def test_text() -> None:
    assert v.check_text("  昆明理工大学（本部）  ") == v.Check("昆明理工大学（本部）")
    assert v.check_text("ＡＢＣ") == v.Check("ABC")
    assert not v.check_text("短", min_length=2).ok
    too_long = v.check_text("一二三四", max_length=3)
    assert not too_long.ok and "3" in too_long.error
    assert v.check_text("一二三", max_length=3).ok
    assert v.check_text("AB12", pattern=r"[A-Z]+[0-9]+") == v.Check("AB12")
    assert v.check_text("12AB", pattern=r"[A-Z]+[0-9]+", pattern_message="请先写字母").error == "请先写字母"
    assert v.check_text("12AB", pattern=r"[A-Z]+[0-9]+").error


# ---------------------------------------------------------------------------------------------
# ISBN, ISSN, CN
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "978-7-111-54742-6",
        "9787111547426",
        "ISBN 978-7-111-54742-6",
        "ISBN-13: 978 7 111 54742 6",
        "ISBN：９７８７１１１５４７４２６",
    ],
)
def test_isbn13_shapes(raw: str) -> None:
    assert v.check_isbn(raw) == v.Check("9787111547426")


def test_isbn10() -> None:
    first9 = "711154742"  # the ISBN-10 form of the same 机械工业出版社 book
    expected = first9 + isbn10_check(first9)
    assert v.check_isbn(f"7-111-54742-{expected[-1]}") == v.Check(expected)
    assert v.check_isbn("0-8044-2957-x") == v.Check("080442957X")


@pytest.mark.parametrize(
    "raw",
    [
        "978-7-111-54742-5",  # wrong check digit
        "978-7-111-45742-6",  # adjacent digits swapped
        "977-7-111-54742-6",  # not a book prefix
        "978-7-111-5474-6",  # digit missing
        "0-8044-2957-1",
        "0-8044-295X-7",
        "ISBN 书号",
    ],
)
def test_bad_isbns(raw: str) -> None:
    result = v.check_isbn(raw)
    assert not result.ok and result.value is None


def test_every_wrong_isbn13_check_digit_is_rejected() -> None:
    for digit in "012345789":
        assert not v.check_isbn("978711154742" + digit).ok


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0253-9772", "0253-9772"),
        ("ISSN 0253-9772", "0253-9772"),
        ("02539772", "0253-9772"),
        ("ＩＳＳＮ：００２８－０８３６", "0028-0836"),
        ("1050-124x", "1050-124X"),
    ],
)
def test_issn_shapes(raw: str, stored: str) -> None:
    assert v.check_issn(raw) == v.Check(stored)


def test_bad_issns() -> None:
    for check in "013456789X":
        assert not v.check_issn("0253-977" + check).ok
    for raw in ("0253-977", "0253-97722", "X253-9772"):
        assert not v.check_issn(raw).ok, raw


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("CN 53-1040/R", "CN 53-1040/R"),
        ("CN53-1040/R", "CN 53-1040/R"),
        ("cn 53-1040/r", "CN 53-1040/R"),
        ("ＣＮ５３－１０４０／Ｒ", "CN 53-1040/R"),
        ("CN53-1040/TU", "CN 53-1040/TU"),
        ("CN 11-1958/O4", "CN 11-1958/O4"),
        ("国内统一刊号：CN 11-2493/G4", "CN 11-2493/G4"),
        ("CN 53-0001", "CN 53-0001"),
    ],
)
def test_cn_serial_shapes(raw: str, stored: str) -> None:
    assert v.check_cn_serial(raw) == v.Check(stored)


@pytest.mark.parametrize(
    "raw",
    [
        "CN53-104/R",
        "CN 5-1040/R",
        "CN 99-1040/R",
        "CN 53-1040",
        "CN 53-1040/L",
        "CN(HK)1040/R",
        "CN 53-10400/R",
        "53",
    ],
)
def test_bad_cn_serials(raw: str) -> None:
    result = v.check_cn_serial(raw)
    assert not result.ok and result.value is None


# ---------------------------------------------------------------------------------------------
# Patent numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", REAL_PATENTS)
def test_real_published_patent_numbers_pass(number: str) -> None:
    assert v.check_patent_number(number) == v.Check("ZL" + number)


def test_published_patent_kinds() -> None:
    assert v.patent_type("ZL201210442457.9") == "发明专利"
    assert v.patent_type("ZL 2016 2 0161392.4") == "实用新型专利"
    assert v.patent_type("99113861.9") == "发明专利"
    assert v.patent_type("ZL201930123456") == "外观设计专利"
    assert v.patent_type("ZL201980123456.1") == "发明专利"
    assert v.patent_type("ZL201990123456.1") == "实用新型专利"
    assert v.patent_type("ZL201940123456.1") is None
    assert v.patent_type("不是专利号") is None


@given(
    year=st.integers(min_value=2003, max_value=2024),
    kind=st.sampled_from("12389"),
    serial=st.integers(min_value=0, max_value=9_999_999),
)
def test_constructed_patent_numbers_in_every_shape(year: int, kind: str, serial: int) -> None:
    digits = f"{year}{kind}{serial:07d}"
    check = patent_check(digits)
    stored = f"ZL{digits}.{check}"
    shapes = [
        f"ZL {digits[:4]} {digits[4]} {digits[5:]}.{check}",
        f"ZL{digits}.{check}",
        f"CN{digits}.{check}",
        f"{digits}.{check}",
        f"zl{digits}.{check.lower()}",
        f"{digits}{check}",
        f"ZL{digits}.{check}".translate(FULL_WIDTH),
    ]
    for shape in shapes:
        assert v.check_patent_number(shape) == v.Check(stored), shape
    for wrong in "0123456789X":
        if wrong != check:
            assert not v.check_patent_number(f"ZL{digits}.{wrong}").ok


def test_old_scheme_patent_built_from_check() -> None:
    digits = "98100001"
    check = patent_check(digits)
    assert v.check_patent_number(f"ZL {digits[:2]} {digits[2]} {digits[3:]}.{check}") == v.Check(
        f"ZL{digits}.{check}"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "ZL201210442457.8",  # one wrong check char of a real number
        "ZL201210442457",  # check char missing
        "CN116455754B",  # a publication number, not a patent number
        "ZL2012104424.9",
        "专利",
    ],
)
def test_bad_patent_numbers(raw: str) -> None:
    result = v.check_patent_number(raw)
    assert not result.ok and result.value is None


@pytest.mark.parametrize(
    ("digits", "reason"),
    [
        ("201240442457", "类型"),  # type digit 4 does not exist
        ("200210442457", "2003"),  # the 12-digit scheme started in 2003
        ("209910442457", "年份"),  # application year in the future
        ("50113861", "位数"),  # 8-digit scheme years are 85-03
    ],
)
def test_patent_numbers_with_right_check_but_impossible_content(digits: str, reason: str) -> None:
    result = v.check_patent_number(f"ZL{digits}.{patent_check(digits)}")
    assert not result.ok and reason in result.error


def test_old_scheme_patent_with_x_is_not_taken_for_a_publication_number() -> None:
    digits = next(d for d in (f"9910{n:04d}" for n in range(10000)) if patent_check(d) == "X")
    assert v.check_patent_number(f"CN{digits}X") == v.Check(f"ZL{digits}.X")


def test_publication_number_message_points_to_patent_number() -> None:
    assert "专利号" in v.check_patent_number("CN 116455754 B").error


# ---------------------------------------------------------------------------------------------
# Stored values check to themselves (the UI re-validates what it loads)
# ---------------------------------------------------------------------------------------------

IDEMPOTENT_CASES: list[tuple[Callable[[str], v.Check], str]] = [
    (lambda r: v.check_id_number(r, today=TODAY), make_id("530112", date(1969, 12, 31), 7).lower()),
    (v.check_mobile, "+86 138-0013-8000"),
    (v.check_phone, "（0871）6516 5786-8001"),
    (v.check_phone, "63644999转1转627005"),
    (v.check_email, "Zhang@QQ。com"),
    (lambda r: v.check_date(r, today=TODAY), "2019年6月1日"),
    (lambda r: v.check_year_month(r, today=TODAY), "2019.6"),
    (lambda r: v.check_date_range(r, today=TODAY), "2019/6/1到2020/6/30"),
    (lambda r: v.check_date_range(r, precision="month", today=TODAY), "2015.9-至今"),
    (v.check_integer, "1,234"),
    (v.check_number, "1,234.50"),
    (v.check_isbn, "ISBN 978-7-111-54742-6"),
    (v.check_issn, "ISSN 0253 9772"),
    (v.check_cn_serial, "cn53-1040/tu"),
    (v.check_patent_number, "ZL 2021 1 0377287.x"),
]


@pytest.mark.parametrize(("check", "raw"), IDEMPOTENT_CASES)
def test_stored_value_checks_to_itself(check: Callable[[str], v.Check], raw: str) -> None:
    first = check(raw)
    assert first.ok, first.error
    again = check(str(first.value))
    assert again.ok and again.value == first.value

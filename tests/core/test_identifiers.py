"""居民身份证号 (GB 11643) and 统一社会信用代码 (GB 32100) checksums.

The valid numbers below are the standards' own examples or were computed by hand from the
weights (ID: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 → 1 0 X 9 8 7 6 5 4 3 2;
credit code: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, 31 − sum mod 31).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.core.identifiers import (
    birth_date,
    credit_code_check_char,
    credit_code_error,
    id_number_check_digit,
    id_number_error,
)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # GB 11643 example, check digit X
        "11010519491231002x",  # lower-case x is accepted
        "440524188001010014",  # GB 11643 example
        "110101199003074514",
        "370102196503151230",  # check digit 0
        "370102200002290012",  # 29 February of a leap year
        " 440524188001010014 ",  # surrounding blanks are ignored
    ],
)
def test_valid_id_numbers(value):
    assert id_number_error(value) is None


@pytest.mark.parametrize(
    ("first17", "digit"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("11010119900307451", "4"),
        ("37010219650315123", "0"),
        ("32058319800101000", "8"),
    ],
)
def test_id_number_check_digit(first17, digit):
    assert id_number_check_digit(first17) == digit
    assert id_number_error(first17 + digit) is None


@pytest.mark.parametrize(
    "value",
    ["110105194912310021", "110105194912310020", "440524188001010015", "110101199003074518"],
)
def test_wrong_check_digit(value):
    assert id_number_error(value) == "居民身份证号校验位不正确"


@pytest.mark.parametrize(
    "birth",
    ["20010229", "19901301", "19900431", "19900000", "00000101"],
)
def test_bad_birth_date(birth):
    first17 = "370102" + birth + "001"
    value = first17 + id_number_check_digit(first17)  # a correct checksum: only the date is wrong
    assert id_number_error(value) == "居民身份证号中的出生日期无效"


@pytest.mark.parametrize(
    "value",
    ["", "11010519491231002", "11010519491231002X1", "110105491231002"],  # 15: the old format
)
def test_wrong_length(value):
    assert id_number_error(value) == "居民身份证号应为18位"


@pytest.mark.parametrize(
    "value", ["11010519491231002A", "1101051949123100X2", "11010519491231002-"]
)
def test_wrong_characters(value):
    assert id_number_error(value) == "居民身份证号前17位应为数字，最后一位为数字或X"


def test_birth_date():
    assert birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert birth_date("370102200002290012") == dt.date(2000, 2, 29)


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y43",  # a known valid code
        "91350100m000100y43",  # lower case is accepted
        "91370100MA3C00000E",
        "12100000400010398P",  # a public institution (事业单位, 12…)
        "913701005700000390",  # the check character 0 (sum divisible by 31)
    ],
)
def test_valid_credit_codes(value):
    assert credit_code_error(value) is None


@pytest.mark.parametrize(
    ("first17", "char"),
    [
        ("91350100M000100Y4", "3"),
        ("91370100MA3C00000", "E"),
        ("12100000400010398", "P"),
        ("91370100570000039", "0"),
    ],
)
def test_credit_code_check_char(first17, char):
    assert credit_code_check_char(first17) == char


@pytest.mark.parametrize(
    "value", ["91350100M000100Y44", "91370100MA3C00000F", "12100000400010398Q"]
)
def test_wrong_credit_code_check_char(value):
    assert credit_code_error(value) == "统一社会信用代码校验位不正确"


@pytest.mark.parametrize(
    "value", ["91350100M000100I43", "91350100M000100O43", "91350100M00010-Y43"]
)
def test_credit_code_with_forbidden_characters(value):
    assert credit_code_error(value) == "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y431"])
def test_credit_code_wrong_length(value):
    assert credit_code_error(value) == "统一社会信用代码应为18位"


@pytest.mark.parametrize(
    "value",
    ["11010519491231002²", "1101051949123100²X", "１１０１０５１９４９１２３１００２X", "٣" * 18],
)
def test_non_ascii_digits_are_refused_not_a_crash(value: str) -> None:
    # str.isdigit() takes "²", "٣" and full-width digits; int() refuses "²".
    assert id_number_error(value) == "居民身份证号前17位应为数字，最后一位为数字或X"

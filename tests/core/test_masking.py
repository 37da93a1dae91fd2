"""Masking of ID numbers and phone numbers in lists and in log lines."""

from __future__ import annotations

import io
import logging

import pytest

from kuaiban.core.masking import (
    MaskPersonalDataFilter,
    mask_credit_code,
    mask_id_number,
    mask_phone,
    mask_text,
)

ID = "11010519491231002X"
ID_MASKED = "110105********002X"
PHONE = "13812345678"
PHONE_MASKED = "138****5678"


def test_mask_id_number():
    assert mask_id_number(ID) == ID_MASKED
    assert mask_id_number(" 440524188001010014 ") == "440524********0014"
    assert mask_id_number("110105491231002") == "110105*****1002"  # the old 15-digit format


@pytest.mark.parametrize("value", ["", "1", "1234", "12345678"])
def test_mask_short_id_number_entirely(value):
    assert mask_id_number(value) == "*" * len(value)


@pytest.mark.parametrize("value", ["123456789", "1234567890"])
def test_mask_id_number_never_shows_the_whole_value(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert "*" in masked


def test_mask_phone():
    assert mask_phone(PHONE) == PHONE_MASKED
    assert mask_phone(" 13912345678 ") == "139****5678"
    assert mask_phone("053188881234") == "053*****1234"
    assert mask_phone("12345") == "*****"


@pytest.mark.parametrize("value", ["1234567", "88881234"])  # a local fixed-line number
def test_mask_phone_never_shows_the_whole_number(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert masked.count("*") >= 4


def test_mask_text_in_a_log_line():
    line = f"受理申请：申请人身份证号{ID}，手机{PHONE}，办件编号 KB2025012400001"
    assert mask_text(line) == (
        f"受理申请：申请人身份证号{ID_MASKED}，手机{PHONE_MASKED}，办件编号 KB2025012400001"
    )


def test_mask_text_variants():
    assert mask_text("id=11010519491231002x&x=1") == "id=110105********002x&x=1"
    assert mask_text(f'{{"id_number": "{ID}", "phone": "{PHONE}"}}') == (
        f'{{"id_number": "{ID_MASKED}", "phone": "{PHONE_MASKED}"}}'
    )
    assert mask_text(f"{ID} {ID}") == f"{ID_MASKED} {ID_MASKED}"


def test_mask_text_leaves_other_numbers_alone():
    # A 19-digit bank card, a 12-digit number, a landline and a date are not ID or mobile numbers.
    line = "卡号6222021234567890123 金额123456789012 电话0531-88881234 日期20250124"
    assert mask_text(line) == line


def test_mask_text_masks_a_mobile_number_after_a_separate_country_code():
    assert mask_text(f"短信已发送至 +86 {PHONE}") == f"短信已发送至 +86 {PHONE_MASKED}"


def test_mask_text_masks_a_mobile_number_with_country_code():
    # +8613812345678 is how SMS gateways log numbers; the digits before it are the country code.
    assert PHONE not in mask_text(f"短信已发送至+86{PHONE}")
    assert PHONE not in mask_text("to=8613812345678")


# ---------------------------------------------------------------------------------------------
# The logging filter


@pytest.fixture
def log():
    """A real logger whose handler carries the filter, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.core.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_filter_masks_a_record_with_arguments(log):
    logger, stream = log
    logger.info("申请人 %s 手机 %s 提交了申请", ID, PHONE)
    assert stream.getvalue() == f"INFO 申请人 {ID_MASKED} 手机 {PHONE_MASKED} 提交了申请\n"


def test_filter_masks_a_preformatted_message(log):
    logger, stream = log
    logger.warning(f"查询 {ID} 失败")
    assert stream.getvalue() == f"WARNING 查询 {ID_MASKED} 失败\n"


def test_filter_leaves_other_records_alone(log):
    logger, stream = log
    logger.info("办件 %s 已分派到 %d 个机构", "KB2025012400001", 3)
    assert stream.getvalue() == "INFO 办件 KB2025012400001 已分派到 3 个机构\n"


def test_filter_masks_the_traceback_of_a_logged_exception(log):
    logger, stream = log
    try:
        raise ValueError(f"无法处理身份证号 {ID}")
    except ValueError:
        logger.exception("处理失败")
    output = stream.getvalue()
    assert "ValueError" in output
    assert ID not in output
    assert ID_MASKED in output


def test_filter_returns_true_and_rewrites_the_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "手机 %s", (PHONE,), None)
    assert MaskPersonalDataFilter().filter(record) is True
    assert record.getMessage() == f"手机 {PHONE_MASKED}"
    assert record.args is None


def test_the_configured_console_handler_masks():
    # settings.LOGGING puts the filter on the root logger's console handler.
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)
    ]
    assert handlers, "no root handler carries MaskPersonalDataFilter"
    record = logging.getLogger("kuaiban.anything").makeRecord(
        "kuaiban.anything", logging.INFO, __file__, 1, "身份证号 %s", (ID,), None
    )
    assert handlers[0].filter(record)
    assert record.getMessage() == f"身份证号 {ID_MASKED}"


def test_filter_masks_the_stack_of_a_record():
    # stack_info=True logs the caller's stack, whose source lines may hold an ID number.
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "查询", None, None)
    record.stack_info = f'Stack (most recent call last):\n  lookup("{ID}")'
    MaskPersonalDataFilter().filter(record)
    assert ID not in record.stack_info
    assert ID_MASKED in record.stack_info


def test_filter_masks_an_exception_logged_as_the_message(log):
    # ninja logs `logger.exception(exc)`: the exception object is the message.
    logger, stream = log
    try:
        raise ValueError(f"手机 {PHONE}")
    except ValueError as exc:
        logger.exception(exc)
    assert PHONE not in stream.getvalue()
    assert stream.getvalue().count(PHONE_MASKED) == 2  # the message and the traceback


@pytest.mark.parametrize("prefix", ["+86", "86", "0086", "+86-"])
def test_mask_text_keeps_the_country_code_readable(prefix):
    assert mask_text(f"to={prefix}{PHONE}") == f"to={prefix}{PHONE_MASKED}"


def test_mask_credit_code():
    assert mask_credit_code("91370100MA3C00012X") == "913701********012X"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("123456789", "12*****89"),
        ("1234567890123", "123*******123"),
        ("12345678901234", "123456****1234"),
    ],
)
def test_short_id_numbers_hide_at_least_half(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(("value", "masked"), [("1234567", "1*****7"), ("88881234", "88****34")])
def test_short_phone_numbers_hide_at_least_half(value, masked):
    assert mask_phone(value) == masked


def test_a_signed_link_keeps_its_visit_but_loses_its_signature():
    from django.core import signing

    token = signing.TimestampSigner(salt="kuaiban.ratings.visit-link").sign_object({"v": 42})
    signature = token.rsplit(":", 1)[1]
    line = f"通知 张三：欢迎评价 https://kb.example/ratings/visit/{token}/ （15日内有效）"
    masked = mask_text(line)
    assert signature not in masked
    assert f"/ratings/visit/{token.rsplit(':', 1)[0]}:***/" in masked
    assert "（15日内有效）" in masked and "张三" in masked

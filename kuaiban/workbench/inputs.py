"""Parsing the workbench's action forms: what the officer typed → values for the services.

Errors are keyed by the id of the input they belong to, so the page can link the error
summary to the field and show the message next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from kuaiban.cases.bounds import LINE_MAX, LINES_MAX, NAME_MAX, NOTE_MAX, NUMBER_MAX
from kuaiban.catalogue.models import Agency

RESULT_ROWS = 3
AMOUNT_LIMIT = Decimal(10) ** 10  # the column holds 12 digits, two after the point
RESULT_KINDS = {"document": "文书", "e_certificate": "电子证照"}

Errors = dict[str, list[str]]


def version_parse(raw: str | None) -> int | None:
    """The version the form was rendered with; None when missing or not a number."""
    try:
        version = int(raw or "")
    except ValueError:
        return None
    return version if version >= 0 else None


def text_parse(post: Mapping[str, str], key: str, errors: Errors, *, limit: int = NOTE_MAX) -> str:
    value = post.get(key, "").strip()
    if len(value) > limit:
        errors[key] = [f"不能超过{limit}个字（现有{len(value)}个字）"]
    return value


def amount_parse(post: Mapping[str, str], key: str, errors: Errors) -> Decimal | None:
    """An amount in yuan with at most two decimals; empty is None."""
    raw = post.get(key, "").strip().replace(",", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != round(amount, 2):
        errors[key] = ["请填写不小于 0 的金额（元），至多两位小数"]
        return None
    if amount >= AMOUNT_LIMIT:
        errors[key] = ["金额过大，请核对"]
        return None
    return amount


def results_parse(post: Mapping[str, str], errors: Errors) -> list[dict[str, str]]:
    """Up to three result rows (文书 or 电子证照); a row left empty is skipped."""
    results = []
    for i in range(1, RESULT_ROWS + 1):
        kind = post.get(f"result{i}_kind", "document")
        name = post.get(f"result{i}_name", "").strip()
        number = post.get(f"result{i}_number", "").strip()
        if not name and not number:
            continue
        if kind not in RESULT_KINDS:
            errors[f"result{i}_kind"] = [f"请选择第{i}项结果的类型"]
        if not name:
            errors[f"result{i}_name"] = [f"请填写第{i}项结果的名称"]
        elif len(name) > NAME_MAX:
            errors[f"result{i}_name"] = [f"第{i}项结果的名称不能超过{NAME_MAX}个字"]
        if kind == "e_certificate" and not number:
            errors[f"result{i}_number"] = [f"请填写第{i}项电子证照的编号"]
        elif len(number) > NUMBER_MAX:
            errors[f"result{i}_number"] = [f"第{i}项结果的编号不能超过{NUMBER_MAX}个字"]
        results.append({"kind": kind, "name": name, "number": number})
    return results


def lines_parse(post: Mapping[str, str], key: str, errors: Errors) -> list[str]:
    """One thing per line (一次性告知); blank lines are dropped."""
    lines = [line.strip() for line in post.get(key, "").splitlines() if line.strip()]
    if len(lines) > LINES_MAX:
        errors[key] = [f"最多填写{LINES_MAX}项，请合并相近的内容"]
    elif any(len(line) > LINE_MAX for line in lines):
        errors[key] = [f"每项不能超过{LINE_MAX}个字"]
    return lines


def agency_parse(
    post: Mapping[str, str], key: str, targets: list[Agency], errors: Errors
) -> Agency | None:
    """One of the offered agencies, by id; anything else is refused like an empty choice."""
    raw = post.get(key, "")
    found = next((a for a in targets if str(a.pk) == raw), None)
    if found is None:
        errors[key] = ["请选择转办的机构"]
    return found

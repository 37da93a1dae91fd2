"""/workbench/subcases/<id>/: what the officer needs to decide, on one page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kuaiban.cases.models import SubCase
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from tests.workbench.helpers import (
    JN_SI,
    JN_SI_ADMIN,
    client_for,
    first_open,
    officer,
    submit_retirement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(world) -> SubCase:  # type: ignore[no-untyped-def]
    return first_open(submit_retirement(world), JN_SI)


def _section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert found is not None, heading_id
    return found.group(0)


def test_the_page_shows_the_item_and_the_application(world, first) -> None:
    html = (
        client_for(world["officer-jn-si"]).get(f"/workbench/subcases/{first.pk}/").content.decode()
    )
    application = first.application
    assert "<h1>职工正常退休（职）申请核准</h1>" in html
    assert "1.6.1 · 第1阶段 · 济南市社会保险事业中心" in html
    for text in (application.number, "职工退休", "7-1 正常退休", "网站", "2025-03-03 09:30"):
        assert text in html, text
    assert "2025-03-17 23:59" in html  # this item's due date
    assert application.promised_due_at.astimezone().strftime("%Y-%m-%d") in html
    assert 'data-remaining="10.6"' in html  # Monday 09:30 → the end of the 10th working day after


def test_the_form_is_restricted_to_this_items_fields(world, first) -> None:
    html = (
        client_for(world["officer-jn-si"]).get(f"/workbench/subcases/{first.pk}/").content.decode()
    )
    form = _section(html, "form-heading")
    item_keys = set(first.item.fields.values_list("key", flat=True))
    assert "retirement_date" in item_keys and "contract_type" not in item_keys
    assert "<dt>退休日期</dt><dd>2025-03-12</dd>" in form
    assert "<dt>银行账号</dt><dd>6222021602001234567</dd>" in form  # the officer needs it
    assert "劳动合同期限类型" not in form and "无固定期限" not in form  # another item's field
    # 女职工原法定退休年龄 does not apply to 张建国, a man: nothing was asked, nothing is shown.
    assert "female_original_retirement_age" in item_keys and "女职工原法定退休年龄" not in form
    assert form.count("<dt>") == len(item_keys) - 1


def test_an_application_stored_before_not_applicable_was_recorded_still_reads(world, first) -> None:  # type: ignore[no-untyped-def]
    application = first.application
    for row in application.snapshot["fields"]:
        del row["not_applicable"]  # the shape of rows stored earlier
    application.save(update_fields=["snapshot"])
    html = (
        client_for(world["officer-jn-si"]).get(f"/workbench/subcases/{first.pk}/").content.decode()
    )
    form = _section(html, "form-heading")
    assert "<dt>女职工原法定退休年龄</dt><dd>（未填写）</dd>" in form
    assert "<dt>退休日期</dt><dd>2025-03-12</dd>" in form


def test_materials_smart_review_and_the_other_sub_cases(world, first) -> None:
    SubCase.objects.filter(pk=first.pk).update(
        check_results=[
            {"label": "达到法定退休年龄", "passed": True, "detail": "1965-03-12 出生，已满60周岁"},
            {"label": "累计缴费满15年", "passed": False, "detail": ""},
        ]
    )
    html = (
        client_for(world["officer-jn-si"]).get(f"/workbench/subcases/{first.pk}/").content.decode()
    )
    materials = _section(html, "materials-heading")
    assert "本人人事档案" in materials and "已上传" in materials and "下载" in materials
    assert "居民身份证" in materials and "数据共享获取" in materials
    assert materials.count("下载<span") == 1  # only the uploaded file has a link
    assert "<small>PDF 文件，" in materials and "application/pdf" not in materials
    checks = _section(html, "checks-heading")
    assert "达到法定退休年龄" in checks and "✓ 通过" in checks and "✗ 未通过" in checks
    siblings = _section(html, "siblings-heading")
    assert siblings.count("<tr>") == 1 + first.application.subcases.count() - 1
    assert "达到法定退休年龄正常退休资格核准" in siblings and "待前序阶段办结" in siblings
    assert "<form" not in siblings  # read-only


def test_actions_follow_the_status(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    html = client.get(f"/workbench/subcases/{first.pk}/").content.decode()
    for action in ("accept", "approve", "reject", "correction", "transfer"):
        assert f"/{action}/" in html, action
    subcase_accept(actor=world["officer-jn-si"], subcase=first)
    html = client.get(f"/workbench/subcases/{first.pk}/").content.decode()
    assert "/accept/" not in html and "/approve/" in html
    assert 'name="version" value="1"' in html


def test_the_page_runs_a_bounded_number_of_queries(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    url = f"/workbench/subcases/{first.pk}/"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    subcase_accept(actor=world["officer-jn-si"], subcase=first)  # adds a history row
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    # Session, user, sub-case, calendar ×2, fields, materials ×2, siblings, history, region
    # chain ×2, agencies, the read's audit row, the scenario, the item's amount threshold.
    assert len(after) == len(before) <= 16


def test_a_local_item_code_is_kept_off_the_queue_and_the_page(world, first) -> None:
    """L-retire-qualification is the platform's own key, not a catalogue code officers know."""
    subcase_decide(
        actor=world["officer-jn-si"],
        subcase=subcase_accept(actor=None, subcase=first),
        outcome=Outcome.APPROVED,
    )
    qualification = first_open(first.application, JN_SI_ADMIN)
    assert qualification.item.code == "L-retire-qualification"
    client = client_for(officer(world, JN_SI_ADMIN))
    queue = client.get("/workbench/").content.decode()
    page = client.get(f"/workbench/subcases/{qualification.pk}/").content.decode()
    assert f'data-subcase="{qualification.pk}"' in queue
    for html in (queue, page):
        assert "L-retire" not in html
    assert "<small>第2阶段</small>" in queue
    assert "第2阶段 · 济南市人力资源社会保障局养老保险科" in page

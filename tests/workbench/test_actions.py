"""Working a sub-case from its page: accept, approve with results, reject, correction, transfer;
the version the page was rendered with decides who wins when two officers act at once."""

from __future__ import annotations

import pytest

from kuaiban.applications.models import ApplicationStatus
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.models import Agency
from kuaiban.core.models import AuditEvent
from tests.workbench.helpers import (
    JN_EMP,
    JN_SI,
    JN_SI_ADMIN,
    TY_SI,
    client_for,
    first_open,
    officer,
    queue_ids,
    rendered_version,
    submit_retirement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def retirement(world):  # type: ignore[no-untyped-def]
    return submit_retirement(world)


@pytest.fixture
def first(retirement) -> SubCase:  # type: ignore[no-untyped-def]
    return first_open(retirement, JN_SI)


def _url(subcase: SubCase, action: str = "") -> str:
    return f"/workbench/subcases/{subcase.pk}/" + (f"{action}/" if action else "")


def _post(client, subcase: SubCase, action: str, **data: str):  # type: ignore[no-untyped-def]
    """Post the action form as the page rendered it: with the version shown on the page."""
    html = client.get(_url(subcase)).content.decode()
    data.setdefault("version", rendered_version(html, action))
    return client.post(_url(subcase, action), data)


def test_accept_then_approve_with_results_opens_the_next_serial_stage(
    world, retirement, first
) -> None:
    client = client_for(world["officer-jn-si"])
    response = _post(client, first, "accept")
    assert response.status_code == 302 and response["Location"] == _url(first)
    page = client.get(_url(first)).content.decode()
    assert "已受理" in page and "办理中" in page
    response = _post(
        client,
        first,
        "approve",
        result1_kind="document",
        result1_name="退休申请核准通知书",
        result1_number="鲁社退〔2025〕17号",
        result2_kind="e_certificate",
        result2_name="社会保障卡",
        result2_number="370100D156000005",
        approve_note="材料齐全，予以核准",
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == SubCaseStatus.APPROVED
    assert first.results == [
        {"kind": "document", "name": "退休申请核准通知书", "number": "鲁社退〔2025〕17号"},
        {"kind": "e_certificate", "name": "社会保障卡", "number": "370100D156000005"},
    ]
    assert first.decision_note == "材料齐全，予以核准"
    page = client.get(_url(first)).content.decode()
    # Decided: the only action left is reopening it (重新办理), with a reason.
    assert "鲁社退〔2025〕17号" in page and "确认重新办理" in page and "确认办结" not in page
    # History from the audit trail, in order.
    assert page.index('<td data-label="操作">受理</td>') < page.index(
        '<td data-label="操作">办结</td>'
    )
    assert list(
        AuditEvent.objects.filter(object_id=str(first.pk), action__startswith="subcase.")
        .exclude(action__in=["subcase.read"])
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["subcase.accept", "subcase.approved"]
    # Shandong 7-1 is serial: stage 2 (资格核准, 社会保险行政部门) opens with its due date…
    second = retirement.subcases.get(stage=2)
    assert second.status == SubCaseStatus.OPEN and second.due_at is not None
    # …and appears in that agency's queue, not in 社保's; stage 3 still waits.
    assert second.pk in queue_ids(client_for(officer(world, JN_SI_ADMIN)))
    assert second.pk not in queue_ids(client)
    assert set(retirement.subcases.filter(stage=3).values_list("status", flat=True)) == {"waiting"}
    retirement.refresh_from_db()
    assert retirement.status == ApplicationStatus.PARTLY_DONE


def test_approve_without_accepting_and_without_results(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    assert _post(client, first, "approve").status_code == 302
    first.refresh_from_db()
    assert first.status == SubCaseStatus.APPROVED and first.results == []


def test_bad_result_rows_are_named_next_to_their_fields(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    response = _post(
        client,
        first,
        "approve",
        result1_name="",
        result1_number="N-1",
        result2_kind="e_certificate",
        result2_name="社会保障卡",
        result2_number="",
        result3_kind="passport",
        result3_name="护照",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="error-summary"' in html and "data-autofocus" in html
    assert '<a href="#result1_name">请填写第1项结果的名称</a>' in html
    assert '<a href="#result2_number">请填写第2项电子证照的编号</a>' in html
    assert '<a href="#result3_kind">请选择第3项结果的类型</a>' in html
    assert '<details class="wb-action" id="approve" open>' in html
    assert 'value="N-1"' in html  # what the officer typed is kept
    first.refresh_from_db()
    assert first.status == SubCaseStatus.OPEN and first.version == 0


def test_reject_needs_a_reason_and_stops_the_later_serial_stages(world, retirement, first) -> None:
    client = client_for(world["officer-jn-si"])
    response = _post(client, first, "reject", reject_note="   ")
    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#reject_note">请填写不予办理的理由</a>' in html
    assert '<p class="error-message" id="reject_note-error">请填写不予办理的理由</p>' in html
    assert '<details class="wb-action" id="reject" open>' in html
    first.refresh_from_db()
    assert first.status == SubCaseStatus.OPEN
    response = _post(client, first, "reject", reject_note="未达到法定退休年龄")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == SubCaseStatus.REJECTED and first.decision_note == "未达到法定退休年龄"
    later = retirement.subcases.filter(stage__gt=1)
    assert set(later.values_list("status", flat=True)) == {SubCaseStatus.STOPPED}
    retirement.refresh_from_db()
    assert retirement.status == ApplicationStatus.REJECTED
    page = client.get(_url(first)).content.decode()
    assert "未达到法定退休年龄" in page and "已终止" in page


def test_correction_lists_everything_at_once_and_pauses_the_clock(world, first, clock) -> None:
    client = client_for(world["officer-jn-si"])
    response = _post(client, first, "correction", correction_items="\n  \n")
    assert response.status_code == 422
    assert '<a href="#correction_items">至少填写一项</a>' in response.content.decode()
    response = _post(
        client,
        first,
        "correction",
        correction_items="退休申请表缺本人签字\n\n人事档案中出生日期页不清晰",
        correction_note="请一次补齐",
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == SubCaseStatus.CORRECTION and first.paused_since == clock.now
    assert first.correction_items == ["退休申请表缺本人签字", "人事档案中出生日期页不清晰"]
    clock.advance(days=30)  # past the deadline had the clock run (and past the session)
    page = client_for(world["officer-jn-si"]).get(_url(first)).content.decode()
    assert "已一次性告知补正，计时暂停" in page and "人事档案中出生日期页不清晰" in page
    assert "暂停计时" in page and "已超期" not in page
    assert "没有需要您执行的办理操作" in page  # the applicant acts next


def test_two_officers_approve_the_same_version_one_wins_and_nothing_is_lost(world, first) -> None:
    li = client_for(world["officer-jn-si"])
    wang = client_for(officer(world, JN_SI, name="officer-jn-si-2"))
    version_li = rendered_version(li.get(_url(first)).content.decode(), "approve")
    version_wang = rendered_version(wang.get(_url(first)).content.decode(), "approve")
    assert version_li == version_wang
    won = li.post(
        _url(first, "approve"),
        {"version": version_li, "result1_name": "核准通知书", "result1_number": "A-1"},
    )
    assert won.status_code == 302
    lost = wang.post(
        _url(first, "approve"),
        {"version": version_wang, "result1_name": "另一份通知书", "result1_number": "B-2"},
    )
    assert lost.status_code == 409
    html = lost.content.decode()
    assert "该子件刚刚已被他人处理" in html and "李强（济南社保）" in html
    assert 'class="wb-conflict" role="alert"' in html
    assert "已办结" in html and "A-1" in html  # the current state, with the winner's result
    first.refresh_from_db()
    assert first.results == [{"kind": "document", "name": "核准通知书", "number": "A-1"}]
    assert first.handled_by == world["officer-jn-si"]
    assert (
        AuditEvent.objects.filter(object_id=str(first.pk), action="subcase.approved").count() == 1
    )


def test_a_stale_page_cannot_undo_an_acceptance(world, first) -> None:
    li = client_for(world["officer-jn-si"])
    wang = client_for(officer(world, JN_SI, name="officer-jn-si-2"))
    stale = rendered_version(wang.get(_url(first)).content.decode(), "reject")
    assert _post(li, first, "accept").status_code == 302
    lost = wang.post(_url(first, "reject"), {"version": stale, "reject_note": "不符合条件"})
    assert lost.status_code == 409 and "该子件刚刚已被他人处理" in lost.content.decode()
    first.refresh_from_db()
    assert first.status == SubCaseStatus.ACCEPTED and first.decision_note == ""
    # The page the loser now sees carries the new version: acting again is deliberate.
    assert rendered_version(lost.content.decode(), "reject") == str(first.version)


def test_a_missing_version_is_refused_as_stale(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    for data in ({}, {"version": "x"}, {"version": "-1"}):
        assert client.post(_url(first, "accept"), data).status_code == 409
    first.refresh_from_db()
    assert first.status == SubCaseStatus.OPEN


def test_transfer_moves_it_to_the_other_agencys_queue(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    employment = Agency.objects.get(code=JN_EMP)
    response = _post(client, first, "transfer", transfer_agency="", transfer_reason="")
    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#transfer_agency">请选择转办的机构</a>' in html
    assert '<a href="#transfer_reason">请填写转办理由</a>' in html
    # Only agencies of the applicant's region chain are offered, and accepted.
    assert "太原" not in html.split('id="transfer_agency"')[1].split("</select>")[0]
    taiyuan = Agency.objects.get(code=TY_SI)
    response = _post(
        client, first, "transfer", transfer_agency=str(taiyuan.pk), transfer_reason="误派"
    )
    assert response.status_code == 422
    response = _post(
        client,
        first,
        "transfer",
        transfer_agency=str(employment.pk),
        transfer_reason="属就业服务事项",
    )
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    assert "已转办至济南市公共就业和人才服务中心" in client.get("/workbench/").content.decode()
    first.refresh_from_db()
    assert first.agency == employment and first.status == SubCaseStatus.OPEN
    assert first.pk not in queue_ids(client)
    assert client.get(_url(first)).status_code == 404
    employment_client = client_for(world["officer-jn-emp"])
    assert first.pk in queue_ids(employment_client)
    page = employment_client.get(_url(first)).content.decode()
    assert "转至济南市公共就业和人才服务中心；理由：属就业服务事项" in page


def test_after_a_concurrent_transfer_the_loser_lands_on_the_queue(world, first) -> None:
    li = client_for(world["officer-jn-si"])
    wang = client_for(officer(world, JN_SI, name="officer-jn-si-2"))
    stale = rendered_version(wang.get(_url(first)).content.decode(), "approve")
    employment = Agency.objects.get(code=JN_EMP)
    _post(
        li, first, "transfer", transfer_agency=str(employment.pk), transfer_reason="属就业服务事项"
    )
    # The sub-case left the agency: the access helper now says 404 before any version check.
    assert wang.post(_url(first, "approve"), {"version": stale}).status_code == 404


def test_only_post_and_only_known_actions(world, first) -> None:
    client = client_for(world["officer-jn-si"])
    assert client.get(_url(first, "accept")).status_code == 405
    assert client.post(_url(first, "delete"), {"version": "0"}).status_code == 404
    assert client.post(_url(first), {"version": "0"}).status_code == 405


def test_forms_are_csrf_protected(world, first) -> None:
    client = client_for(world["officer-jn-si"], enforce_csrf_checks=True)
    assert client.post(_url(first, "accept"), {"version": "0"}).status_code == 403
    first.refresh_from_db()
    assert first.status == SubCaseStatus.OPEN
    html = client.get(_url(first)).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 5 + 1  # five action forms + log-out

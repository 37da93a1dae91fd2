"""The agency workbench (经办工作台): the officer's queue, the sub-case page and its actions.

Views parse input, go through the one access helper (`access_subcase`: another agency's
sub-case is a 404, like a missing one), call a service and render. Only officers with an
agency use the workbench; any other signed-in role gets 403 for every URL, before any lookup.
Every form posts the version it was rendered with, so an officer who acted on a stale page is
told that someone else was faster instead of overwriting their work.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.cases.hooks import decision_control
from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
from kuaiban.cases.reads import material_download_record, subcase_read_record
from kuaiban.cases.selectors import access_subcase
from kuaiban.cases.services import (
    REOPENABLE,
    Outcome,
    subcase_accept,
    subcase_decide,
    subcase_reopen,
    subcase_transfer,
)
from kuaiban.commitments.selectors import open_check_counts
from kuaiban.core.errors import ApiError, Conflict, NotFound, Unprocessable
from kuaiban.workbench import inputs
from kuaiban.workbench.selectors import (
    QUEUE_STATUSES,
    QueueFilters,
    material_for_download,
    queue_page,
    subcase_page,
    transfer_targets,
)

View = Callable[..., HttpResponseBase]


def officer_view(view: View) -> View:
    """Log-in required; officers of an agency only (403 otherwise); a missing or foreign
    sub-case is a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or user.role != Role.OFFICER or user.agency_id is None:
            return render(request, "workbench/forbidden.html", status=403)
        try:
            return view(request, user, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


@officer_view
def queue(request: HttpRequest, user: User) -> HttpResponse:
    filters = QueueFilters.from_query(request.GET)
    found = queue_page(
        user=user, filters=filters, page_number=request.GET.get("page"), now=timezone.now()
    )
    return render(
        request,
        "workbench/queue.html",
        {
            "queue": found,
            "filters": filters,
            "statuses": [(s.value, s.label) for s in QUEUE_STATUSES],
            "deadlines": DeadlineState.choices,
            # 告知承诺 事中事后核查 of the agency, worked at /checks/.
            "checks": open_check_counts(user),
        },
    )


@officer_view
def detail(request: HttpRequest, user: User, subcase_id: int) -> HttpResponse:
    subcase = access_subcase(user=user, subcase_id=subcase_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _detail_render(request, user, subcase)


@officer_view
def material_download(
    request: HttpRequest, user: User, subcase_id: int, material_id: int
) -> HttpResponseBase:
    """The file streamed through the access helper: materials are never public media URLs."""
    subcase = access_subcase(user=user, subcase_id=subcase_id)
    material = material_for_download(subcase=subcase, material_id=material_id)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    material_download_record(actor=user, subcase=subcase, material=material)
    extension = os.path.splitext(material.file.name)[1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{subcase.application.number}-{material.name}{extension}",
        content_type=material.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    message: str
    next_url: str


@dataclass(frozen=True)
class Failed:
    """An action refused for bad input: the page again, with the officer's input kept."""

    action: str
    errors: dict[str, list[str]]
    values: dict[str, str] = field(default_factory=dict)


Handler = Callable[[QueryDict, User, SubCase, int], Done]


def _subcase_url(subcase: SubCase) -> str:
    return reverse("workbench:subcase", args=[subcase.pk])


def _accept(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    subcase_accept(actor=user, subcase=subcase, version=version)
    return Done("已受理，请在办结期限内办理。", _subcase_url(subcase))


def _refuse_if(errors: inputs.Errors) -> None:
    if errors:
        raise Unprocessable("填写的内容有误，请按提示修改", fields=errors)


def _approve(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    errors: inputs.Errors = {}
    results = inputs.results_parse(post, errors)
    note = inputs.text_parse(post, "approve_note", errors)
    amount = inputs.amount_parse(post, "paid_amount", errors)
    _refuse_if(errors)
    decided = subcase_decide(
        actor=user,
        subcase=subcase,
        outcome=Outcome.APPROVED,
        note=note,
        results=results,
        version=version,
        paid_amount=amount,
    )
    if decided.awaiting_review:
        # 内控: a high-risk item's approval takes effect once a second officer agrees.
        return Done("高风险事项已提请复核，由另一名经办人复核后办结生效。", _subcase_url(subcase))
    return Done("已办结。", _subcase_url(subcase))


def _reject(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    errors: inputs.Errors = {}
    note = inputs.text_parse(post, "reject_note", errors)
    _refuse_if(errors)
    subcase_decide(
        actor=user, subcase=subcase, outcome=Outcome.REJECTED, note=note, version=version
    )
    return Done("已作出不予办理决定，申请人将收到理由。", _subcase_url(subcase))


def _correction(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    errors: inputs.Errors = {}
    items = inputs.lines_parse(post, "correction_items", errors)
    note = inputs.text_parse(post, "correction_note", errors)
    _refuse_if(errors)
    subcase_decide(
        actor=user,
        subcase=subcase,
        outcome=Outcome.CORRECTION,
        note=note,
        correction_items=items,
        version=version,
    )
    return Done("已一次性告知需补正的内容，计时暂停，待申请人补正后恢复。", _subcase_url(subcase))


def _transfer(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    errors: inputs.Errors = {}
    agency = inputs.agency_parse(post, "transfer_agency", transfer_targets(subcase), errors)
    reason = inputs.text_parse(post, "transfer_reason", errors, limit=500)
    if not reason:
        errors["transfer_reason"] = ["请填写转办理由"]
    _refuse_if(errors)
    assert agency is not None  # no errors means an agency was chosen
    subcase_transfer(actor=user, subcase=subcase, agency=agency, reason=reason, version=version)
    return Done(f"已转办至{agency.name}。", reverse("workbench:queue"))


def _reopen(post: QueryDict, user: User, subcase: SubCase, version: int) -> Done:
    errors: inputs.Errors = {}
    reason = inputs.text_parse(post, "reopen_reason", errors)
    _refuse_if(errors)
    subcase_reopen(actor=user, subcase=subcase, reason=reason, version=version)
    return Done(
        "已重新办理，请在新的办结期限内办理；办结须由另一名经办人复核后生效。",
        _subcase_url(subcase),
    )


_ACTIONS: dict[str, Handler] = {
    "accept": _accept,
    "approve": _approve,
    "reject": _reject,
    "correction": _correction,
    "transfer": _transfer,
    "reopen": _reopen,
}

# The services name their fields without the form they came from; the page's inputs do.
_FIELD_IDS = {
    ("reject", "note"): "reject_note",
    ("approve", "note"): "approve_note",
    ("correction", "note"): "correction_note",
    ("transfer", "reason"): "transfer_reason",
    ("transfer", "agency"): "transfer_agency",
    ("reopen", "reason"): "reopen_reason",
}


@officer_view
def act(request: HttpRequest, user: User, subcase_id: int, action: str) -> HttpResponse:
    subcase = access_subcase(user=user, subcase_id=subcase_id)
    handler = _ACTIONS.get(action)
    if handler is None:
        raise Http404("没有这项操作")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = inputs.version_parse(request.POST.get("version"))
    try:
        if version != subcase.version:
            # Checked again, atomically, by the service; checking here first means the officer
            # hears about the other officer's action before being asked to fix their own input.
            raise Conflict("该子件刚刚已被他人处理", code="concurrent_update")
        done = handler(request.POST, user, subcase, version)
    except Conflict as exc:
        return _conflict_render(request, user, subcase_id, exc)
    except Unprocessable as exc:
        errors = {_FIELD_IDS.get((action, k), k): v for k, v in (exc.fields or {}).items()}
        failed = Failed(action, errors or {"__all__": [exc.message]}, request.POST.dict())
        return _detail_render(request, user, subcase, failed=failed, status=422)
    except ApiError as exc:
        # 内控: no post for this kind of item (岗位权限), or reviewing one's own approval.
        messages.error(request, exc.message)
        return HttpResponseRedirect(_subcase_url(subcase))
    messages.success(request, done.message)
    return HttpResponseRedirect(done.next_url)


def _conflict_render(
    request: HttpRequest, user: User, subcase_id: int, exc: Conflict
) -> HttpResponse:
    try:
        current = access_subcase(user=user, subcase_id=subcase_id)
    except NotFound:
        messages.warning(request, "该子件刚刚已被他人转办至其他机构，已不在本机构的待办中。")
        return HttpResponseRedirect(reverse("workbench:queue"))
    if exc.code == "concurrent_update":
        who = f"{current.handled_by}，" if current.handled_by else ""
        text = (
            f"该子件刚刚已被他人处理（{who}当前状态：{current.get_status_display()}），"
            "您的操作没有执行。请查看下方的最新状态和办理记录后再决定。"
        )
    else:
        text = f"{exc.message}。下方为最新状态。"
    return _detail_render(request, user, current, conflict=text, status=409)


def _result_rows(failed: Failed | None) -> list[dict[str, Any]]:
    values = failed.values if failed and failed.action == "approve" else {}
    errors = failed.errors if failed else {}
    return [
        {
            "i": i,
            "kind": values.get(f"result{i}_kind", "document"),
            "name": values.get(f"result{i}_name", ""),
            "number": values.get(f"result{i}_number", ""),
            "errors": [
                m for k in ("kind", "name", "number") for m in errors.get(f"result{i}_{k}", [])
            ],
        }
        for i in range(1, inputs.RESULT_ROWS + 1)
    ]


def _amount_threshold(subcase: SubCase) -> str:
    """The bureau's threshold for this item, written for people ("10,000 元"); "" if none."""
    control = decision_control()
    if control is None or not subcase.item.pays_money or subcase.awaiting_review:
        return ""
    threshold = control.amount_threshold(subcase=subcase)
    return "" if threshold is None else f"{threshold:,.2f}".removesuffix(".00") + " 元"


def _detail_render(
    request: HttpRequest,
    user: User,
    subcase: SubCase,
    *,
    failed: Failed | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    page = subcase_page(subcase=subcase, now=timezone.now())
    subcase_read_record(actor=user, subcase=subcase)
    context = {
        "page": page,
        "subcase": subcase,
        "application": page.application,
        "conflict": conflict,
        "failed": failed,
        "errors": failed.errors if failed else {},
        "values": failed.values if failed else {},
        "result_rows": _result_rows(failed),
        "result_kinds": inputs.RESULT_KINDS.items(),
        "can_accept": subcase.status == SubCaseStatus.OPEN,
        "can_decide": subcase.status in SubCase.RUNNING and not subcase.awaiting_review,
        "awaiting_review": subcase.awaiting_review,
        "amount_threshold": _amount_threshold(subcase),
        "can_reopen": subcase.status in REOPENABLE,
    }
    return render(request, "workbench/detail.html", context, status=status)

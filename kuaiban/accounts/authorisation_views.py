"""`/me/authorisations/`: 亲情代办 — authorise a family member, see who acts for you and for
whom you act, revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kuaiban.accounts.authorisations import (
    Act,
    access_authorisation,
    authorisation_grant,
    authorisation_revoke,
    authorisations_visible_to,
)
from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_id_number

ACT_LABELS = {Act.APPLY: "代为申请", Act.QUERY: "代为查询办件", Act.RECEIVE: "代为领取结果"}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def authorisations(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role not in (Role.PERSON, Role.CLERK):
        raise Http404("亲情代办仅适用于个人")
    today = timezone.localdate()
    values = {
        "agent_id_number": request.POST.get("agent_id_number", ""),
        "grantor_id_number": request.POST.get("grantor_id_number", ""),
        "relation": request.POST.get("relation", ""),
        "valid_from": request.POST.get("valid_from", today.isoformat()),
        "valid_until": request.POST.get(
            "valid_until", today.replace(year=today.year + 1).isoformat()
        ),
    }
    chosen = {a for a in Act if request.POST.get(a.value)} if request.method == "POST" else set(Act)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        start, end = _date(values["valid_from"]), _date(values["valid_until"])
        if start is None or end is None:
            errors = {"valid_until": ["请按 年-月-日 填写日期"]}
        else:
            try:
                authorisation_grant(
                    actor=user,
                    agent_id_number=values["agent_id_number"],
                    grantor_id_number=values["grantor_id_number"],
                    relation=values["relation"],
                    valid_from=start,
                    valid_until=end,
                    acts=chosen,
                )
            except ApiError as exc:
                errors = exc.fields or {"agent_id_number": [exc.message]}
            else:
                messages.success(request, "授权已登记。")
                return HttpResponseRedirect(reverse("authorisations:list"))
    rows = [
        (
            a,
            a.is_active_on(today),
            mask_id_number(a.grantor.id_number),
            mask_id_number(a.agent.id_number),
            "、".join(label for act, label in ACT_LABELS.items() if getattr(a, act.value)),
        )
        for a in authorisations_visible_to(user).order_by("-created_at")[:50]
    ]
    return render(
        request,
        "accounts/authorisations.html",
        {
            "rows": rows,
            "values": values,
            "errors": errors,
            "acts": [(a.value, label, a in chosen) for a, label in ACT_LABELS.items()],
            "at_window": user.role == Role.CLERK,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        found = access_authorisation(user=user, authorisation_id=authorisation_id)
        authorisation_revoke(actor=user, authorisation=found)
        messages.success(request, "授权已撤销，代办人即刻不能再查看或办理。")
    except NotFound:
        raise Http404("授权不存在") from None
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("authorisations:list"))

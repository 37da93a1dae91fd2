"""一窗通办: the window clerk records who the walk-in applicant is, then takes the application."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kuaiban.accounts.models import Role, User
from kuaiban.applications.intake_state import walk_in_load, walk_in_save
from kuaiban.core.identifiers import credit_code_error, id_number_error


def _clean(post: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    kind = post.get("kind", "")
    name = post.get("name", "").strip()[:120]
    identifier = post.get("identifier", "").strip().upper()
    phone = post.get("phone", "").strip()[:20]
    errors: dict[str, str] = {}
    if kind not in ("person", "unit"):
        errors["kind"] = "请选择申请人类型"
    if not name:
        errors["name"] = "请填写申请人姓名或单位名称"
    problem = id_number_error(identifier) if kind == "person" else credit_code_error(identifier)
    if kind in ("person", "unit") and problem:
        errors["identifier"] = problem
    key = "id_number" if kind == "person" else "credit_code"
    return {key: identifier, "name": name, "phone": phone}, errors


@login_required
def window(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role != Role.CLERK:
        return render(
            request,
            "intake/problem.html",
            {"message": "只有综合柜员可以使用窗口受理。"},
            status=403,
        )
    errors: dict[str, str] = {}
    values = {k: request.POST.get(k, "") for k in ("kind", "name", "identifier", "phone")}
    if request.method == "POST":
        applicant, errors = _clean(values)
        if not errors:
            walk_in_save(request, applicant)
            return HttpResponseRedirect(reverse("intake:start"))
    return render(
        request,
        "intake/window.html",
        {"errors": errors, "values": values, "current": walk_in_load(request)},
    )

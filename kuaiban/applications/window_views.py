"""一窗通办: the window clerk records who the walk-in applicant is, then takes the application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kuaiban.accounts.models import Role, User
from kuaiban.applications.intake_state import walk_in_load, walk_in_save
from kuaiban.applications.materials import material_supply
from kuaiban.applications.models import Provision
from kuaiban.applications.selectors import access_application_at_window
from kuaiban.applications.uploads import ALLOWED_LABEL
from kuaiban.catalogue.models import Region, RegionLevel
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.core.models import AuditAction


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
    applicant = {key: identifier, "name": name, "phone": phone}
    handling = post.get("handling_region", "").strip()
    if handling:
        # 跨省通办 / 全省通办: received at this window, handled by the agencies of that region.
        if not Region.objects.filter(code=handling).exclude(level=RegionLevel.PROVINCE).exists():
            errors["handling_region"] = "请选择办理地"
        applicant["handling_region"] = handling
    return applicant, errors


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
    values = {
        k: request.POST.get(k, "")
        for k in ("kind", "name", "identifier", "phone", "handling_region")
    }
    if request.method == "POST":
        applicant, errors = _clean(values)
        if not errors:
            walk_in_save(request, applicant)
            return HttpResponseRedirect(reverse("intake:start"))
    return render(
        request,
        "intake/window.html",
        {
            "errors": errors,
            "values": values,
            "current": walk_in_load(request),
            "regions": Region.objects.exclude(level=RegionLevel.PROVINCE)
            .exclude(pk__in=[user.region_id] if user.region_id else [])
            .order_by("code"),
        },
    )


_SUPPLY_KEY = "kuaiban_window_supply"


@login_required
def window_supply(request: HttpRequest) -> HttpResponse:
    """容缺后补 at any window: find the case by number and the checked identity document, then
    take the owed materials in. The verified pair stays in the clerk's session for the uploads."""
    user = request.user
    if not isinstance(user, User) or user.role != Role.CLERK:
        return render(
            request,
            "intake/problem.html",
            {"message": "只有综合柜员可以在窗口收取材料。"},
            status=403,
        )
    stored = request.session.get(_SUPPLY_KEY) or ["", ""]
    found = (str(stored[0]), str(stored[1]))
    values = {"number": found[0], "identifier": ""}
    error = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") == "find":
        values = {k: request.POST.get(k, "").strip()[:40] for k in ("number", "identifier")}
        found = (values["number"], values["identifier"].upper())
        request.session.pop(_SUPPLY_KEY, None)
    application = None
    if found[0]:
        try:
            application = access_application_at_window(
                clerk=user, number=found[0], identifier=found[1]
            )
        except NotFound as exc:
            error, status = exc.message, 404
    if application is not None and request.method == "POST":
        request.session[_SUPPLY_KEY] = list(found)
        if request.POST.get("action") == "find":
            audit_record(
                actor=user,
                action=AuditAction.APPLICATION_READ,
                object_type="application",
                object_id=application.number,
                changes={"purpose": "window.supply"},
            )
        else:
            try:
                row = material_supply(
                    actor=user,
                    application=application,
                    code=request.POST.get("code", ""),
                    upload=request.FILES.get("file"),
                )
                messages.success(request, f"已收取“{row.name}”，经办机构可即时查看。")
            except ApiError as exc:
                messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("intake:window-supply"))
    return render(
        request,
        "intake/window_supply.html",
        {
            "values": values,
            "error": error,
            "application": application,
            "owed": [
                m
                for m in (application.materials.all() if application else [])
                if m.provision == Provision.GAP and m.supplied_at is None
            ],
            "allowed": ALLOWED_LABEL,
        },
        status=status,
    )

"""上门办 pages: ask for a visit, the region's list, one visit (schedule, take the application
at home, record the outcome, cancel)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.applications.intake_state import walk_in_save
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.homevisits.models import HomeVisit, VisitOutcome, VisitReason, VisitStatus
from kuaiban.homevisits.selectors import access_home_visit, home_visits_visible_to, may_own
from kuaiban.homevisits.services import (
    VisitRequest,
    home_visit_cancel,
    home_visit_outcome,
    home_visit_request,
    home_visit_schedule,
)
from kuaiban.shareddata.access import access_own_person
from kuaiban.shareddata.audit import records_read_audit

_FIELDS = (
    "person_name",
    "person_id_number",
    "phone",
    "address",
    "region",
    "item",
    "need",
    "reason",
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _visit_or_404(request: HttpRequest, visit_id: int) -> HomeVisit:
    try:
        return access_home_visit(user=request.user, visit_id=visit_id)
    except NotFound:
        raise Http404("上门服务不存在") from None


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", "0"))
    except ValueError:
        return 0


def _address_on_file(user: User) -> tuple[str, str]:
    """Where the person lives by the shared data, to prefill the visit's address: (which
    address, the address), the 常住地址 before the 户籍地址; ("", "") when neither is on file.
    Reading it is a read of the person's records, audited as every such read is."""
    try:
        person = access_own_person(user=user)
    except NotFound:
        return "", ""
    records_read_audit(
        actor=user, id_number=person.id_number, purpose="上门服务申请：地址", channel="web"
    )
    for label, address in (("常住地址", person.address), ("户籍地址", person.household_address)):
        if address.strip():
            return label, address.strip()
    return "", ""


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in (Role.PERSON, Role.CLERK):
        raise Http404("上门服务由本人、家属申请，或由综合柜员登记")
    values = {k: request.POST.get(k, "") for k in _FIELDS}
    address_from = ""
    if request.method == "GET" and user.role == Role.PERSON:
        region = user.region
        values |= {
            "person_name": user.display_name,
            "person_id_number": user.id_number,
            "phone": user.phone,
            "region": region.code if region else "",
        }
        address_from, values["address"] = _address_on_file(user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            visit = home_visit_request(actor=user, data=VisitRequest(**values))
        except ApiError as exc:
            errors = exc.fields or {"need": [exc.message]}
        else:
            messages.success(
                request, f"已收到上门服务申请（{visit.number}），工作人员将电话联系您约定时间。"
            )
            return HttpResponseRedirect(reverse("homevisits:detail", args=[visit.pk]))
    return render(
        request,
        "homevisits/new.html",
        {
            "values": values,
            "errors": errors,
            "address_from": address_from,
            "reasons": VisitReason.choices,
            "regions": Region.objects.exclude(level=RegionLevel.PROVINCE).order_by("code"),
            "items": ServiceItem.objects.current().only("code", "name").order_by("code"),
        },
        status=422 if errors else 200,
    )


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visits = home_visits_visible_to(user).order_by("-requested_at", "-pk")
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    page = Paginator(visits, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "homevisits/list.html",
        {
            "page": page,
            "rows": [(v, mask_id_number(v.person_id_number), mask_phone(v.phone)) for v in page],
            "statuses": VisitStatus.choices,
            "status": status,
            "may_request": user.role in (Role.PERSON, Role.CLERK),
        },
    )


@login_required
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = _user(request)
    visit = _visit_or_404(request, visit_id)
    staff = user.role not in (Role.PERSON, Role.UNIT)
    if staff:
        audit_record(
            actor=user,
            action=AuditAction.HOME_VISIT_READ,
            object_type="home_visit",
            object_id=str(visit.pk),
        )
    tree = RegionTree.load()
    owner_may = may_own(user, visit, tree=tree)
    colleagues = (
        User.objects.filter(
            role__in=[Role.CLERK, Role.OFFICER],
            is_active=True,
            region_id__in=tree.ancestors(visit.region_id),
        ).order_by("role", "username")
        if owner_may
        else User.objects.none()
    )
    open_now = visit.status in (VisitStatus.REQUESTED, VisitStatus.SCHEDULED)
    return render(
        request,
        "homevisits/detail.html",
        {
            "visit": visit,
            "id_number": visit.person_id_number
            if staff
            else mask_id_number(visit.person_id_number),
            "phone": visit.phone,
            "can_schedule": owner_may and open_now,
            "colleagues": colleagues,
            "is_owner": visit.owner_id == user.pk and visit.status == VisitStatus.SCHEDULED,
            "can_apply_here": visit.owner_id == user.pk
            and user.role == Role.CLERK
            and visit.status == VisitStatus.SCHEDULED,
            "can_cancel": open_now,
            "outcomes": [
                (o.value, o.label) for o in (VisitOutcome.ANSWERED, VisitOutcome.NOT_DONE)
            ],
        },
    )


@login_required
@require_POST
def visit_schedule(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = _user(request)
    visit = _visit_or_404(request, visit_id)
    owner = User.objects.filter(username=request.POST.get("owner", "")).first() or user
    try:
        day = dt.date.fromisoformat(request.POST.get("scheduled_for", ""))
    except ValueError:
        messages.error(request, "请按 年-月-日 填写上门日期")
        return HttpResponseRedirect(reverse("homevisits:detail", args=[visit_id]))
    return _act(
        request,
        visit_id,
        lambda: home_visit_schedule(
            actor=user, visit=visit, owner=owner, day=day, version=_version(request)
        ),
        "已安排上门。",
    )


@login_required
@require_POST
def visit_outcome(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = _user(request)
    visit = _visit_or_404(request, visit_id)
    return _act(
        request,
        visit_id,
        lambda: home_visit_outcome(
            actor=user,
            visit=visit,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            version=_version(request),
        ),
        "已记录上门结果。",
    )


@login_required
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = _user(request)
    visit = _visit_or_404(request, visit_id)
    return _act(
        request, visit_id, lambda: home_visit_cancel(actor=user, visit=visit), "已取消上门服务。"
    )


def _act(request: HttpRequest, visit_id: int, action: object, done: str) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
        messages.success(request, done)
    except NotFound:
        raise Http404("上门服务不存在") from None
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("homevisits:detail", args=[visit_id]))


@login_required
@require_POST
def visit_apply(request: HttpRequest, visit_id: int) -> HttpResponse:
    """At the person's home: the owner clerk starts the window journey for them; the
    application then records the window channel and 上门办 and closes this visit."""
    user = _user(request)
    visit = _visit_or_404(request, visit_id)
    if (
        user.role != Role.CLERK
        or visit.owner_id != user.pk
        or visit.status != VisitStatus.SCHEDULED
    ):
        raise Http404("上门服务不存在")
    walk_in_save(
        request,
        {"id_number": visit.person_id_number, "name": visit.person_name, "phone": visit.phone},
        home_visit=visit.pk,
    )
    return HttpResponseRedirect(reverse("intake:start"))

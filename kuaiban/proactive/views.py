"""Pages: the applicant's and the unit's offers (reasons, amount, deadline; accept in two
clicks), the officers' 公示 list with objections, the supervisors' counts and their export."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.models import Region
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_credit_code, mask_id_number, mask_phone
from kuaiban.proactive.models import Offer, OfferStatus, ProactiveRule
from kuaiban.proactive.selectors import (
    STAT_COLUMNS,
    access_offer,
    certification_list,
    objection_get,
    objections_open,
    offer_explain,
    offer_stats,
    offers_visible_to,
    publicity_list,
)
from kuaiban.proactive.services.offers import (
    objection_decide,
    objection_file,
    offer_accept,
    offer_decline,
)


def _user(request: HttpRequest, *roles: str) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise Http404("页面不存在")
    return user


def _offer(request: HttpRequest, offer_id: int) -> Offer:
    try:
        return access_offer(user=request.user, offer_id=offer_id)
    except NotFound:
        raise Http404("服务不存在") from None


@login_required
def my_offers(request: HttpRequest) -> HttpResponse:
    _user(request, Role.PERSON, Role.UNIT)
    queryset = offers_visible_to(request.user).select_related("application")
    page = Paginator(queryset.order_by("-created_at", "-pk"), 10).get_page(request.GET.get("page"))
    explained = [offer_explain(offer) for offer in page]
    return render(request, "proactive/mine.html", {"page": page, "offers": explained})


@login_required
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    _user(request, Role.PERSON, Role.UNIT)
    explained = offer_explain(_offer(request, offer_id))
    return render(request, "proactive/detail.html", {"x": explained})


@login_required
@require_POST
def offer_accept_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request, Role.PERSON, Role.UNIT)
    offer = _offer(request, offer_id)
    try:
        application = offer_accept(actor=user, offer=offer)
    except ApiError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("proactive:detail", args=[offer.pk]))
    messages.success(request, "已为您生成办件，无需再填写表单。")
    return HttpResponseRedirect(reverse("applications:detail", args=[application.number]))


@login_required
@require_POST
def offer_decline_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request, Role.PERSON, Role.UNIT)
    offer = _offer(request, offer_id)
    try:
        offer_decline(actor=user, offer=offer)
        messages.success(request, "已放弃该服务。")
    except ApiError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("proactive:mine"))


def _masked(offer: Offer) -> str:
    if offer.subject_kind == "person":
        return mask_id_number(offer.subject_key)
    return mask_credit_code(offer.subject_key)


@require_http_methods(["GET", "POST"])
def publicity(request: HttpRequest) -> HttpResponse:
    """The public 公示 list (identifiers masked) with a way to object to an entry."""
    error = ""
    if request.method == "POST":
        offer = Offer.objects.filter(
            pk=_int(request.POST.get("offer")), status=OfferStatus.PUBLICISED
        ).first()
        if offer is None:
            raise Http404("公示对象不存在")
        actor = request.user if isinstance(request.user, User) else None
        try:
            objection_file(
                actor=actor,
                offer=offer,
                text=request.POST.get("text", ""),
                contact=request.POST.get("contact", ""),
            )
            messages.success(request, "异议已提交，经办机构核实后处理；处理前该对象暂不享受。")
            return HttpResponseRedirect(reverse("proactive:publicity"))
        except ApiError as exc:
            error = exc.message
    page = Paginator(publicity_list(), 20).get_page(request.GET.get("page"))
    rows = [(offer, _masked(offer)) for offer in page]
    return render(request, "proactive/publicity.html", {"page": page, "rows": rows, "error": error})


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else 0


@login_required
@require_http_methods(["GET", "POST"])
def objections(request: HttpRequest) -> HttpResponse:
    """Officers of a social-insurance or employment agency decide the open objections."""
    officer = _user(request, Role.OFFICER)
    if request.method == "POST":
        try:
            objection = objection_get(objection_id=_int(request.POST.get("objection")))
            objection_decide(
                actor=officer,
                objection=objection,
                upheld=request.POST.get("outcome") == "upheld",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "异议已处理。")
        except NotFound:
            raise Http404("异议不存在") from None
        except ApiError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("proactive:objections"))
    page = Paginator(objections_open(), 20).get_page(request.GET.get("page"))
    rows = [(o, _masked(o.offer), mask_phone(o.contact)) for o in page]
    return render(request, "proactive/objections.html", {"page": page, "rows": rows})


@login_required
def certification(request: HttpRequest) -> HttpResponse:
    """An officer's 静默认证 page: this year's pensioners of the officer's region certified from
    their data without a face scan, and those reminded to certify (identifiers masked)."""
    officer = _user(request, Role.OFFICER, Role.SUPERVISOR)
    if officer.region is None:
        raise Http404("账号未设置所属地区")
    year = str(timezone.localdate().year)
    found = certification_list(region_code=officer.region.code, period=year)
    counts = dict(found.order_by().values_list("rule_code").annotate(n=Count("pk")))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [(offer, _masked(offer)) for offer in page]
    return render(
        request,
        "proactive/certification.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "region": officer.region,
            "certified": counts.get("silent-certification", 0),
            "reminded": counts.get("certification-reminder", 0),
        },
    )


def _stats_rows(request: HttpRequest) -> tuple[list[str], list[list[object]]]:
    user = _user(request, Role.SUPERVISOR, Role.ADMIN)
    titles = dict(ProactiveRule.objects.values_list("code", "title"))
    heading = [
        "规则",
        "地区（市）",
        *(label for _key, label in STAT_COLUMNS),
        "金额（元）",
        "平均用时（天）",
    ]
    found = offer_stats(region=user.region if user.role == Role.SUPERVISOR else None)
    # People read city names, not region codes.
    cities = dict(
        Region.objects.filter(code__in={row["city"] for row in found}).values_list("code", "name")
    )
    rows = []
    for row in found:
        days = row["days"]
        rows.append(
            [
                titles.get(row["rule_code"], row["rule_code"]),
                cities.get(row["city"], "其他地区"),
                *(row[key] for key, _label in STAT_COLUMNS),
                float(row["amount"] or 0),
                round(days.total_seconds() / 86400, 1) if days is not None else None,
            ]
        )
    return heading, rows


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    heading, rows = _stats_rows(request)
    return render(request, "proactive/stats.html", {"heading": heading, "rows": rows})


@login_required
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    heading, rows = _stats_rows(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("免申即办")
    sheet.append(heading)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="proactive.xlsx"'
    return response

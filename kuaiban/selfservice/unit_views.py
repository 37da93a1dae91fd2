"""A unit's view of its own employees' 参保 data: only people it employs now, only the months
it paid (another unit's employee, or a former one, is a 404)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_store
from kuaiban.core.errors import NotFound
from kuaiban.core.masking import mask_id_number
from kuaiban.selfservice.access import access_employee, unit_employees
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.models import Person


def _unit(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != Role.UNIT or not user.credit_code:
        raise Http404("页面不存在")
    return user


def employees(request: HttpRequest) -> HttpResponse:
    user = _unit(request)
    page = Paginator(unit_employees(user=user), 20).get_page(request.GET.get("page"))
    people = (
        Person.objects.filter(pk__in=list(page.object_list))
        .select_related("insurance")
        .order_by("pk")
    )
    rows = [(p, mask_id_number(p.id_number)) for p in people]
    # The list shows each employee's 参保状态: a read of each person's records, audited.
    audit_store(
        [
            records_read_audit(
                actor=user,
                id_number=p.id_number,
                purpose="单位查询职工参保（名单）",
                channel="unit",
                save=False,
            )
            for p, _masked in rows
        ]
    )
    return render(request, "selfservice/employees.html", {"page": page, "rows": rows})


def employee(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _unit(request)
    try:
        person = access_employee(user=user, person_id=person_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    code = user.credit_code.upper()
    months = _own_months(person, code)
    records_read_audit(
        actor=user, id_number=person.id_number, purpose="单位查询职工参保", channel="unit"
    )
    page = Paginator(months[::-1], 24).get_page(request.GET.get("page"))
    return render(
        request,
        "selfservice/employee.html",
        {
            "person": person,
            "masked": mask_id_number(person.id_number),
            "page": page,
            "count": len(months),
        },
    )


def _own_months(person: Person, credit_code: str) -> list[object]:
    return list(
        person.contribution_months.filter(payer_credit_code=credit_code)
        .order_by("month")
        .only(
            "month",
            "base",
            "pension_unit",
            "pension_personal",
            "unemployment_unit",
            "unemployment_personal",
            "injury_unit",
        )
    )

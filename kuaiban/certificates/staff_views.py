"""The bureau's page for certificates (/certificates/manage/): find one by its code (or a
holder's by their ID number) and revoke
it (作废) with a reason. Administrators, and officers of a 社会保险经办机构 for people insured in
their region; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kuaiban.accounts.models import User
from kuaiban.certificates.models import Certificate
from kuaiban.certificates.selectors import (
    access_certificate_for_staff,
    certificate_staff_of,
    certificates_of_holder_for_staff,
)
from kuaiban.certificates.services import REVOKE_REASON_MAX, certificate_revoke
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.identifiers import id_number_error
from kuaiban.core.masking import mask_id_number
from kuaiban.shareddata.audit import records_read_audit

HOLDER_SEARCH = "证明查询与作废（按身份证号查找持有人的证明）"
HOLDER_MAX = 50  # a person holds a handful; the newest fifty is more than enough to find one


def _staff(request: HttpRequest) -> User:
    try:
        return certificate_staff_of(request.user)
    except NotFound:
        raise Http404("页面不存在") from None


def _found(user: User, code: str) -> Certificate | None:
    try:
        return access_certificate_for_staff(user=user, code=code)
    except NotFound:
        return None


def _holder_search(user: User, id_number: str) -> dict[str, object]:
    """The certificates of the person with this ID number that ``user`` may revoke; looking a
    person up by their number reads personal data, so a valid look-up is audited."""
    if id_number_error(id_number) is not None:
        return {"id_error": "请输入完整、正确的18位公民身份号码"}
    records_read_audit(actor=user, id_number=id_number, purpose=HOLDER_SEARCH, channel="web")
    listed = list(certificates_of_holder_for_staff(user=user, id_number=id_number)[:HOLDER_MAX])
    return {"searched": True, "listed": listed, "listed_holder": mask_id_number(id_number)}


@login_required
@never_cache
def manage(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    code = request.GET.get("code", "").strip()[:40]
    id_number = request.GET.get("id_number", "").strip().upper()[:18]
    found = _found(user, code) if code else None
    search = _holder_search(user, id_number) if id_number and not code else {}
    return render(
        request,
        "certificates/manage.html",
        {
            "code": code,
            "id_number": id_number,
            "certificate": found,
            "holder": mask_id_number(found.holder_id_number) if found else "",
            "not_found": bool(code) and found is None,
            "reason_max": REVOKE_REASON_MAX,
            **search,
        },
        status=400 if "id_error" in search else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    found = _found(user, code)
    if found is None:
        raise Http404("证明不存在")
    try:
        certificate_revoke(actor=user, certificate=found, reason=request.POST.get("reason", ""))
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"已作废{found.get_kind_display()} {found.code}，验真时显示已作废。"
        )
    return HttpResponseRedirect(
        reverse("certificates:manage") + "?" + urlencode({"code": found.code})
    )

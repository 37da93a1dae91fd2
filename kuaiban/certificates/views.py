"""The public verification page (/verify/ and /verify/<code>), no log-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from kuaiban.accounts.client_ip import client_ip
from kuaiban.certificates.selectors import certificate_verify
from kuaiban.core.errors import ApiError


def verify_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return HttpResponseRedirect(reverse("certificates:verify", args=[code[:40]]))
    return render(request, "certificates/verify.html", {"certificate": None, "code": ""})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = certificate_verify(code=code, ip=client_ip(request))
    except ApiError as exc:
        context = {"certificate": None, "code": code, "error": exc.message}
        return render(request, "certificates/verify.html", context, status=exc.status)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": found,
            "code": found.code,
            "form_url": reverse("certificates:verify-form") + "?" + urlencode({}),
        },
    )

"""The public 办件进度查询 page: for a walk-in with a receipt and no account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kuaiban.accounts.client_ip import client_ip
from kuaiban.applications.progress import Progress, Throttled, progress_lookup
from kuaiban.core.errors import ApiError


@require_http_methods(["GET", "POST"])
def progress_page(request: HttpRequest) -> HttpResponse:
    # POST, so that the tail of an ID number stays out of addresses, histories and access logs.
    values = {k: request.POST.get(k, "")[:40] for k in ("number", "id_tail")}
    values["number"] = values["number"] or request.GET.get("number", "")[:40]
    found: Progress | None = None
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    if request.method == "POST":
        try:
            found = progress_lookup(
                number=values["number"], id_tail=values["id_tail"], ip=client_ip(request)
            )
        except Throttled as exc:
            message, status = exc.message, 429
        except ApiError as exc:
            message, errors, status = exc.message, exc.fields or {}, exc.status
    return render(
        request,
        "applications/progress.html",
        {"values": values, "found": found, "errors": errors, "message": message},
        status=status,
    )

"""A test-only API mounted next to the real URLs: unsafe methods and role checks behind api_auth."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

from kuaiban.accounts.api_auth import api_auth, require_role
from kuaiban.accounts.models import Role
from kuaiban.core.errors import install_error_handlers
from kuaiban.urls import urlpatterns as site_urlpatterns

probe = NinjaAPI(urls_namespace="accounts-probe", docs_url=None, openapi_url=None)
install_error_handlers(probe)


@probe.post("/echo", auth=api_auth)
def echo(request: HttpRequest) -> dict[str, str]:
    return {"username": request.auth.username, "user": request.user.get_username()}  # type: ignore[attr-defined]


@probe.post("/officers-only", auth=api_auth)
def officers_only(request: HttpRequest) -> dict[str, bool]:
    require_role(request.auth, Role.OFFICER, Role.SUPERVISOR)  # type: ignore[attr-defined]
    return {"ok": True}


urlpatterns = [path("probe/", probe.urls), path("", include(site_urlpatterns))]

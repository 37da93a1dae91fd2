"""Log-in and log-out pages (Django's views with our form, templates and start pages)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from kuaiban.accounts.audit import audit_log
from kuaiban.accounts.client_ip import client_ip
from kuaiban.accounts.forms import LoginForm
from kuaiban.accounts.selectors import home_url_for
from kuaiban.core.models import AuditAction


class KuaibanLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_default_redirect_url(self) -> str:
        return home_url_for(self.request.user)

    def get_redirect_url(self) -> str:
        url: str = super().get_redirect_url()  # "" unless it stays on this site
        # Going back to the log-in or log-out page would only show that page again.
        if url and urlsplit(url).path in {reverse("accounts:login"), reverse("accounts:logout")}:
            return ""
        return url

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sso_url = settings.KUAIBAN_SSO_LOGIN_URL
        if sso_url and context.get("next"):
            sso_url += ("&" if "?" in sso_url else "?") + urlencode({"next": context["next"]})
        context["sso_login_url"] = sso_url
        context["sso_label"] = settings.KUAIBAN_SSO_LABEL or "使用统一身份认证登录"
        context["home_url"] = home_url_for(self.request.user)
        return context


class KuaibanLogoutView(LogoutView):
    """POST logs out. GET only asks for confirmation: a link or a prefetch must not log out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return TemplateView.get(self, request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        response = super().post(request, *args, **kwargs)
        if user.is_authenticated:
            audit_log(actor=user, action=AuditAction.LOGOUT, detail={"ip": client_ip(request)})
            messages.success(request, "您已安全退出登录。")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = "退出登录"
        context["home_url"] = home_url_for(self.request.user)
        return context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of the logged-in user's role (LOGIN_REDIRECT_URL, also for SSO log-ins)."""
    return HttpResponseRedirect(home_url_for(request.user))

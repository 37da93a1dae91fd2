"""The log-in forms: Django's, with the throttle and one message for every failure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from kuaiban.accounts.messages import invalid_credentials_hint, locked_message
from kuaiban.accounts.services import Channel, login_attempt


class LoginForm(AuthenticationForm):
    channel: Channel = "web"
    error_messages = {
        "invalid_login": invalid_credentials_hint(),
        "inactive": invalid_credentials_hint(),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].label = "密码"
        self.fields["password"].error_messages["required"] = "请输入密码"
        self.throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password or self.request is None:
            return self.cleaned_data
        result = login_attempt(
            request=self.request, username=username, password=password, channel=self.channel
        )
        if result.user is not None:
            self.user_cache = result.user
            self.confirm_login_allowed(result.user)
            return self.cleaned_data
        if result.locked_until is not None:
            self.throttled = result.refused
            message = locked_message(result.locked_until)
            if not result.refused:  # this very failure reached the limit
                message = f"用户名或密码不正确。{message}"
            raise forms.ValidationError(message, code="throttled")
        raise self.get_invalid_login_error()


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's log-in form under the same throttle: set it as ``AdminSite.login_form``.
    Only staff may pass, with the same message as a wrong password."""

    channel: Channel = "admin"
    error_messages = LoginForm.error_messages

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or not user.is_staff:
            raise self.get_invalid_login_error()

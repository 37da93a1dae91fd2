"""A stand-in for a province's real-name SSO backend, for the pluggability tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from kuaiban.accounts.identity import IdentityError, applicant_for_verified_identity
from kuaiban.accounts.models import User


class StubSSOBackend(BaseBackend):
    """Accepts username ``sso:<居民身份证号>`` with password ``verified-by-idp``, as if an
    identity provider had verified that person."""

    def authenticate(
        self, request: HttpRequest | None, username: str = "", password: str = "", **kw: Any
    ) -> User | None:
        if not username.startswith("sso:") or password != "verified-by-idp":
            return None
        try:
            return applicant_for_verified_identity(id_number=username[4:], display_name="实名用户")
        except IdentityError:
            return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()

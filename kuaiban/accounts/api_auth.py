"""Authentication for the API routers: ``auth=api_auth`` on a router or an operation.

A request is accepted with ``Authorization: Bearer <token>`` (API clients) or with the site's
session cookie (the site's own pages calling the API). Session requests with an unsafe method
must carry the CSRF token (``X-CSRFToken`` header), as a form would; bearer requests need none,
since a browser never adds that header by itself. A bearer header that is present but wrong is
refused outright, even if a session cookie is also sent: a client with a broken token should
learn that, not be served as somebody else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from kuaiban.accounts.models import ApiToken, User
from kuaiban.accounts.selectors import token_find
from kuaiban.accounts.services import token_touch
from kuaiban.core.errors import ApiError

# secrets.token_urlsafe(32) gives 43 characters; anything far longer is not one of ours.
_MAX_TOKEN_LENGTH = 200


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class BearerTokenAuth(HttpAuthBase):
    """``Authorization: Bearer <token>``: a live token of an active user."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None  # no token presented: let the next method (the session) try
        raw = raw.strip()
        token = token_find(raw=raw) if 0 < len(raw) <= _MAX_TOKEN_LENGTH else None
        now = timezone.now()
        if token is None or not token.is_usable_at(now) or not token.user.is_active:
            raise Unauthenticated("访问令牌无效、已过期或已被撤销，请重新获取令牌")
        token_touch(token=token, now=now)
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        return token.user


class SessionCsrfAuth(APIKeyCookie):
    """The Django session of a logged-in, active user; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check happens in authenticate(), once we know there is a session to protect.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApiError(
                "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
                code="csrf_failed",
                status=403,
            )
        return user


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]

# For an operation open to everybody that gives more to a signed-in caller (a plan prefilled
# from shared data): the OpenAPI security of "a bearer token, or nothing".
OPTIONAL_BEARER_SECURITY: list[dict[str, list[str]]] = [{"BearerTokenAuth": []}, {}]


def api_user_optional(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """The caller of an open operation: the bearer token's user, else the session's user.

    A bearer header that is present but wrong is a 401, as on every protected operation.
    """
    user = BearerTokenAuth()(request)
    return user if user is not None else request.user


def presented_token(request: HttpRequest) -> ApiToken | None:
    """The bearer token this request was authenticated with (None for a session)."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None


def require_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> None:
    """Raise a 403 ``forbidden`` API error unless ``user`` has one of ``roles``."""
    if not isinstance(user, User) or not user.is_authenticated or user.role not in roles:
        raise Forbidden("当前账号无权执行此操作")

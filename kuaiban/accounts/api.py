"""Identity endpoints under /api/v1/auth: bearer tokens for API clients, and who am I."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from kuaiban.accounts.api_auth import BearerTokenAuth, Unauthenticated, api_auth, presented_token
from kuaiban.accounts.client_ip import client_ip
from kuaiban.accounts.messages import INVALID_CREDENTIALS, locked_message
from kuaiban.accounts.models import User
from kuaiban.accounts.schemas import MeOut, TokenIn, TokenOut
from kuaiban.accounts.services import login_attempt, token_issue, token_revoke
from kuaiban.core.errors import ErrorOut, error_body

router = Router(tags=["身份认证"])


@router.post(
    "/token",
    response={201: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    exclude_none=True,
    summary="用用户名和密码获取访问令牌",
    description=(
        "验证用户名和密码，签发一个新的访问令牌，返回 201 与 `{token, expires_at}`。"
        "令牌只返回这一次，服务端只保存其摘要；有效期由 KUAIBAN_TOKEN_TTL_HOURS 设定（默认 12 小时）。"
        "之后的请求带上 `Authorization: Bearer <token>`。"
        "用户名或密码不正确、账号已停用时返回 401（code 为 invalid_credentials，提示相同，不透露账号是否存在）；"
        "同一用户名在同一地址 15 分钟内失败 5 次后暂停 15 分钟，期间返回 429（code 为 throttled，"
        "并带 Retry-After 秒数）。"
    ),
)
def token_create(
    request: HttpRequest, payload: TokenIn, response: HttpResponse
) -> Status[TokenOut | dict[str, object]]:
    result = login_attempt(
        request=request, username=payload.username, password=payload.password, channel="api"
    )
    if result.refused and result.locked_until is not None:
        wait = (result.locked_until - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return Status(429, error_body("throttled", locked_message(result.locked_until)))
    if result.user is None:
        return Status(401, error_body("invalid_credentials", INVALID_CREDENTIALS))
    issued = token_issue(user=result.user, ip=client_ip(request))
    expires_at = timezone.localtime(issued.token.expires_at)
    return Status(201, TokenOut(token=issued.raw, expires_at=expires_at))


@router.delete(
    "/token",
    auth=BearerTokenAuth(),
    response={204: None, 401: ErrorOut},
    summary="撤销当前使用的访问令牌",
    description="撤销本次请求所带的令牌（退出登录），返回 204；此后该令牌不能再使用。",
)
def token_delete(request: HttpRequest) -> Status[None]:
    token = presented_token(request)
    if token is None:  # the auth class guarantees one; kept for the type checker
        raise Unauthenticated("需要访问令牌")
    token_revoke(token=token, actor=token.user)
    return Status(204, None)


@router.get(
    "/me",
    auth=api_auth,
    response={200: MeOut, 401: ErrorOut},
    summary="当前用户",
    description="返回当前登录用户（访问令牌或网站会话）的用户名、角色和显示名称。",
)
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return MeOut(username=user.username, role=user.role, display_name=str(user))

"""Writes: checking credentials under the log-in throttle, issuing and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from kuaiban.accounts.audit import audit_log
from kuaiban.accounts.client_ip import client_ip
from kuaiban.accounts.models import ApiToken, LoginFailure, User
from kuaiban.accounts.selectors import (
    LOGIN_LOCK,
    LOGIN_MAX_FAILURES,
    login_locked_until,
    login_recent_failures,
    token_hash,
)
from kuaiban.core.models import AuditAction

Channel = Literal["web", "api", "admin"]

# Failure rows older than this can no longer count or lock; they are deleted as new ones arrive.
LOGIN_FAILURE_RETENTION = dt.timedelta(days=1)
# last_used_at is refreshed at most this often, so that a busy client does not write on every call.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class LoginResult:
    """``user`` when the credentials were right. Otherwise ``refused`` says the password was not
    even checked because log-ins are suspended, and ``locked_until`` when they resume."""

    user: User | None
    refused: bool = False
    locked_until: dt.datetime | None = None


def normalize_username(username: str) -> str:
    # The same normalisation as Django's log-in form, so that web and API share one counter.
    return unicodedata.normalize("NFKC", username).strip()[:150]


def login_attempt(
    *, request: HttpRequest, username: str, password: str, channel: Channel
) -> LoginResult:
    """Check credentials through the configured backends, unless this username is suspended
    from this address. Failures are counted whether or not the username exists, and inactive
    accounts fail like wrong passwords, so the answer never tells who has an account."""
    now = timezone.now()
    username = normalize_username(username)
    ip = client_ip(request)
    until = login_locked_until(username=username, ip=ip, now=now)
    if until is not None:
        audit_log(
            actor=username,
            action=AuditAction.LOGIN_REFUSED,
            detail={"channel": channel, "ip": ip, "until": until.isoformat()},
        )
        return LoginResult(user=None, refused=True, locked_until=until)

    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User) or not user.is_active:
        until = login_failure_record(username=username, ip=ip, now=now)
        audit_log(
            actor=username,
            action=AuditAction.LOGIN_FAILURE,
            detail={"channel": channel, "ip": ip, "locked": until is not None},
        )
        return LoginResult(user=None, locked_until=until)

    LoginFailure.objects.filter(username=username, ip=ip).delete()
    audit_log(actor=user, action=AuditAction.LOGIN_SUCCESS, detail={"channel": channel, "ip": ip})
    return LoginResult(user=user)


def login_failure_record(*, username: str, ip: str, now: dt.datetime) -> dt.datetime | None:
    """Store one failure; return when log-ins resume if this failure reached the limit."""
    LoginFailure.objects.filter(created_at__lt=now - LOGIN_FAILURE_RETENTION).delete()
    failure = LoginFailure.objects.create(username=username, ip=ip, created_at=now)
    if login_recent_failures(username=username, ip=ip, now=now) < LOGIN_MAX_FAILURES:
        return None
    failure.locks_until = now + LOGIN_LOCK
    failure.save(update_fields=["locks_until"])
    return failure.locks_until


def login_unlock(*, username: str, ip: str | None = None) -> int:
    """Forget the failures of ``username`` (from ``ip`` only, if given): lifts a suspension."""
    failures = LoginFailure.objects.filter(username=normalize_username(username))
    if ip is not None:
        failures = failures.filter(ip=ip)
    deleted, _ = failures.delete()
    return deleted


@dataclass(frozen=True)
class IssuedToken:
    """The token itself (shown once, never stored) and its stored row."""

    raw: str
    token: ApiToken


def token_issue(*, user: User, ip: str = "") -> IssuedToken:
    if not user.is_active:
        raise ValueError("inactive users cannot get tokens")
    now = timezone.now()
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=token_hash(raw),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.KUAIBAN_TOKEN_TTL_HOURS),
    )
    audit_log(
        actor=user,
        action=AuditAction.TOKEN_ISSUE,
        detail={"token_id": token.pk, "expires_at": token.expires_at.isoformat(), "ip": ip},
    )
    return IssuedToken(raw=raw, token=token)


def token_touch(*, token: ApiToken, now: dt.datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def token_revoke(*, token: ApiToken, actor: AbstractBaseUser | AnonymousUser) -> bool:
    """Revoke one token; False if it was already revoked."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        token.revoked_at = now
        audit_log(
            actor=actor,
            action=AuditAction.TOKEN_REVOKE,
            detail={"token_id": token.pk, "owner": token.user.get_username()},
        )
    return bool(revoked)


def token_revoke_all(*, user: User, actor: AbstractBaseUser | AnonymousUser) -> int:
    """Revoke every live token of ``user`` (e.g. a lost device or a leaving employee)."""
    revoked = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user"):
        revoked += token_revoke(token=token, actor=actor)
    return revoked

"""Applicants identified by a province's real-name SSO (统一身份认证).

An SSO backend (see README.md) verifies a person or a unit and hands over a 居民身份证号 or a
统一社会信用代码; this module finds or creates the matching applicant account. Only applicant
accounts (role person / unit) are ever matched: a staff account is never reached through the
public SSO, even if its holder's ID number is on file, and no role is ever raised from claims.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from kuaiban.accounts.audit import audit_log
from kuaiban.accounts.models import Role, User
from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.core.models import AuditAction


class IdentityError(ValueError):
    """The SSO's identity cannot be matched safely to one account."""


@transaction.atomic
def applicant_for_verified_identity(
    *,
    id_number: str = "",
    credit_code: str = "",
    display_name: str = "",
    phone: str = "",
    create: bool = True,
) -> User | None:
    """The active applicant account with this ID number (role person) or credit code (role
    unit), created on first log-in when ``create``. None for a disabled account, or when none
    exists and ``create`` is off. Raises IdentityError for a bad or ambiguous identity."""
    if bool(id_number) == bool(credit_code):
        raise IdentityError("应提供居民身份证号或统一社会信用代码之一")
    if id_number:
        role, field, value = Role.PERSON, "id_number", id_number.strip().upper()
        problem = id_number_error(value)
    else:
        role, field, value = Role.UNIT, "credit_code", credit_code.strip().upper()
        problem = credit_code_error(value)
    if problem:
        raise IdentityError(problem)

    matches = list(User.objects.select_for_update().filter(role=role, **{field: value})[:2])
    if len(matches) > 1:
        raise IdentityError("该身份对应多个账号，请管理员合并后再登录")
    if matches:
        user = matches[0]
        return user if user.is_active else None
    if not create:
        return None
    # The username is random, never the ID number: usernames appear in logs and pages.
    user = User(
        username=f"sso-{secrets.token_hex(6)}",
        role=role,
        display_name=display_name[:120],
        phone=phone[:20],
        **{field: value},
    )
    user.set_unusable_password()
    user.save()
    audit_log(
        actor=user, action=AuditAction.IDENTITY_PROVISION, detail={"role": role, field: value}
    )
    return user

"""亲情代办: granting, revoking and reading the authorisations one person gives another.

The application access helper (`applications.selectors.applications_visible_to`) asks here
which people an agent may act for today; a revoked or expired authorisation gives nothing,
so the agent's next request is a 404 like any other person's."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Authorisation, Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction

MAX_DAYS = 3 * 366  # an authorisation is renewed at least every three years


class Act(StrEnum):
    APPLY = "may_apply"
    QUERY = "may_query"
    RECEIVE = "may_receive"


def authorisations_active(
    *, agent: User, act: Act, on: dt.date | None = None
) -> QuerySet[Authorisation]:
    day = on or timezone.localdate()
    return Authorisation.objects.filter(
        agent=agent,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
        grantor__is_active=True,
        **{act.value: True},
    )


def authorisation_for(*, agent: User, grantor_id: int | None, act: Act) -> Authorisation | None:
    """The agent's authorisation from this grantor for this act, in force today, or None."""
    if grantor_id is None:
        return None
    return (
        authorisations_active(agent=agent, act=act)
        .filter(grantor_id=grantor_id)
        .select_related("agent", "grantor")
        .first()
    )


def authorisations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Authorisation]:
    """Grantor and agent see theirs; a clerk those of people of their region."""
    queryset = Authorisation.objects.select_related("grantor", "agent", "created_by")
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.PERSON:
        return queryset.filter(Q(grantor=user) | Q(agent=user))
    if user.role == Role.CLERK and user.region_id is not None:
        return queryset.filter(grantor__region_id=user.region_id)
    if user.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_authorisation(
    *, user: AbstractBaseUser | AnonymousUser, authorisation_id: int
) -> Authorisation:
    found = authorisations_visible_to(user).filter(pk=authorisation_id).first()
    if found is None:
        raise NotFound("授权不存在")
    return found


def authorisation_grant(
    *,
    actor: User,
    agent_id_number: str,
    relation: str,
    valid_from: dt.date,
    valid_until: dt.date,
    acts: set[Act],
    grantor_id_number: str = "",
) -> Authorisation:
    """The grantor authorises online; a clerk registers it at the window for the grantor
    standing there (named by ID number, the document checked)."""
    errors: dict[str, list[str]] = {}
    if actor.role == Role.CLERK:
        grantor = User.objects.filter(
            role=Role.PERSON, is_active=True, id_number=grantor_id_number.strip().upper()
        ).first()
        if grantor is None:
            errors["grantor_id_number"] = ["委托人尚无实名账号，请先为其开通"]
    elif actor.role == Role.PERSON:
        grantor = actor
    else:
        raise NotFound("授权不存在")
    agent = User.objects.filter(
        role=Role.PERSON, is_active=True, id_number=agent_id_number.strip().upper()
    ).first()
    if agent is None:
        errors["agent_id_number"] = ["代办人须先用本人身份证号注册实名账号"]
    elif grantor is not None and agent.pk == grantor.pk:
        errors["agent_id_number"] = ["不能授权给本人"]
    if not relation.strip() or len(relation.strip()) > 20:
        errors["relation"] = ["请填写与委托人的关系，如 子女"]
    if not acts:
        errors["acts"] = ["请至少选择一项代办内容"]
    today = timezone.localdate()
    if valid_from < today or valid_until < valid_from:
        errors["valid_until"] = ["有效期应从今天或以后开始，截止日期不早于生效日期"]
    elif (valid_until - valid_from).days > MAX_DAYS:
        errors["valid_until"] = ["有效期最长三年，到期后可重新授权"]
    if errors:
        raise Unprocessable("授权内容有误，请按提示修改", fields=errors)
    assert grantor is not None and agent is not None
    with transaction.atomic():
        authorisation = Authorisation.objects.create(
            grantor=grantor,
            agent=agent,
            relation=relation.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
            **{act.value: act in acts for act in Act},
        )
        audit_record(
            actor=actor,
            action=AuditAction.AUTHORISATION_GRANT,
            object_type="authorisation",
            object_id=str(authorisation.pk),
            changes={
                "grantor": mask_id_number(grantor.id_number),
                "agent": mask_id_number(agent.id_number),
                "acts": sorted(act.value for act in acts),
                "until": valid_until.isoformat(),
            },
        )
    return authorisation


def authorisation_revoke(*, actor: User, authorisation: Authorisation) -> Authorisation:
    """The grantor (or a clerk for them, or the agent giving it up) ends it at once."""
    allowed = actor.pk in (authorisation.grantor_id, authorisation.agent_id) or (
        actor.role == Role.CLERK and actor.region_id == authorisation.grantor.region_id
    )
    if not allowed:
        raise NotFound("授权不存在")
    now = timezone.now()
    with transaction.atomic():
        done = Authorisation.objects.filter(pk=authorisation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if done != 1:
            raise Conflict("该授权已撤销")
        audit_record(
            actor=actor,
            action=AuditAction.AUTHORISATION_REVOKE,
            object_type="authorisation",
            object_id=str(authorisation.pk),
        )
    authorisation.refresh_from_db()
    return authorisation

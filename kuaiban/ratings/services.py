"""Writes for 好差评: window visits, ratings (一事一评, 一次一评, default), invitations, and —
re-exported from ``tickets`` — the bad-rating loop.

A rating is one transaction: the rating, its push to the province in the outbox, a
rectification ticket when it is bad (level 1 or 2), and the audit row. Rating twice is
refused by the database itself (one rating per application, one per visit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.calendar.arithmetic import local_date
from kuaiban.cases.models import SUBCASE_UNFINISHED
from kuaiban.catalogue.models import Agency, Region
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.ratings import conf
from kuaiban.ratings.indicators import RatingInput, indicators_for, rating_input_check
from kuaiban.ratings.links import VisitLink, visit_link_expires, visit_link_phone, visit_link_url
from kuaiban.ratings.models import Rating, RatingInvitation, RatingSubject, WindowVisit
from kuaiban.ratings.pushes import rating_push_enqueue
from kuaiban.ratings.selectors import is_completed, ticket_steps_overdue, visit_place
from kuaiban.ratings.tickets import (
    Forbidden,
    ticket_appeal,
    ticket_callback,
    ticket_feedback,
    ticket_open,
    ticket_overdue_alert,
    ticket_rectify,
    ticket_rectify_complete,
    ticket_report,
    ticket_review,
    ticket_verify,
)

__all__ = [
    "InviteResult",
    "rating_default_create",
    "rating_submit",
    "rating_submit_visit",
    "ratings_default_apply",
    "ratings_invite_and_remind",
    "ticket_appeal",
    "ticket_callback",
    "ticket_feedback",
    "ticket_overdue_alert",
    "ticket_rectify",
    "ticket_rectify_complete",
    "ticket_report",
    "ticket_review",
    "ticket_steps_overdue",
    "ticket_verify",
    "visit_record",
]


def first_agency(application: Application) -> Agency | None:
    """The rating's responsible agency: that of the application's first sub-case."""
    subcase = (
        application.subcases.select_related("agency")
        .filter(agency__isnull=False)
        .order_by("stage", "pk")
        .first()
    )
    return subcase.agency if subcase else None


# ---------------------------------------------------------------------------------------------
# Window visits (一次一评)
# ---------------------------------------------------------------------------------------------


def visit_record(
    *,
    clerk: User,
    application: Application | None = None,
    applicant: User | None = None,
    applicant_name: str = "",
) -> WindowVisit:
    """Record that ``clerk`` served someone at the window, so that the visit can be rated.

    With an application, the person is its applicant and the visit is recorded once per clerk
    and day however often the submission is retried. Without one (a consultation), the name
    is required. The visit belongs to the clerk's own agency (their 人社服务大厅); a clerk
    without one served at their region's hall, never at an agency working the case. A new visit with a phone on
    record has its personal rating link texted to that phone, once.
    """
    if clerk.role != Role.CLERK:
        raise Forbidden("只有综合柜员可以登记窗口服务")
    region: Region | None = clerk.region
    if region is None:
        raise Unprocessable("柜员账号未设置所属地区", code="no_region")
    # The visit happened at the clerk's own hall, whatever agencies then work the case.
    agency = clerk.agency
    if agency is None and application is None:
        raise Unprocessable("无法确定窗口服务的责任机构：请为柜员设置所属机构", code="no_agency")
    if application is not None:
        applicant = application.applicant
        applicant_name = application.applicant_name
    name = applicant_name.strip()[:120] or (applicant.display_name if applicant else "")
    if not name:
        raise Unprocessable("请填写办事人姓名", fields={"applicant_name": ["请填写办事人姓名"]})
    now = timezone.now()
    with transaction.atomic():
        if application is not None:
            for earlier in application.window_visits.filter(clerk=clerk):
                if local_date(earlier.visited_at) == local_date(now):
                    return earlier
        visit = WindowVisit.objects.create(
            applicant=applicant,
            applicant_name=name,
            clerk=clerk,
            region=region,
            application=application,
            agency=agency,
            visited_at=now,
        )
        audit_record(
            actor=clerk,
            action=AuditAction.VISIT_RECORD,
            object_type="window_visit",
            object_id=str(visit.pk),
            changes={"application": application.number if application else None},
        )
        _visit_link_enqueue(visit)
    return visit


def _visit_link_enqueue(visit: WindowVisit) -> None:
    """The person served gets their rating link (一次一评, no account needed) by text message:
    through the applicant notice, key ``rating.visit-link:<visit>``, so it goes once."""
    application = visit.application
    if application is None or not visit_link_phone(visit):
        return
    url = visit_link_url(visit)
    served = timezone.localtime(visit.visited_at)
    until = timezone.localtime(visit_link_expires(visit))
    where = visit_place(visit)
    text = (
        f"您 {served:%Y年%m月%d日} 在{where}窗口办理了“{application.bundle.name}”"
        f"（办件 {application.number}），欢迎评价本次窗口服务：{url} "
        f"（{until:%Y年%m月%d日}前有效，每次服务评价一次）"
    )
    _applicant_notify(
        application,
        key=f"rating.visit-link:{visit.pk}",
        purpose="rating.visit-link",
        subject="邀请您评价窗口服务",
        text=text,
        url=url,
        visit=visit.pk,
    )


def _applicant_notify(
    application: Application,
    *,
    key: str,
    purpose: str,
    subject: str,
    text: str,
    url: str,
    **extra: Any,
) -> None:
    """One notice to the applicant through the outbox (sent once per ``key``)."""
    outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key=key,
        payload={
            "number": application.number,
            "status": application.status,
            "purpose": purpose,
            "subject": subject,
            "text": text,
            "url": url,
            **extra,
        },
    )


# ---------------------------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------------------------


def _checked(subject: str, level: Any, indicators: Any, comment: Any) -> RatingInput:
    checked, errors = rating_input_check(
        subject=subject, level=level, indicators=indicators, comment=comment
    )
    if checked is None:
        raise Unprocessable("评价内容有误，请按提示修改", fields=errors)
    return checked


def rating_submit(
    *,
    actor: User,
    application: Application,
    level: Any,
    indicators: Any,
    comment: Any = "",
) -> Rating:
    """一事一评: the applicant rates their completed application, once."""
    if application.applicant_id != actor.pk:
        raise NotFound("办件不存在")
    if not is_completed(application):
        raise Unprocessable(
            "办件办结后才能评价", code="not_completed", fields={"level": ["办件尚未办结"]}
        )
    if Rating.objects.filter(application=application).exists():
        raise Conflict("该办件已经评价过（一事一评），不能重复评价", code="already_rated")
    checked = _checked(RatingSubject.CASE, level, indicators, comment)
    return _rating_create(
        actor=actor,
        rating=Rating(
            subject=RatingSubject.CASE,
            application=application,
            rated_by=actor,
            agency=first_agency(application),
            region=application.region,
        ),
        checked=checked,
    )


def rating_submit_visit(
    *,
    actor: User | None,
    visit: WindowVisit,
    level: Any,
    indicators: Any,
    comment: Any = "",
    link: VisitLink | None = None,
) -> Rating:
    """一次一评: the person served rates a window visit, once.

    Either logged in as the visit's applicant, or holding the visit's personal link (``link``,
    checked by ``visit_link_check``; no account needed). A link rating is real-name — the
    clerk verified who was served — and is the account's when the applicant is logged in,
    else nobody's (``rated_by`` empty). Staff accounts never rate in the visitor's place.
    """
    is_applicant = actor is not None and visit.applicant_id == actor.pk
    if (link is None and not is_applicant) or (link is not None and link.visit_id != visit.pk):
        raise NotFound("窗口服务记录不存在")
    if link is not None and actor is not None and actor.role not in (Role.PERSON, Role.UNIT):
        raise Forbidden("工作人员账号不能代替办事人评价，请办事人用自己的手机扫码或打开评价链接")
    rater = actor if is_applicant else None
    if Rating.objects.filter(visit=visit).exists():
        raise Conflict("这次窗口服务已经评价过（一次一评），不能重复评价", code="already_rated")
    checked = _checked(RatingSubject.VISIT, level, indicators, comment)
    agency = visit.agency or (first_agency(visit.application) if visit.application else None)
    return _rating_create(
        actor=rater,
        rating=Rating(
            subject=RatingSubject.VISIT,
            visit=visit,
            rated_by=rater,
            real_name=True,
            agency=agency,
            region=visit.region,
        ),
        checked=checked,
        via="link" if link is not None else "account",
    )


def rating_default_create(*, application: Application, now: dt.datetime) -> Rating:
    """超期未评: the default rating (never a bad one), marked ``is_default``; no rater."""
    if not is_completed(application):
        raise Unprocessable("办件尚未办结", code="not_completed")
    level = int(conf.default_rating_level())
    return _rating_create(
        actor=None,
        rating=Rating(
            subject=RatingSubject.CASE,
            application=application,
            rated_by=None,
            real_name=False,
            is_default=True,
            agency=first_agency(application),
            region=application.region,
        ),
        checked=RatingInput(
            level=level,
            indicators=dict.fromkeys(indicators_for(RatingSubject.CASE), level),
            comment="",
        ),
        now=now,
    )


def _rating_create(
    *,
    actor: User | None,
    rating: Rating,
    checked: RatingInput,
    now: dt.datetime | None = None,
    via: str = "",
) -> Rating:
    rating.level = checked.level
    rating.indicators = checked.indicators
    rating.comment = checked.comment
    rating.rated_at = now or timezone.now()
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
            rating_push_enqueue(rating=rating, action="rated")
            if rating.is_bad:
                ticket_open(rating=rating, now=rating.rated_at)
            audit_record(
                actor=actor,
                action=AuditAction.RATING_CREATE,
                object_type="rating",
                object_id=str(rating.pk),
                changes={
                    "subject": rating.subject,
                    "application": rating.application.number if rating.application else None,
                    "visit": rating.visit_id,
                    "level": rating.level,
                    "is_default": rating.is_default,
                }
                | ({"via": via} if via else {}),
            )
    except IntegrityError:
        # Two submissions at once: the one-to-one constraint lets exactly one through.
        raise Conflict("已经评价过，不能重复评价", code="already_rated") from None
    return rating


# ---------------------------------------------------------------------------------------------
# Invitations, the reminder, default ratings (run by `kuaiban ratings_sweep`)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteResult:
    invited: int
    reminded: int


def ratings_invite_and_remind(*, now: dt.datetime, limit: int = 500) -> InviteResult:
    """Invite each completed, unrated application's applicant once; remind once after
    ``KUAIBAN_RATING_REMIND_DAYS``. Each is one transaction; the outbox keys
    ``rating.invite:<number>`` and ``rating.remind:<number>`` make a repeat a no-op."""
    invited = 0
    completed = (
        Application.objects.filter(
            status__in=Application.FINISHED,
            applicant__isnull=False,
            rating_invitation__isnull=True,
            rating__isnull=True,
        )
        .exclude(subcases__status__in=SUBCASE_UNFINISHED)
        .select_related("bundle")
        .annotate(finished_at=Max("subcases__decided_at"))
        .order_by("pk")[:limit]
    )
    for application in completed:
        with transaction.atomic():
            _, created = RatingInvitation.objects.get_or_create(
                application=application,
                defaults={"completed_at": application.finished_at or now, "invited_at": now},
            )
            if created:
                _notice_enqueue(application, purpose="invite")
                invited += 1
    reminded = 0
    due = now - dt.timedelta(days=conf.remind_days())
    waiting = (
        RatingInvitation.objects.select_related("application", "application__bundle")
        .filter(reminded_at__isnull=True, invited_at__lte=due, application__rating__isnull=True)
        .order_by("invited_at")[:limit]
    )
    for invitation in waiting:
        with transaction.atomic():
            claimed = RatingInvitation.objects.filter(
                pk=invitation.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed == 1:
                _notice_enqueue(invitation.application, purpose="remind")
                reminded += 1
    return InviteResult(invited=invited, reminded=reminded)


def _notice_enqueue(application: Application, *, purpose: str) -> None:
    url = f"{conf.public_url()}/ratings/applications/{application.number}/"
    if purpose == "invite":
        subject = "邀请您评价"
        text = (
            f"您的办件 {application.number}（{application.bundle.name}）已办结，"
            f"欢迎对本次服务作出评价：{url}"
        )
    else:
        subject = "评价提醒"
        text = (
            f"您的办件 {application.number}（{application.bundle.name}）尚未评价，"
            f"您的评价将帮助我们改进服务：{url}"
        )
    _applicant_notify(
        application,
        key=f"rating.{purpose}:{application.number}",
        purpose=f"rating.{purpose}",
        subject=subject,
        text=text,
        url=url,
    )


def ratings_default_apply(*, now: dt.datetime, limit: int = 500) -> int:
    """超期未评视为默认评价: off unless ``KUAIBAN_DEFAULT_RATING_DAYS`` is set."""
    days = conf.default_rating_days()
    if days is None:
        return 0
    cutoff = now - dt.timedelta(days=days)
    unrated = (
        RatingInvitation.objects.select_related("application", "application__region")
        .filter(completed_at__lte=cutoff, application__rating__isnull=True)
        .order_by("completed_at")[:limit]
    )
    made = 0
    for invitation in unrated:
        try:
            rating_default_create(application=invitation.application, now=now)
        except Conflict:
            continue  # rated by the applicant in the meantime
        made += 1
    return made

"""Reads of the small services: open exams, the caller's registrations and mailings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import NotFound
from kuaiban.selfservice.models import CertificateMailing, ExamRegistration, ExamSession


def exam_sessions_open() -> QuerySet[ExamSession]:
    today = timezone.localdate()
    return ExamSession.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by(
        "exam_on", "pk"
    )


def registrations_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ExamRegistration]:
    """A person's registrations, made with this account or with their ID at a kiosk."""
    if not isinstance(user, User) or user.role != Role.PERSON or not user.id_number:
        return ExamRegistration.objects.none()
    return registrations_for(user.id_number)


def registrations_for(id_number: str) -> QuerySet[ExamRegistration]:
    return (
        ExamRegistration.objects.filter(id_number=id_number)
        .select_related("session")
        .order_by("-pk")
    )


def mailings_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[CertificateMailing]:
    """The mailings of a person's certificates, asked for on the web, in the app or at a kiosk."""
    if not isinstance(user, User) or user.role != Role.PERSON or not user.id_number:
        return CertificateMailing.objects.none()
    return mailings_for(user.id_number)


def mailings_for(id_number: str) -> QuerySet[CertificateMailing]:
    return (
        CertificateMailing.objects.filter(certificate__person__id_number=id_number)
        .select_related("certificate")
        .order_by("-pk")
    )


def access_mailing(
    *, user: AbstractBaseUser | AnonymousUser, mailing_id: int
) -> CertificateMailing:
    """The applicant's own mailing, or any for an officer of a 人事考试机构; else 404."""
    if isinstance(user, User) and user.role == Role.OFFICER and user.agency is not None:
        if user.agency.kind == "personnel_exam":
            found = CertificateMailing.objects.filter(pk=mailing_id).first()
            if found is not None:
                return found
        raise NotFound("邮寄申请不存在")
    found = mailings_of(user).filter(pk=mailing_id).first()
    if found is None:
        raise NotFound("邮寄申请不存在")
    return found


def _exam_officer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return (
        isinstance(user, User)
        and user.role == Role.OFFICER
        and user.agency is not None
        and user.agency.kind == "personnel_exam"
    )


def access_registration(*, user: AbstractBaseUser | AnonymousUser, number: str) -> ExamRegistration:
    """An officer of a 人事考试机构 reviews registrations of exams in their province; the
    applicant sees their own; anyone else gets 404."""
    found = ExamRegistration.objects.select_related("session__region").filter(number=number).first()
    if found is not None and _exam_officer(user):
        assert isinstance(user, User) and user.agency is not None
        if user.agency.region.code[:2] == found.session.region.code[:2]:
            return found
    elif (
        found is not None
        and isinstance(user, User)
        and user.role == Role.PERSON
        and user.id_number
        and found.id_number == user.id_number
    ):
        return found
    raise NotFound("报名不存在")


def access_mailing_by_number(
    *, user: AbstractBaseUser | AnonymousUser, number: str
) -> CertificateMailing:
    found = CertificateMailing.objects.filter(number=number).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("邮寄申请不存在")
    return access_mailing(user=user, mailing_id=found)


def exam_office_of(user: AbstractBaseUser | AnonymousUser) -> User:
    """The officer of a 人事考试机构 working the staff pages; anyone else gets 404."""
    if not _exam_officer(user):
        raise NotFound("页面不存在")
    assert isinstance(user, User)
    return user


def registrations_for_office(user: User, *, status: str = "") -> QuerySet[ExamRegistration]:
    """The registrations of exams held in the officer's province, the oldest waiting first."""
    assert user.agency is not None
    found = ExamRegistration.objects.filter(
        session__region__code__startswith=user.agency.region.code[:2]
    ).select_related("session")
    if status:
        found = found.filter(status=status)
    return found.order_by("created_at", "pk")


def mailings_for_office(user: User, *, status: str = "") -> QuerySet[CertificateMailing]:
    """The mailing requests an officer of a 人事考试机构 handles, the oldest first."""
    found = CertificateMailing.objects.select_related("certificate")
    if status:
        found = found.filter(status=status)
    return found.order_by("created_at", "pk")

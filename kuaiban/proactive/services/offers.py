"""Offers: accepted into an application (channel `proactive`), declined, lapsed, 公示 and
objections, granted; and the notification of a finished run's offers through the outbox."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.inputs import MaterialChoice, SubmissionInput
from kuaiban.applications.models import Application, Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.bundles.planning import bundle_plan, plan_for_answers
from kuaiban.bundles.selectors import bundle_get
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient, notify_send
from kuaiban.proactive.models import (
    DeliveryMode,
    Objection,
    ObjectionStatus,
    Offer,
    OfferStatus,
)
from kuaiban.proactive.rulefile import NEXT_MONTH_START
from kuaiban.proactive.selectors import subject_values
from kuaiban.shareddata.models import Enterprise, Person
from kuaiban.shareddata.selectors import lookup_enterprise, lookup_person

_NOTIFY_BATCH = 500
logger = logging.getLogger("kuaiban.proactive")


def offer_accept(*, actor: User, offer: Offer) -> Application:
    """确认办理: one application through `application_submit`, channel `proactive`, the form
    filled from shared data (and the rule's own `form` paths), no material that data gives.

    A material nobody can fill in for the person (neither shared data nor a commitment nor a
    later hand-in may replace it) makes the acceptance a 422 naming it: the person then
    applies through the ordinary journey."""
    rule = offer.version.definition
    service = rule.get("service") or {}
    if offer.status != OfferStatus.OFFERED:
        raise Conflict(
            f"该服务当前为“{offer.get_status_display()}”，不能再确认", code="offer_closed"
        )
    if offer.deadline is not None and offer.deadline < timezone.localdate():
        raise Conflict("已过确认截止日期", code="offer_lapsed")
    if "bundle" not in service:
        raise Unprocessable("该服务无需在线确认办理，请按提示到经办机构申领", code="no_bundle")
    data = _submission(actor=actor, offer=offer, service=service, rule=rule)
    with transaction.atomic():
        try:
            result = application_submit(actor=actor, data=data, idempotency_key=f"offer-{offer.pk}")
        except Unprocessable as error:
            # What data could not fill in: the person applies through the ordinary journey.
            asked = "；".join(m for messages in (error.fields or {}).values() for m in messages)
            raise Unprocessable(
                f"{asked or error.message}。请通过网上申请办理", code="more_needed"
            ) from error
        changed = Offer.objects.filter(pk=offer.pk, status=OfferStatus.OFFERED).update(
            status=OfferStatus.ACCEPTED,
            application=result.application,
            decided_at=timezone.now(),
        )
        if not changed:
            raise Conflict("该服务已被处理", code="offer_closed")
        audit_record(
            actor=actor,
            action=AuditAction.OFFER_ACCEPT,
            object_type="offer",
            object_id=str(offer.pk),
            changes={"application": result.application.number},
        )
    return result.application


def _submission(
    *, actor: User, offer: Offer, service: dict[str, Any], rule: dict[str, Any]
) -> SubmissionInput:
    bundle = bundle_get(pack_code=service["pack"], bundle_code=service["bundle"])
    lookup = (
        lookup_person(id_number=actor.id_number)
        if actor.role == Role.PERSON
        else lookup_enterprise(credit_code=actor.credit_code)
    )
    plan = bundle_plan(
        bundle=bundle,
        scenario_code=service["scenario"],
        optional_items=service.get("items", []),
        answers=service.get("answers", {}),
        profile=lookup.profile,
        applicant_kind=actor.role,
    )
    form: dict[str, Any] = {f.key: f.prefill for f in plan.fields if f.asked and f.prefill}
    about = subject_values(rule=rule, key=offer.about_key or offer.subject_key)
    for key, path in rule.get("form", {}).items():
        if path == NEXT_MONTH_START:
            form[key] = _next_month_start().isoformat()
        elif about.get(path) not in (None, ""):
            form[key] = str(about[path])
    plan = plan_for_answers(plan=plan, form=form, on=timezone.localdate())
    materials: dict[str, MaterialChoice] = {}
    missing = []
    held = tuple(rule.get("materials_held", []))
    for material in plan.materials:
        if not material.to_provide or material.code in held:
            continue
        if material.commitment_allowed:
            materials[material.code] = MaterialChoice(provide=Provision.COMMITMENT)
        elif material.gap_allowed:
            materials[material.code] = MaterialChoice(provide=Provision.GAP)
        else:
            missing.append(material.name)
    if missing:
        raise Unprocessable(
            f"还需要您上传{'、'.join(missing)}，请通过网上申请办理", code="materials_needed"
        )
    return SubmissionInput(
        pack=service["pack"],
        bundle=service["bundle"],
        scenario=service["scenario"],
        channel=Channel.PROACTIVE,
        items=list(service.get("items", [])),
        answers=dict(service.get("answers", {})),
        form=form,
        materials=materials,
        credit_commitment=True,
        held_materials=held,
    )


def _next_month_start() -> dt.date:
    return (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def offer_decline(*, actor: User, offer: Offer) -> Offer:
    with transaction.atomic():
        changed = Offer.objects.filter(pk=offer.pk, status=OfferStatus.OFFERED).update(
            status=OfferStatus.DECLINED, decided_at=timezone.now()
        )
        if not changed:
            raise Conflict(
                f"该服务当前为“{offer.get_status_display()}”，不能放弃", code="offer_closed"
            )
        audit_record(
            actor=actor,
            action=AuditAction.OFFER_DECLINE,
            object_type="offer",
            object_id=str(offer.pk),
        )
    offer.refresh_from_db()
    return offer


# ---------------------------------------------------------------------------------------------
# 公示 and objections
# ---------------------------------------------------------------------------------------------


def objection_file(*, actor: User | None, offer: Offer, text: str, contact: str) -> Objection:
    text = text.strip()
    if not text:
        raise Unprocessable("请填写异议的事实和理由", fields={"text": ["请填写异议内容"]})
    if offer.status != OfferStatus.PUBLICISED:
        raise Conflict("该对象不在公示期内", code="not_publicised")
    with transaction.atomic():
        objection = Objection.objects.create(
            offer=offer, text=text[:2000], contact=contact.strip()[:40], filed_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.OFFER_OBJECTION,
            object_type="offer",
            object_id=str(offer.pk),
        )
    return objection


def objection_decide(*, actor: User, objection: Objection, upheld: bool, note: str) -> Objection:
    """An officer's finding: upheld withdraws the offer; dismissed lets the 公示 run out."""
    now = timezone.now()
    status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    with transaction.atomic():
        changed = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=status, decided_by=actor, decided_at=now, decision_note=note.strip()[:2000]
        )
        if not changed:
            raise Conflict("该异议已处理", code="objection_closed")
        if upheld:
            Offer.objects.filter(pk=objection.offer_id, status=OfferStatus.PUBLICISED).update(
                status=OfferStatus.WITHDRAWN, decided_at=now
            )
        audit_record(
            actor=actor,
            action=AuditAction.OFFER_OBJECTION_DECIDE,
            object_type="offer",
            object_id=str(objection.offer_id),
            changes={"upheld": upheld},
        )
    objection.refresh_from_db()
    return objection


@dataclass(frozen=True)
class SweepCounts:
    lapsed: int
    granted: int

    def __str__(self) -> str:
        return f"逾期失效 {self.lapsed}，公示期满享受 {self.granted}"


def offers_sweep(*, today: dt.date | None = None) -> SweepCounts:
    """Set-based: confirm offers past their deadline lapse; 公示 past its end without an open
    objection is granted (an open objection holds it until an officer decides)."""
    today = today or timezone.localdate()
    now = timezone.now()
    lapsed = Offer.objects.filter(status=OfferStatus.OFFERED, deadline__lt=today).update(
        status=OfferStatus.LAPSED, decided_at=now
    )
    open_objection = Objection.objects.filter(offer=OuterRef("pk"), status=ObjectionStatus.OPEN)
    granted = (
        Offer.objects.filter(status=OfferStatus.PUBLICISED, publicity_until__lt=today)
        .exclude(Exists(open_objection))
        .update(status=OfferStatus.GRANTED, decided_at=now)
    )
    if granted:
        grants_pay(since=now)
    return SweepCounts(lapsed=lapsed, granted=granted)


def grants_pay(*, since: dt.datetime) -> int:
    """A granted money benefit becomes the application whose sub-case pays it (channel
    `proactive`, for the subject's own account): the service's bundle, or for a single item
    the bundle its `pays` names (`packs/proactive/shandong-2023-grants.yaml`), split and routed to the
    item's agency and decided by an officer like any other. A subject without an account
    stays granted for the agency to pay through its own system."""
    made = 0
    granted = Offer.objects.filter(
        status=OfferStatus.GRANTED, application__isnull=True, decided_at__gte=since
    ).select_related("version")
    for offer in granted:
        rule = offer.version.definition
        service = _paying_service(rule)
        if service is None:
            continue
        account = _account(offer)
        if account is None:
            continue
        try:
            data = _submission(actor=account, offer=offer, service=service, rule=rule)
            with transaction.atomic():
                result = application_submit(
                    actor=account, data=data, idempotency_key=f"offer-{offer.pk}"
                )
                Offer.objects.filter(pk=offer.pk).update(application=result.application)
        except ApiError as error:
            logger.warning("免申即享 %s 未能生成办件：%s", offer.pk, error.message)
            continue
        made += 1
    return made


def _paying_service(rule: dict[str, Any]) -> dict[str, Any] | None:
    """The bundle that pays a granted amount: the service itself, or its `pays`."""
    service = rule.get("service") or {}
    if rule.get("amount") is None:
        return None
    if "bundle" in service:
        return service
    pays = service.get("pays")
    return {**pays, "items": [], "answers": {}} if pays else None


def _account(offer: Offer) -> User | None:
    if offer.subject_kind == "person":
        accounts = User.objects.filter(role=Role.PERSON, id_number=offer.subject_key)
    else:
        accounts = User.objects.filter(role=Role.UNIT, credit_code=offer.subject_key)
    return accounts.filter(is_active=True).order_by("pk").first()


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------

_TOLD = {
    DeliveryMode.NOTIFY: "您可申请“{title}”。{summary}",
    DeliveryMode.CONFIRM: "您符合“{title}”的条件。{summary}请于{deadline}前登录快办确认办理。",
    DeliveryMode.GRANT: "您符合“{title}”的条件。{summary}",
}


def offers_notify(message: OutboxMessage) -> str:
    """The outbox handler of `proactive.notify`: tell each subject of a run's offers once."""
    run_id = int(message.payload["run"])
    told = 0
    while True:
        batch = list(
            Offer.objects.filter(run_id=run_id, notified_at__isnull=True)
            .select_related("version")
            .order_by("pk")[:_NOTIFY_BATCH]
        )
        if not batch:
            break
        contacts = _contacts({o.subject_key for o in batch})
        for offer in batch:
            rule = offer.version.definition
            text = _TOLD[DeliveryMode(rule["delivery"]["mode"])].format(
                title=rule["title"], summary=rule["summary"], deadline=offer.deadline
            )
            name, phone = contacts.get(offer.subject_key, ("", ""))
            notify_send(
                Notification(
                    key=f"offer-{offer.pk}",
                    subject="免申即办",
                    text=text,
                    recipients=(Recipient(name=name, phone=phone),),
                )
            )
        Offer.objects.filter(pk__in=[o.pk for o in batch]).update(notified_at=timezone.now())
        told += len(batch)
    return f"已通知 {told} 个服务对象"


def _contacts(keys: set[str]) -> dict[str, tuple[str, str]]:
    people = Person.objects.filter(id_number__in=keys).values_list("id_number", "name", "phone")
    units = Enterprise.objects.filter(credit_code__in=keys).values_list(
        "credit_code", "name", "phone"
    )
    return {key: (name, phone) for key, name, phone in [*people, *units]}

"""Submission (打包受理): one transaction makes the application, its sub-cases, the outbox
message and the audit row — or, on any error, nothing at all (files included)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kuaiban.accounts.authorisations import Act, authorisation_for
from kuaiban.accounts.models import Role, User
from kuaiban.applications.crossregion import cross_region_require, handling_region_resolve
from kuaiban.applications.hooks import (
    casework,
    commitment_control,
    home_visits,
    submission_refusals,
    window_visits,
)
from kuaiban.applications.identity import Identity, identity_apply
from kuaiban.applications.inputs import SubmissionInput
from kuaiban.applications.materials import MaterialDecision, materials_decide, materials_store
from kuaiban.applications.models import (
    ApplicantKind,
    Application,
    ApplicationCommitment,
    ApplicationMaterial,
    Channel,
    CommitmentKind,
    SharedDataUse,
)
from kuaiban.applications.numbering import application_number_take
from kuaiban.applications.snapshot import plan_snapshot
from kuaiban.applications.validation import form_clean, form_crosscheck
from kuaiban.bundles.planning import Plan, bundle_plan, burden_as_submitted, plan_for_answers
from kuaiban.bundles.selectors import bundle_cached
from kuaiban.calendar.selectors import calendar_cached
from kuaiban.catalogue.models import Agency, Region, commitment_texts_current
from kuaiban.catalogue.routing import RoutingTable, routes_require
from kuaiban.core.audit import audit_record
from kuaiban.core.bulk import rows_insert, rows_insert_many
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.core.masking import mask_id_number
from kuaiban.core.metrics import submission_count
from kuaiban.core.models import AuditAction, AuditEvent
from kuaiban.core.policy_cache import policy_generation
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_message_new
from kuaiban.shareddata.audit import shared_data_read_audit
from kuaiban.shareddata.connectors import SharedProfile
from kuaiban.shareddata.selectors import lookup_enterprise, lookup_person

CREDIT_COMMITMENT_TEXT = (
    "本人（单位）承诺所填信息和提供的材料真实、准确、完整，如有虚假，愿承担相应法律责任，"
    "并退回违规领取的资金、接受失信惩戒。"
)
HOME_VISIT_NOTE = "上门办：综合柜员在申请人家中受理"
NOTIFICATION_COMMITMENT_TEXT = (
    "本人（单位）已知晓该证明的要求，承诺符合条件；如承诺不实，愿承担相应责任。"
)


@dataclass(frozen=True)
class Applicant:
    kind: ApplicantKind
    account: User | None
    name: str
    id_number: str
    credit_code: str
    phone: str
    region: Region
    agent: User | None = None  # 亲情代办: the family member applying under an authorisation
    # 跨省通办 / 全省通办: where it was received, when ``region`` (the 办理地) is another place.
    received_region: Region | None = None


@dataclass(frozen=True)
class HeldRows:
    """What one submission wrote besides the application, as `access_application` prefetches."""

    subcases: list[Any]  # the sub-cases (kuaiban.cases), as `Casework.create` gave them
    materials: list[ApplicationMaterial]
    commitments: list[ApplicationCommitment]
    shared_data_uses: list[SharedDataUse]


@dataclass(frozen=True)
class SubmitResult:
    application: Application
    created: bool
    shared_data_notice: str = ""
    # The rows the submission wrote, for an answer without reading them back; None for a
    # replay or when a sub-case was approved at once (the stored rows moved on).
    held: HeldRows | None = None


def application_submit(
    *, actor: User, data: SubmissionInput, idempotency_key: str = ""
) -> SubmitResult:
    """Validate everything first, then store everything in one transaction.

    A retry with the first request's ``Idempotency-Key`` is answered with the first
    application (or a 409 when the key came with another request). It is not looked up
    beforehand — a new submission spends no query on it — but when the submission cannot be
    stored: the key's unique constraint refuses the row, or the retry no longer validates (the
    first one did). Two retries at the same moment end the same way: the loser hits the
    constraint and answers with the winner's application."""
    fingerprint = data.fingerprint()
    try:
        return _submit_new(actor, data, idempotency_key, fingerprint)
    except (ApiError, IntegrityError):
        replay = (
            _idempotent_replay(actor, idempotency_key, fingerprint) if idempotency_key else None
        )
        if replay is None:
            raise
        return SubmitResult(application=replay, created=False)


def _submit_new(
    actor: User, data: SubmissionInput, idempotency_key: str, fingerprint: str
) -> SubmitResult:
    applicant = _applicant_resolve(actor=actor, data=data)
    handling = handling_region_resolve(code=data.handling_region, received=applicant.region)
    if handling != applicant.region:
        # Received here, handled there: the bundle, its standards and the routes are the
        # handling region's (同标准办理); the items are checked against its packs below.
        applicant = replace(applicant, region=handling, received_region=applicant.region)
    lookup = (
        lookup_person(id_number=applicant.id_number)
        if applicant.kind == ApplicantKind.PERSON
        else lookup_enterprise(credit_code=applicant.credit_code)
    )
    # Static policy data comes from this process's cache, checked against one generation read:
    # the most local pack covering the applicant's region (a 济南 applicant asking for the
    # Shandong pack gets 济南's, which holds all its bundles); a place's pack elsewhere: 422.
    generation = policy_generation()
    policy = bundle_cached(
        pack_code=data.pack,
        bundle_code=data.bundle,
        region_id=applicant.region.pk,
        generation=generation,
    )
    start = timezone.now()
    plan = bundle_plan(
        bundle=policy.bundle,
        scenario_code=data.scenario,
        optional_items=data.items,
        answers=data.answers,
        profile=lookup.profile,
        applicant_kind=applicant.kind,
        start=start,
        speedups=policy.speedups,
        calendar=calendar_cached(since=timezone.localtime(start).date(), generation=generation),
    )
    if plan.scenario.target not in (applicant.kind, "both"):
        raise Unprocessable(
            "办事对象不符",
            fields={"scenario": [f"该场景的办事对象是{plan.scenario.get_target_display()}"]},
        )
    items = [
        bi.item
        for bi in plan.scenario.bundle_items.all()
        if bi.item.code in {s.code for s in plan.subitems}
    ]
    agencies = routes_require(
        table=RoutingTable.cached(applicant.region, generation=generation), items=items
    )
    if applicant.received_region is not None:
        cross_region_require(
            received=applicant.received_region, handling=applicant.region, items=items
        )
    given = dict(data.form)
    errors = identity_apply(
        identity=_identity(actor, applicant), form=given, asked={f.key for f in plan.fields}
    )
    form, form_errors = form_clean(fields=plan.fields, data=given)
    if not form_errors:
        form_errors = form_crosscheck(plan=plan, clean=form, on=timezone.localdate())
        form_errors |= submission_refusals(plan=plan, form=form)
        # Only what the answers make necessary is listed, required and stored.
        plan = plan_for_answers(plan=plan, form=form, on=timezone.localdate())
    errors = form_errors | errors
    held = data.held_materials if data.channel == Channel.PROACTIVE else ()
    decisions, material_errors = materials_decide(plan=plan, choices=data.materials, held=held)
    errors.update(material_errors)
    if plan.credit_commitment_required and not data.credit_commitment:
        errors["credit_commitment"] = ["所办事项涉及资金支付，请阅读并勾选信用承诺"]
    committed = [d.material.code for d in decisions if d.provision == "commitment"]
    control = commitment_control()
    if committed and control is not None:
        # A person or unit with a 失信 record may no longer commit on the items the bureau sets.
        errors.update(
            control.refusals(
                id_number=applicant.id_number,
                credit_code=applicant.credit_code,
                items=[s.code for s in plan.subitems],
                materials=committed,
            )
        )
    if errors:
        raise Unprocessable("申请内容有误，请按提示修改", fields=errors)
    application, rows = _store(
        actor,
        data,
        applicant,
        plan,
        agencies,
        form,
        decisions,
        lookup.profile,
        lookup.connector,
        policy.prefill_paths,
        idempotency_key,
        fingerprint,
    )
    submission_count(pack=data.pack, channel=str(application.channel))
    return SubmitResult(
        application=application, created=True, shared_data_notice=lookup.notice, held=rows
    )


def _identity(actor: User, applicant: Applicant) -> Identity:
    """What the form must agree with: all a clerk registered for a walk-in; an applicant's
    own account binds its identifier (its display name need not be the legal name)."""
    person = applicant.kind == ApplicantKind.PERSON
    if actor.role != Role.CLERK:
        return Identity(
            person=person, id_number=applicant.id_number, credit_code=applicant.credit_code
        )
    return Identity(
        person=person,
        name=applicant.name,
        id_number=applicant.id_number,
        credit_code=applicant.credit_code,
        phone=applicant.phone,
    )


def _idempotent_replay(actor: User, key: str, fingerprint: str) -> Application | None:
    existing = Application.objects.filter(submitted_by=actor, idempotency_key=key).first()
    if existing is not None and existing.request_hash != fingerprint:
        raise Conflict("该 Idempotency-Key 已用于另一份不同的申请", code="idempotency_key_reused")
    return existing


def _applicant_resolve(*, actor: User, data: SubmissionInput) -> Applicant:
    given = data.applicant
    if actor.role == Role.CLERK:
        return _walk_in(actor=actor, data=data)
    if data.channel == Channel.WINDOW:
        raise ApiError("只有综合柜员可以通过窗口渠道受理", code="forbidden", status=403)
    if actor.role not in (Role.PERSON, Role.UNIT):
        raise ApiError("当前账号不能提交申请", code="forbidden", status=403)
    if actor.region is None:
        raise Unprocessable(
            "账号未设置所属地区，请联系经办机构", fields={"applicant": ["账号未设置所属地区"]}
        )
    person = actor.role == Role.PERSON
    own = actor.id_number if person else actor.credit_code
    named = given.id_number if person else given.credit_code
    if named and named.upper() != own.upper():
        if person:
            acting = _acting_for(actor=actor, id_number=named.upper(), phone=given.phone)
            if acting is not None:
                return acting
        # Applying for somebody else is the clerk's job, or a family member's under an
        # authorisation (亲情代办); otherwise it is refused.
        raise Unprocessable(
            "只能为本人（本单位）或授权您代办的家人申请",
            fields={"applicant": ["只能为本人（本单位）或授权您代办的家人申请"]},
        )
    return Applicant(
        kind=ApplicantKind.PERSON if person else ApplicantKind.UNIT,
        account=actor,
        name=actor.display_name or actor.username,
        id_number=actor.id_number.upper() if person else "",
        credit_code="" if person else actor.credit_code.upper(),
        phone=given.phone or actor.phone,
        region=actor.region,
    )


def _acting_for(*, actor: User, id_number: str, phone: str) -> Applicant | None:
    """The person who authorised ``actor`` to apply for them (亲情代办), today, or None."""
    grantor = User.objects.filter(role=Role.PERSON, id_number=id_number).first()
    found = authorisation_for(
        agent=actor, grantor_id=grantor.pk if grantor else None, act=Act.APPLY
    )
    if grantor is None or found is None or grantor.region is None:
        return None
    return Applicant(
        kind=ApplicantKind.PERSON,
        account=grantor,
        name=grantor.display_name or grantor.username,
        id_number=grantor.id_number.upper(),
        credit_code="",
        phone=phone or grantor.phone,
        region=grantor.region,
        agent=actor,
    )


def _walk_in(*, actor: User, data: SubmissionInput) -> Applicant:
    given = data.applicant
    if data.channel != Channel.WINDOW:
        raise Unprocessable(
            "综合柜员代为受理时，渠道应为 window", fields={"channel": ["应为 window"]}
        )
    if actor.region is None:
        raise Unprocessable(
            "柜员账号未设置所属地区", fields={"applicant": ["柜员账号未设置所属地区"]}
        )
    errors: dict[str, list[str]] = {}
    if not given.name.strip():
        errors["applicant.name"] = ["请填写申请人姓名或单位名称"]
    if given.id_number:
        if problem := id_number_error(given.id_number):
            errors["applicant.id_number"] = [problem]
    elif given.credit_code:
        if problem := credit_code_error(given.credit_code):
            errors["applicant.credit_code"] = [problem]
    else:
        errors["applicant.id_number"] = ["请核验并填写申请人的居民身份证号或统一社会信用代码"]
    if errors:
        raise Unprocessable("申请人信息有误", fields=errors)
    person = bool(given.id_number)
    identifier = (given.id_number or given.credit_code).upper()
    account = User.objects.filter(
        **({"id_number": identifier} if person else {"credit_code": identifier}),
        role=Role.PERSON if person else Role.UNIT,
    ).first()
    return Applicant(
        kind=ApplicantKind.PERSON if person else ApplicantKind.UNIT,
        account=account,
        name=given.name.strip(),
        id_number=identifier if person else "",
        credit_code="" if person else identifier,
        phone=given.phone,
        region=actor.region,
    )


def _store(
    actor: User,
    data: SubmissionInput,
    applicant: Applicant,
    plan: Plan,
    agencies: dict[int, Agency],
    form: dict[str, str],
    decisions: list[MaterialDecision],
    profile: SharedProfile | None,
    connector: str,
    prefill_paths: dict[str, str],
    key: str,
    fingerprint: str,
) -> tuple[Application, HeldRows | None]:
    """A few bulk INSERTs in one transaction. The day's number is taken as late as possible
    (`application_number_take`): the rows that do not show it are written first under a
    placeholder, so submissions of one region hold the number's row only for the last few
    statements and the commit."""
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            application = _application_create(actor, data, applicant, plan, form, key, fingerprint)
            commitments = _commitments_build(actor, application, applicant, decisions, plan, data)
            uses = _shared_uses_build(application, profile, connector, plan, prefill_paths)
            subcases = casework().build(application=application, plan=plan, agencies=agencies)
            rows_insert_many([commitments, uses, subcases])
            application.number = application_number_take(
                pk=application.pk,
                region_code=(applicant.received_region or applicant.region).code,
                day=timezone.localdate(application.submitted_at),
            )
            materials, stored_files = materials_store(application=application, decisions=decisions)
            control = commitment_control()
            if control is not None and any(c.material_code for c in commitments):
                control.committed(
                    application=application, commitments=commitments, subcases=subcases
                )
            moved_on = casework().open(subcases=subcases)
            message = outbox_message_new(
                kind=OutboxKind.APPLICATION_SUBMITTED,
                key=f"application.submitted:{application.number}",
                payload={"number": application.number, "bundle": plan.bundle.name},
            )
            rows_insert_many(
                [[message], _audit_events(actor, data, applicant, profile, application)]
            )
            home = home_visits()
            if data.home_visit is not None:
                if home is None or actor.role != Role.CLERK:
                    raise Unprocessable("只有综合柜员可以上门受理", fields={"home_visit": ["无效"]})
                home.applied(clerk=actor, application=application, visit_id=data.home_visit)
            visits = window_visits()
            if actor.role == Role.CLERK and visits is not None:
                # 一次一评: the walk-in may rate this window visit as well as the case, whether
                # the clerk used the window screens or the API.
                visits.record(clerk=actor, application=application)
    except BaseException:
        # Nothing from a failed submission stays stored: the rows rolled back, the files go too.
        from django.core.files.storage import default_storage

        for name in stored_files:
            default_storage.delete(name)
        raise
    if moved_on:
        return application, None
    return application, HeldRows(subcases, materials, commitments, uses)


def _audit_events(
    actor: User,
    data: SubmissionInput,
    applicant: Applicant,
    profile: SharedProfile | None,
    application: Application,
) -> list[AuditEvent]:
    events = []
    if profile is not None:
        events.append(
            shared_data_read_audit(
                actor=actor,
                profile=profile,
                id_number=applicant.id_number,
                credit_code=applicant.credit_code,
                purpose="application.submit",
                number=application.number,
                save=False,
            )
        )
    events.append(
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_SUBMIT,
            object_type="application",
            object_id=application.number,
            changes={
                "channel": data.channel,
                "applicant": mask_id_number(applicant.id_number or applicant.credit_code),
                **(
                    {"acted_for": f"{_name(applicant.agent)} 代 {applicant.name} 办理"}
                    if applicant.agent
                    else {}
                ),
            },
            save=False,
        )
    )
    return events


def _name(user: User) -> str:
    return user.display_name or user.username


def _application_create(
    actor: User,
    data: SubmissionInput,
    applicant: Applicant,
    plan: Plan,
    form: dict[str, str],
    key: str,
    fingerprint: str,
) -> Application:
    assert plan.promised_due_at is not None  # strict plans always have dates
    (application,) = rows_insert(
        [
            Application(
                # Replaced by the day's number before the commit (`_store`); never seen outside.
                number=f"~{uuid.uuid4().hex[:23]}",
                pack=plan.bundle.pack,
                bundle=plan.bundle,
                scenario=plan.scenario,
                snapshot=plan_snapshot(plan).to_dict(),
                applicant_kind=applicant.kind,
                applicant=applicant.account,
                applicant_name=applicant.name,
                applicant_id_number=applicant.id_number,
                applicant_credit_code=applicant.credit_code,
                # A person's own form gives their phone when the account or the window has none, so
                # notices and the window-visit rating link reach them; a unit's form names an employee.
                applicant_phone=applicant.phone
                or (form.get("phone", "") if applicant.kind == ApplicantKind.PERSON else ""),
                region=applicant.region,
                received_region=applicant.received_region,
                channel=data.channel,
                submitted_by=actor,
                agent=applicant.agent,
                note=HOME_VISIT_NOTE if data.home_visit is not None else data.note,
                answers=data.answers,
                items=[s.code for s in plan.subitems],
                form=form,
                burden={
                    k: {"separate": v.separate, "bundled": v.bundled}
                    for k, v in burden_as_submitted(
                        plan.burden, visited=data.channel == Channel.WINDOW
                    ).items()
                },
                promised_due_at=plan.promised_due_at,
                idempotency_key=key,
                request_hash=fingerprint,
            )
        ]
    )
    return application


def _commitments_build(
    actor: User,
    application: Application,
    applicant: Applicant,
    decisions: list[MaterialDecision],
    plan: Plan,
    data: SubmissionInput,
) -> list[ApplicationCommitment]:
    """The signatures (unsaved): who, when, and the published 告知承诺书 text and version
    they signed."""
    committed = [d.material for d in decisions if d.provision == "commitment"]
    texts = commitment_texts_current([m.code for m in committed]) if committed else {}
    rows = []
    for material in committed:
        published = texts.get(material.code)
        rows.append(
            ApplicationCommitment(
                application=application,
                kind=CommitmentKind.NOTIFICATION,
                material_code=material.code,
                text=f"{material.name}：{published.full_text if published else NOTIFICATION_COMMITMENT_TEXT}",
                text_version=published.version if published else "",
                signer=applicant.name,
                signed_by=actor,
            )
        )
    if plan.credit_commitment_required and data.credit_commitment:
        rows.append(
            ApplicationCommitment(
                application=application,
                kind=CommitmentKind.CREDIT,
                text=CREDIT_COMMITMENT_TEXT,
                signer=applicant.name,
                signed_by=actor,
            )
        )
    return rows


def _shared_uses_build(
    application: Application,
    profile: SharedProfile | None,
    connector: str,
    plan: Plan,
    prefill_paths: dict[str, str],
) -> list[SharedDataUse]:
    """Which record of which source filled which field and replaced which material (unsaved)."""
    if profile is None:
        return []
    prefilled = [f.key for f in plan.fields if f.prefill is not None]
    paths = {key: prefill_paths.get(key, "") for key in prefilled}
    uses = []
    for ref in profile.records:
        fields = [key for key in prefilled if paths.get(key, "").split(".", 1)[0] == ref.source]
        materials = [
            m.code for m in plan.materials if m.from_shared_data and m.shared_source == ref.source
        ]
        if fields or materials:
            uses.append(
                SharedDataUse(
                    application=application,
                    source=ref.source,
                    connector=ref.connector or connector,
                    record=ref.record,
                    used_for={"fields": fields, "materials": materials},
                )
            )
    return uses


def submitted_application(result: SubmitResult) -> Application | None:
    """The new application with its rows attached as `access_application` prefetches them (in
    its order), so its answer is built without reading back; None when it must be read."""
    if result.held is None:
        return None
    application = result.application
    held = result.held
    rows: dict[str, list[Any]] = {
        "subcases": sorted(held.subcases, key=lambda s: (s.stage, s.pk)),
        "materials": held.materials,
        "commitments": held.commitments,
        "shared_data_uses": held.shared_data_uses,
    }
    cache = {}
    for name, values in rows.items():
        for value in values:
            value.application = application
        queryset = getattr(application, name).all()
        queryset._result_cache = values  # what prefetch_related stores
        queryset._prefetch_done = True
        cache[name] = queryset
    application._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return application

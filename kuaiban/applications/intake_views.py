"""The guided intake (情形引导 → 一张表单 → 一套材料 → 核对并提交), for applicants and clerks.

GOV.UK patterns: one question per page where it helps, an error summary at the top with
links to the fields, a check-your-answers step, and a confirmation page with the number.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.acting import acting_choices, acting_choose, acting_for
from kuaiban.applications.channels import web_channel
from kuaiban.applications.identity import identity_of
from kuaiban.applications.inputs import ApplicantInput, MaterialChoice, SubmissionInput
from kuaiban.applications.intake_state import (
    IntakeState,
    state_clear,
    state_load,
    state_save,
    walk_in_clear,
    walk_in_home_visit,
    walk_in_load,
)
from kuaiban.applications.models import Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.applications.uploads import ALLOWED_LABEL
from kuaiban.applications.validation import form_clean, form_crosscheck
from kuaiban.bundles.models import Bundle, Pack
from kuaiban.bundles.planning import (
    Plan,
    PlanField,
    bundle_plan,
    plan_for_answers,
    required_groups_unchosen,
)
from kuaiban.bundles.selectors import (
    bundle_get,
    pack_for_region,
    pack_local_limits,
    packs_for_region,
)
from kuaiban.catalogue.models import Region, commitment_texts_current
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.shareddata.audit import shared_data_read_audit
from kuaiban.shareddata.selectors import LookupResult, lookup_enterprise, lookup_person

View = Callable[..., HttpResponse]
_APPLYING_ROLES = {Role.PERSON, Role.UNIT, Role.CLERK}


def applying(view: View) -> View:
    """Log-in required; only applicants and window clerks apply; bad input becomes a page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role not in _APPLYING_ROLES:
            return render(
                request, "intake/problem.html", {"message": "当前账号不能办理申请。"}, status=403
            )
        if user.role == Role.CLERK and not walk_in_load(request):
            return HttpResponseRedirect(reverse("intake:window"))
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except ApiError as exc:
            return render(
                request, "intake/problem.html", {"message": exc.message}, status=exc.status
            )

    return wrapper


def _target(user: User, walk_in: dict[str, str] | None = None) -> set[str]:
    """The bundle targets this applicant may apply for; a clerk applies for the walk-in."""
    if user.role == Role.CLERK:
        if walk_in and walk_in.get("credit_code") and not walk_in.get("id_number"):
            return {"unit", "both"}
        if walk_in and walk_in.get("id_number"):
            return {"person", "both"}
        return {"person", "unit", "both"}
    return {"person" if user.role == Role.PERSON else "unit", "both"}


def _packs_for(user: User, region_id: int | None) -> list[Pack]:
    """The policy packs that apply where the application is handled (the user's region; a
    clerk's: where the window is, or the walk-in's 办理地): the most local pack covering the
    region, not the province's pack it extends.

    Without a region on the account every province's pack is offered, rather than none.
    """
    return packs_for_region(region_id=region_id)


def _handling_region_id(request: HttpRequest) -> int | None:
    """Where the application will be handled: the walk-in's 办理地 (跨省通办 / 全省通办) when the
    clerk chose one, else the user's own region."""
    user = _user(request)
    code = _walk_in(request).get("handling_region", "")
    if code:
        found = Region.objects.filter(code=code).first()
        if found is not None:
            return found.pk
    grantor = _acting(request)
    return grantor.region_id if grantor is not None else user.region_id


def _acting(request: HttpRequest) -> User | None:
    """The family member this person is applying for (亲情代办), or None for themselves."""
    user = _user(request)
    return acting_for(request, user) if user.role == Role.PERSON else None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # `applying` lets only signed-in applicants and clerks in
    return user


def _walk_in(request: HttpRequest) -> dict[str, str]:
    """The walk-in applicant a clerk is serving; nobody for anyone else."""
    return walk_in_load(request) if _user(request).role == Role.CLERK else {}


def _walk_in_applicant(walk_in: dict[str, str]) -> ApplicantInput:
    """The walk-in as the submission names them (the 办理地 travels beside it)."""
    keys = ("id_number", "credit_code", "name", "phone")
    return ApplicantInput(**{k: walk_in[k] for k in keys if k in walk_in})


def _url(name: str, pack: str, bundle: str) -> str:
    return reverse(f"intake:{name}", args=[pack, bundle])


def _lookup(request: HttpRequest) -> LookupResult:
    user = request.user
    assert isinstance(user, User)
    walk_in = walk_in_load(request) if user.role == Role.CLERK else {}
    grantor = _acting(request)
    own = grantor.id_number if grantor is not None else user.id_number
    id_number = walk_in.get("id_number", "") if walk_in else own
    credit_code = walk_in.get("credit_code", "") if walk_in else user.credit_code
    result = (
        lookup_person(id_number=id_number)
        if id_number
        else lookup_enterprise(credit_code=credit_code)
    )
    if result.profile is not None:
        # Reads of personal data are audited, the clerk's for a walk-in above all.
        shared_data_read_audit(
            actor=user,
            profile=result.profile,
            id_number=id_number,
            credit_code=credit_code,
            purpose="intake",
        )
    return result


def _applicant_kind(request: HttpRequest) -> str:
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.CLERK:
        return "person" if walk_in_load(request).get("id_number") else "unit"
    return "person" if user.role == Role.PERSON else "unit"


def _plan(request: HttpRequest, bundle: Bundle, state: IntakeState, lookup: LookupResult) -> Plan:
    plan = bundle_plan(
        bundle=bundle,
        scenario_code=state.scenario,
        optional_items=state.items,
        answers=state.answers,
        profile=lookup.profile,
        applicant_kind=_applicant_kind(request),
    )
    # Once the form is answered, the materials step lists only what the answers make necessary.
    return plan_for_answers(plan=plan, form=state.form, on=timezone.localdate())


def _settled(plan: Plan, clean: dict[str, str]) -> list[tuple[str, str]]:
    """What the applicant is not asked, and why: (label, value or who gives it)."""
    labels = {f.key: f.label for f in plan.fields}
    rows = []
    for f in plan.settled_fields:
        if f.not_applicable:
            rows.append((f.label, f"不适用：{f.not_applicable}"))
        elif f.fixed is not None:
            rows.append((f.label, f"{f.fixed}（由所选情形确定）"))
        elif f.same_as:
            same = f"同“{labels.get(f.same_as, f.same_as)}”"
            value = clean.get(f.key)
            rows.append((f.label, f"{value}（{same}）" if value else same))
        elif f.prefill:
            rows.append((f.label, f"{f.prefill}（取自用人单位记录）"))
        else:
            rows.append((f.label, "由用人单位提供，经办机构向单位核实，您无需填写"))
    return rows


def _identity_values(request: HttpRequest, plan: Plan) -> dict[str, str]:
    """The form fields the registered identity answers: shown filled in and read-only."""
    user = request.user
    assert isinstance(user, User)
    grantor = _acting(request)
    identity = identity_of(
        person=user.role == Role.PERSON,
        id_number=grantor.id_number if grantor is not None else user.id_number,
        credit_code=user.credit_code,
        walk_in=walk_in_load(request) if user.role == Role.CLERK else {},
    )
    return identity.form_values({f.key for f in plan.fields})


@applying
def start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    walk_in = _walk_in(request)
    choices = acting_choices(user)
    if request.method == "POST":  # 为谁办理 (亲情代办): the choice is checked, then kept
        acting_choose(request, user, request.POST.get("acting_for", "self"))
        return HttpResponseRedirect(reverse("intake:start"))
    acting = _acting(request)
    targets = _target(user, walk_in)
    packs = [
        (
            p,
            [b for b in p.bundles.order_by("position") if b.target in targets],
            pack_local_limits(pack=p),
        )
        for p in _packs_for(user, _handling_region_id(request))
    ]
    return render(
        request,
        "intake/start.html",
        {"packs": packs, "walk_in": walk_in, "acting_choices": choices, "acting": acting},
    )


@applying
def scenario(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    user_region = _handling_region_id(request)
    if user_region is not None:
        local = pack_for_region(pack=found.pack, region_id=user_region)
        if local.pk != found.pack_id:  # the applicant's own place has its pack: use it
            return HttpResponseRedirect(_url("scenario", local.code, bundle))
    state = state_load(request, pack=pack, bundle=bundle)
    user = request.user
    assert isinstance(user, User)
    choices = _scenario_choices(found, user, _walk_in(request))
    if not choices:
        raise ApiError("您的账号类型不能办理这件事", status=403)
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("scenario", "")
        if chosen in {s.code for s in choices}:
            if chosen != state.scenario:
                state = IntakeState(scenario=chosen)
            state_save(request, pack=pack, bundle=bundle, state=state)
            return HttpResponseRedirect(_url("questions", pack, bundle))
        error = "请选择您的办事情形"
    elif len(choices) == 1:
        if state.scenario != choices[0].code:
            state = IntakeState(scenario=choices[0].code)
            state_save(request, pack=pack, bundle=bundle, state=state)
        return HttpResponseRedirect(_url("questions", pack, bundle))
    return render(
        request,
        "intake/scenario.html",
        {
            "bundle": found,
            "choices": choices,
            "state": state,
            "error": error,
            "progress": _progress(request, found, state, "scenario"),
        },
    )


_STEPS = [
    ("scenario", "选择情形"),
    ("questions", "回答问题"),
    ("items", "确认事项"),
    ("form", "填写表单"),
    ("submit", "核对并提交"),
]


def _progress(
    request: HttpRequest, found: Bundle, state: IntakeState, current: str
) -> dict[str, Any]:
    """Where the applicant is (第 N 步，共 M 步) and the way back; steps with nothing to ask
    for this applicant (one scenario, no questions) are not counted."""
    scenarios = _scenario_choices(found, _user(request), _walk_in(request))
    steps = [
        (name, label)
        for name, label in _STEPS
        if not (name == "scenario" and len(scenarios) <= 1)
        and not (name == "questions" and not _asks_questions(found, state))
    ]
    names = [name for name, _ in steps]
    index = names.index(current) if current in names else 0
    pack, bundle = found.pack.code, found.code
    back = (
        _url(names[index - 1], pack, bundle)
        if index > 0
        else reverse("guides:bundle", args=[pack, bundle])
    )
    return {
        "number": index + 1,
        "total": len(steps),
        "labels": [label for _, label in steps],
        "current": steps[index][1] if steps else "",
        "back": back,
        "back_label": "返回上一步" if index > 0 else "返回办事指南",
    }


def _asks_questions(found: Bundle, state: IntakeState) -> bool:
    """Before a scenario is chosen, whether the bundle asks any; after, whether this one does."""
    return bool(_questions(found, state) if state.scenario else list(found.questions.all()))


def _scenario_choices(
    found: Bundle, user: User, walk_in: dict[str, str] | None = None
) -> list[Any]:
    return [s for s in found.scenarios.all() if s.target in _target(user, walk_in)]


def _questions(found: Bundle, state: IntakeState) -> list[Any]:
    scenario = next((s for s in found.scenarios.all() if s.code == state.scenario), None)
    if scenario is None:
        return []
    used = {bi.when for bi in scenario.bundle_items.all() if bi.when}
    return [q for q in found.questions.all() if q.key in used]


@applying
def questions(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    if not state.scenario:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    asked = _questions(found, state)
    if not asked:
        return HttpResponseRedirect(_url("items", pack, bundle))
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = {}
        for q in asked:
            value = request.POST.get(q.key)
            if value not in ("yes", "no"):
                errors[q.key] = "请选择“是”或“否”"
            answers[q.key] = value == "yes"
        if not errors:
            state.answers, state.items_chosen = answers, False
            state_save(request, pack=pack, bundle=bundle, state=state)
            return HttpResponseRedirect(_url("items", pack, bundle))
    return render(
        request,
        "intake/questions.html",
        {
            "bundle": found,
            "questions": asked,
            "state": state,
            "errors": errors,
            "progress": _progress(request, found, state, "questions"),
        },
    )


@applying
def items(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    scenario = next((s for s in found.scenarios.all() if s.code == state.scenario), None)
    if scenario is None:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    kind = _applicant_kind(request)
    rows = [bi for bi in scenario.bundle_items.all() if bi.required or bi.offered_to(kind)]
    optional = [bi for bi in rows if not bi.required]
    error = ""
    if request.method == "POST":
        ticked = [
            c for c in request.POST.getlist("items") if c in {bi.item.code for bi in optional}
        ]
        chosen = [bi for bi in rows if bi.required or bi.item.code in ticked]
        unchosen = required_groups_unchosen(rows, chosen)
        if unchosen:
            error = f"“{unchosen[0]}”为必做事项，请至少勾选其中一项"
        elif not ticked and not any(bi.required for bi in rows):
            error = "这件事的事项均为可选，请至少勾选一项"
        else:
            # Ticks decide; answers only pre-tick the boxes on the first visit.
            state.items, state.answers, state.items_chosen = ticked, {}, True
            state_save(request, pack=pack, bundle=bundle, state=state)
            return HttpResponseRedirect(_url("form", pack, bundle))
    if state.items_chosen:
        ticked_now = set(state.items)
    else:
        ticked_now = {bi.item.code for bi in optional if bi.when and state.answers.get(bi.when)}
    return render(
        request,
        "intake/items.html",
        {
            "bundle": found,
            "scenario": scenario,
            "required": [bi for bi in rows if bi.required],
            "optional": optional,
            "ticked": ticked_now,
            "error": error,
            "progress": _progress(request, found, state, "items"),
        },
    )


@applying
def form_page(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    if not state.scenario:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    user = request.user
    assert isinstance(user, User)
    lookup = _lookup(request)
    plan = _plan(request, found, state, lookup)
    errors: dict[str, list[str]] = {}
    locked = _identity_values(request, plan)
    values = {f.key: state.form.get(f.key) or f.prefill or "" for f in plan.asked_fields} | locked
    clean, _errors = form_clean(fields=plan.fields, data=state.form | locked)
    if request.method == "POST":
        submitted = {f.key: request.POST.get(f.key, "") for f in plan.asked_fields} | locked
        clean, errors = form_clean(fields=plan.fields, data=submitted)
        if not errors:
            # The answers against each other (e.g. the retirement date against the age rules),
            # here already, so the applicant corrects them on this page.
            errors = form_crosscheck(plan=plan, clean=clean, on=timezone.localdate())
        values = submitted
        if not errors:
            state.form = {k: v for k, v in submitted.items() if v}
            state_save(request, pack=pack, bundle=bundle, state=state)
            return HttpResponseRedirect(_url("submit", pack, bundle))
    field_errors = {k.removeprefix("form."): v for k, v in errors.items()}
    return render(
        request,
        "intake/form.html",
        {
            "bundle": found,
            "plan": plan,
            "values": values,
            "errors": field_errors,
            "summary": error_summary(plan.fields, field_errors),
            "notice": lookup.notice,
            "settled": _settled(plan, clean),
            "locked": locked,
            "walk_in": walk_in_load(request) if user.role == Role.CLERK else {},
            "acting": _acting(request),
            "progress": _progress(request, found, state, "form"),
        },
    )


def _named(label: str, message: str) -> str:
    """An error line that names its question, as the error summary must."""
    return message if label in message else f"{label}：{message}"


def error_summary(fields: list[PlanField], errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(field key, message naming the field) for the summary, in the form's order."""
    labels = {f.key: f.label for f in fields}
    ordered = [f.key for f in fields if f.key in errors] + [k for k in errors if k not in labels]
    return [(key, _named(labels.get(key, key), errors[key][0])) for key in ordered]


def _material_choices(request: HttpRequest, plan: Plan) -> dict[str, MaterialChoice]:
    choices: dict[str, MaterialChoice] = {}
    for m in plan.materials:
        if not m.to_provide:
            continue
        how = request.POST.get(f"provide.{m.code}", "upload")
        upload = request.FILES.get(f"file.{m.code}")
        if how == "commitment":
            choices[m.code] = MaterialChoice(provide=Provision.COMMITMENT)
        elif how == "gap":
            choices[m.code] = MaterialChoice(provide=Provision.GAP)
        elif upload is not None:
            choices[m.code] = MaterialChoice(provide=Provision.UPLOADED, upload=upload)
    return choices


@applying
def submit(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    if not state.scenario:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    user = request.user
    assert isinstance(user, User)
    lookup = _lookup(request)
    plan = _plan(request, found, state, lookup)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        walk_in = walk_in_load(request) if user.role == Role.CLERK else {}
        grantor = _acting(request)
        # 亲情代办: the grantor is named as the API names them; the service checks the
        # authorisation again and records who acted for whom.
        applicant = (
            ApplicantInput(id_number=grantor.id_number)
            if grantor is not None
            else _walk_in_applicant(walk_in)
        )
        data = SubmissionInput(
            pack=pack,
            bundle=bundle,
            scenario=state.scenario,
            channel=Channel.WINDOW
            if user.role == Role.CLERK
            else web_channel(request.headers.get("User-Agent", "")),
            items=state.items,
            answers=state.answers,
            applicant=applicant,
            handling_region=walk_in.get("handling_region", "") if walk_in else "",
            form=state.form,
            materials=_material_choices(request, plan),
            credit_commitment=request.POST.get("credit_commitment") == "on",
            home_visit=walk_in_home_visit(request) if user.role == Role.CLERK else None,
        )
        key = request.POST.get("token", "")[:64]
        try:
            result = application_submit(actor=user, data=data, idempotency_key=key)
        except ApiError as exc:
            if exc.status != 422:
                raise
            errors = exc.fields or {"__all__": [exc.message]}
        else:
            state_clear(request, pack=pack, bundle=bundle)
            if user.role == Role.CLERK:
                walk_in_clear(request)  # the next walk-in starts from a clean screen
            return HttpResponseRedirect(
                reverse("applications:receipt", args=[result.application.number])
            )
    form_errors = sorted(k for k in errors if k.startswith("form."))
    form_summary = error_summary(
        plan.fields,
        {k.removeprefix("form."): v for k, v in errors.items() if k.startswith("form.")},
    )
    materials = {m.code: m.name for m in plan.materials}
    material_summary = [
        (key, _named(materials.get(key, ""), msgs[0]) if key in materials else msgs[0])
        for key, msgs in ((k.removeprefix("materials."), v) for k, v in errors.items())
        if not key.startswith("form.")
    ]
    return render(
        request,
        "intake/submit.html",
        {
            "bundle": found,
            "plan": plan,
            "state": state,
            "token": uuid.uuid4().hex,
            "values": form_clean(
                fields=plan.fields, data=state.form | _identity_values(request, plan)
            )[0],
            "errors": {k.removeprefix("materials."): v for k, v in errors.items()},
            "form_errors": form_errors,
            "form_summary": form_summary,
            "material_summary": material_summary,
            "allowed": ALLOWED_LABEL,
            "commitment_texts": commitment_texts_current(
                [m.code for m in plan.materials if m.commitment_allowed]
            ),
            "notice": lookup.notice,
            "walk_in": walk_in_load(request) if user.role == Role.CLERK else {},
            "acting": _acting(request),
            "progress": _progress(request, found, state, "submit"),
        },
    )

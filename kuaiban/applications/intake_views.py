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

from kuaiban.accounts.models import Role, User
from kuaiban.applications.inputs import ApplicantInput, MaterialChoice, SubmissionInput
from kuaiban.applications.intake_state import (
    IntakeState,
    state_clear,
    state_load,
    state_save,
    walk_in_load,
)
from kuaiban.applications.models import Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.applications.uploads import ALLOWED_LABEL
from kuaiban.applications.validation import form_clean
from kuaiban.bundles.models import Bundle
from kuaiban.bundles.planning import Plan, bundle_plan
from kuaiban.bundles.selectors import bundle_get, pack_list
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


def _target(user: User) -> set[str]:
    if user.role == Role.CLERK:
        return {"person", "unit", "both"}
    return {"person" if user.role == Role.PERSON else "unit", "both"}


def _url(name: str, pack: str, bundle: str) -> str:
    return reverse(f"intake:{name}", args=[pack, bundle])


def _lookup(request: HttpRequest) -> LookupResult:
    user = request.user
    assert isinstance(user, User)
    walk_in = walk_in_load(request) if user.role == Role.CLERK else {}
    id_number = walk_in.get("id_number", "") if walk_in else user.id_number
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


def _plan(bundle: Bundle, state: IntakeState, lookup: LookupResult | None = None) -> Plan:
    return bundle_plan(
        bundle=bundle,
        scenario_code=state.scenario,
        optional_items=state.items,
        answers=state.answers,
        profile=lookup.profile if lookup else None,
    )


@applying
def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    targets = _target(user)
    packs = [
        (p, [b for b in p.bundles.order_by("position") if b.target in targets]) for p in pack_list()
    ]
    return render(request, "intake/start.html", {"packs": packs, "walk_in": walk_in_load(request)})


@applying
def scenario(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    user = request.user
    assert isinstance(user, User)
    choices = [s for s in found.scenarios.all() if s.target in _target(user)]
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
        {"bundle": found, "choices": choices, "state": state, "error": error},
    )


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
        {"bundle": found, "questions": asked, "state": state, "errors": errors},
    )


@applying
def items(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    scenario = next((s for s in found.scenarios.all() if s.code == state.scenario), None)
    if scenario is None:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    rows = list(scenario.bundle_items.all())
    optional = [bi for bi in rows if not bi.required]
    error = ""
    if request.method == "POST":
        ticked = [
            c for c in request.POST.getlist("items") if c in {bi.item.code for bi in optional}
        ]
        if not ticked and not any(bi.required for bi in rows):
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
        },
    )


@applying
def form_page(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    state = state_load(request, pack=pack, bundle=bundle)
    if not state.scenario:
        return HttpResponseRedirect(_url("scenario", pack, bundle))
    lookup = _lookup(request)
    plan = _plan(found, state, lookup)
    errors: dict[str, list[str]] = {}
    values = {f.key: state.form.get(f.key) or f.prefill or "" for f in plan.fields}
    if request.method == "POST":
        submitted = {f.key: request.POST.get(f.key, "") for f in plan.fields}
        _clean, errors = form_clean(fields=plan.fields, data=submitted)
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
            "notice": lookup.notice,
        },
    )


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
    plan = _plan(found, state, lookup)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        walk_in = walk_in_load(request) if user.role == Role.CLERK else {}
        data = SubmissionInput(
            pack=pack,
            bundle=bundle,
            scenario=state.scenario,
            channel=Channel.WINDOW if user.role == Role.CLERK else Channel.WEB,
            items=state.items,
            answers=state.answers,
            applicant=ApplicantInput(**walk_in) if walk_in else ApplicantInput(),
            form=state.form,
            materials=_material_choices(request, plan),
            credit_commitment=request.POST.get("credit_commitment") == "on",
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
            return HttpResponseRedirect(
                reverse("applications:receipt", args=[result.application.number])
            )
    form_errors = sorted(k for k in errors if k.startswith("form."))
    return render(
        request,
        "intake/submit.html",
        {
            "bundle": found,
            "plan": plan,
            "state": state,
            "token": uuid.uuid4().hex,
            "values": {f.key: state.form.get(f.key) or f.prefill or "" for f in plan.fields},
            "errors": {k.removeprefix("materials."): v for k, v in errors.items()},
            "form_errors": form_errors,
            "allowed": ALLOWED_LABEL,
            "notice": lookup.notice,
            "walk_in": walk_in_load(request) if user.role == Role.CLERK else {},
        },
    )

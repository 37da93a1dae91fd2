"""Reads for the agency workbench: the queue and the sub-case page.

Everything starts from `kuaiban.cases.selectors.subcases_visible_to` / `access_subcase`, so an
officer never sees another agency's sub-case. Each page runs a fixed number of queries
whatever the number of rows: one calendar load serves every row of a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, ApplicationMaterial
from kuaiban.calendar.arithmetic import WorkCalendar, local_date
from kuaiban.calendar.selectors import calendar_load
from kuaiban.cases.materials import has_stored_file, with_stored_file
from kuaiban.cases.models import (
    DeadlineState,
    SubCase,
    SubCaseStatus,
    clock_running_q,
    deadline_state_q,
)
from kuaiban.cases.selectors import subcases_visible_to
from kuaiban.catalogue.models import Agency, FormField
from kuaiban.catalogue.regions import region_and_above
from kuaiban.core.errors import NotFound
from kuaiban.core.masking import mask_credit_code, mask_id_number
from kuaiban.core.models import AuditAction, AuditEvent
from kuaiban.integrations import conf
from kuaiban.workbench.timeleft import TimeLeft, time_left

PAGE_SIZE = 30
NUMBER_MAX = 24  # 办件编号 region-YYYYMMDD-seq
QUEUE_STATUSES = [s for s in SubCaseStatus if s != SubCaseStatus.WAITING]
# Nothing is left to do on a withdrawn sub-case: it leaves the list unless asked for by its
# status or its number.
WITHDRAWN = SubCaseStatus.WITHDRAWN


# ---------------------------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    deadline: str = ""
    number: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        """Unknown values are ignored rather than refused: a filter link never breaks the page."""
        status = query.get("status", "")
        deadline = query.get("deadline", "")
        return cls(
            status=status if status in {s.value for s in QUEUE_STATUSES} else "",
            deadline=deadline if deadline in DeadlineState.values else "",
            number=query.get("number", "").strip()[:NUMBER_MAX],
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.deadline or self.number)


@dataclass(frozen=True)
class Tally:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class QueueRow:
    subcase: SubCase
    applicant: str
    time_left: TimeLeft


@dataclass(frozen=True)
class QueuePage:
    page: Page[SubCase]
    rows: list[QueueRow]
    statuses: list[Tally]
    deadlines: list[Tally]


def applicant_label(application: Application) -> str:
    """The applicant's name with the identifier masked: lists never show a full ID number."""
    if application.applicant_id_number:
        masked = mask_id_number(application.applicant_id_number)
    else:
        masked = mask_credit_code(application.applicant_credit_code)
    return f"{application.applicant_name}（{masked}）"


def due_soon_threshold(*, now: dt.datetime) -> dt.datetime:
    """The latest deadline that counts as due soon: the deadline sweeper's window
    (``KUAIBAN_DUE_SOON_HOURS``, 24 by default), so the queue agrees with the alerts."""
    return now + conf.due_soon()


def queue_base(user: User) -> QuerySet[SubCase]:
    """The officer's sub-cases that have started: later serial stages are not theirs yet."""
    return subcases_visible_to(user).exclude(status=SubCaseStatus.WAITING)


def queue_counts(
    queryset: QuerySet[SubCase], *, now: dt.datetime, due_soon_at: dt.datetime
) -> tuple[list[Tally], list[Tally]]:
    """Counts per status and per deadline state, in one query."""
    aggregates = {f"s_{s.value}": Count("pk", filter=Q(status=s)) for s in QUEUE_STATUSES}
    for state in DeadlineState:
        condition = deadline_state_q(state, now=now, due_soon_at=due_soon_at)
        aggregates[f"d_{state.value}"] = Count("pk", filter=condition)
    found = queryset.order_by().aggregate(**aggregates)
    statuses = [Tally(s.value, str(s.label), found[f"s_{s.value}"]) for s in QUEUE_STATUSES]
    deadlines = [
        Tally(d.value, str(d.label), found[f"d_{d.value}"])
        for d in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.ON_TIME)
    ]
    return statuses, deadlines


def queue_filter(
    queryset: QuerySet[SubCase],
    filters: QueueFilters,
    *,
    now: dt.datetime,
    due_soon_at: dt.datetime,
) -> QuerySet[SubCase]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.deadline:
        queryset = queryset.filter(
            deadline_state_q(filters.deadline, now=now, due_soon_at=due_soon_at)
        )
    if filters.number:
        queryset = queryset.filter(application__number__startswith=filters.number)
    return queryset


def queue_order(queryset: QuerySet[SubCase]) -> QuerySet[SubCase]:
    """Running sub-cases by time left (overdue first), then the paused ones, then finished."""
    group = Case(
        When(clock_running_q(), then=Value(0)),
        When(status=SubCaseStatus.CORRECTION, then=Value(1)),
        When(status__in=SubCase.FINISHED, then=Value(3)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(queue_group=group).order_by(
        "queue_group", F("due_at").asc(nulls_last=True), "pk"
    )


def calendar_for(subcases: list[SubCase], *, now: dt.datetime) -> WorkCalendar:
    """One calendar load covering every moment the rows' time-left figures need."""
    moments = [now]
    for subcase in subcases:
        moments += [m for m in (subcase.due_at, subcase.paused_since) if m is not None]
    days = [local_date(m) for m in moments]
    return calendar_load(since=min(days), until=max(days))


def time_left_rows(
    subcases: list[SubCase], *, now: dt.datetime, due_soon_at: dt.datetime
) -> list[TimeLeft]:
    calendar = calendar_for(subcases, now=now)
    return [
        time_left(subcase=s, now=now, calendar=calendar, due_soon_at=due_soon_at) for s in subcases
    ]


def queue_page(
    *, user: User, filters: QueueFilters, page_number: str | None, now: dt.datetime
) -> QueuePage:
    base = queue_base(user)
    due_soon_at = due_soon_threshold(now=now)
    statuses, deadlines = queue_counts(base, now=now, due_soon_at=due_soon_at)
    listed = base if filters.status or filters.number else base.exclude(status=WITHDRAWN)
    queryset = queue_order(queue_filter(listed, filters, now=now, due_soon_at=due_soon_at))
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    subcases = list(page.object_list)
    lefts = time_left_rows(subcases, now=now, due_soon_at=due_soon_at)
    rows = [
        QueueRow(subcase=s, applicant=applicant_label(s.application), time_left=left)
        for s, left in zip(subcases, lefts, strict=True)
    ]
    return QueuePage(page, rows, statuses, deadlines)


# ---------------------------------------------------------------------------------------------
# The sub-case page
# ---------------------------------------------------------------------------------------------

# Reads are audited too, but the page's history lists what was done, not who looked.
READ_ACTIONS = (AuditAction.SUBCASE_READ, AuditAction.SUBCASE_MATERIAL_DOWNLOAD)


@dataclass(frozen=True)
class FormRow:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class SubCasePage:
    subcase: SubCase
    application: Application
    applicant: str
    time_left: TimeLeft
    form: list[FormRow]
    materials: list[MaterialRow]
    siblings: list[SubCase]
    history: list[HistoryRow]
    transfer_targets: list[Agency] = field(default_factory=list)


def _display(value: object, field_type: str) -> str:
    if value in (None, ""):
        return "（未填写）"
    if field_type == "bool":
        return {"true": "是", "false": "否"}.get(str(value).lower(), str(value))
    return str(value)


def subcase_form_rows(subcase: SubCase) -> list[FormRow]:
    """The application's one form, restricted to the fields this item's catalogue entry needs,
    leaving out those that do not apply to the applicant (nothing was asked for them)."""
    application = subcase.application
    frozen = application.frozen
    labels = frozen.field_labels()
    employer = {f.key for f in frozen.fields if f.by_employer}
    inapplicable = {f.key for f in frozen.fields if f.not_applicable}
    fields = FormField.objects.filter(itemfield__item=subcase.item).order_by(
        "itemfield__position", "key"
    )
    return [
        FormRow(
            f.key,
            labels.get(f.key, f.label),
            "由用人单位提供：请从单位的用工备案、缴费记录核实"
            if f.key in employer and not application.form.get(f.key)
            else _display(application.form.get(f.key), f.field_type),
        )
        for f in fields
        if f.key not in inapplicable
    ]


@dataclass(frozen=True)
class MaterialRow:
    material: ApplicationMaterial
    for_item: bool  # in this item's catalogue entry; the others serve other items of the bundle

    @property
    def downloadable(self) -> bool:
        """Offered for download exactly when ``material_for_download`` serves it."""
        return has_stored_file(self.material)


def subcase_materials(subcase: SubCase) -> list[MaterialRow]:
    """The application's one set of materials, this item's own first.

    All are shown: a material given once for the bundle often serves a later stage's item
    (the personnel archive for 资格核准) while the officer of an earlier one needs it too.
    """
    codes = set(subcase.item.materials.values_list("code", flat=True))
    materials = ApplicationMaterial.objects.filter(
        application_id=subcase.application_id
    ).select_related("supplied_by")
    rows = [MaterialRow(m, m.code in codes) for m in materials.order_by("pk")]
    return sorted(rows, key=lambda row: not row.for_item)


def material_for_download(*, subcase: SubCase, material_id: int) -> ApplicationMaterial:
    """A stored file of this sub-case's application, uploaded or supplied later (容缺后补): the
    rule of ``kuaiban.cases.materials``. The same 404 for anything else.

    Any of the application's materials, as the page lists them all (see ``subcase_materials``);
    agencies' own systems get only their item's (``kuaiban.cases.material_listing``).
    """
    materials = ApplicationMaterial.objects.filter(application_id=subcase.application_id)
    material = with_stored_file(materials).filter(pk=material_id).first()
    if material is None:
        raise NotFound("材料不存在")
    return material


def subcase_siblings(subcase: SubCase) -> list[SubCase]:
    return list(
        SubCase.objects.filter(application_id=subcase.application_id)
        .exclude(pk=subcase.pk)
        .select_related("agency")
        .order_by("stage", "pk")
    )


def transfer_targets(subcase: SubCase) -> list[Agency]:
    """Agencies of the applicant's region chain (district → city → province), not this one."""
    chain = region_and_above(subcase.application.region_id)
    agencies = Agency.objects.filter(region_id__in=chain)
    if subcase.agency_id is not None:
        agencies = agencies.exclude(pk=subcase.agency_id)
    return list(agencies.order_by("region__code", "kind", "code"))


def _history_detail(changes: dict[str, object], agencies: dict[str, str]) -> str:
    parts = []
    if changes.get("to"):
        code = str(changes["to"])
        parts.append(f"转至{agencies.get(code, code)}")
    if changes.get("reason"):
        parts.append(f"理由：{changes['reason']}")
    if changes.get("note"):
        parts.append(f"意见：{changes['note']}")
    if changes.get("paid_amount"):
        parts.append(f"核定发放金额 {changes['paid_amount']} 元")
    if changes.get("system"):
        parts.append(f"由机构业务系统（{changes['system']}）回传")
    if changes.get("name"):
        parts.append(f"{changes['name']}{'（逾期补齐）' if changes.get('late') else ''}")
    if changes.get("files"):
        parts.append(f"附补正材料 {len(changes['files'])} 份")  # type: ignore[arg-type]
    return "；".join(parts)


def subcase_history(subcase: SubCase) -> list[HistoryRow]:
    # A 容缺 material handed in later is the application's event; every sub-case shows it.
    supplied = Q(
        object_type="application",
        object_id=subcase.application.number,
        action=AuditAction.MATERIAL_SUPPLY,
    )
    events = list(
        AuditEvent.objects.filter(Q(object_type="subcase", object_id=str(subcase.pk)) | supplied)
        .exclude(action__in=READ_ACTIONS)
        .select_related("actor")
        .order_by("at", "pk")
    )
    codes = {str(e.changes["to"]) for e in events if e.changes.get("to")}
    agencies = (
        dict(Agency.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    )
    return [
        HistoryRow(
            at=e.at,
            actor=str(e.actor)
            if e.actor
            else ("系统" if e.actor_label == "system" else e.actor_label),
            action=e.get_action_display(),
            detail=_history_detail(e.changes, agencies),
        )
        for e in events
    ]


def subcase_page(*, subcase: SubCase, now: dt.datetime) -> SubCasePage:
    due_soon_at = due_soon_threshold(now=now)
    (left,) = time_left_rows([subcase], now=now, due_soon_at=due_soon_at)
    workable = subcase.status in SubCase.RUNNING
    return SubCasePage(
        subcase=subcase,
        application=subcase.application,
        applicant=applicant_label(subcase.application),
        time_left=left,
        form=subcase_form_rows(subcase),
        materials=subcase_materials(subcase),
        siblings=subcase_siblings(subcase),
        history=subcase_history(subcase),
        transfer_targets=transfer_targets(subcase) if workable else [],
    )

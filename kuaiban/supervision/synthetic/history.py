"""Synthetic history for the supervision pages: a year of applications, sub-cases, decisions,
ratings and rectification tickets, drawn from a seeded random generator.

Every application is drawn whole (its sub-cases, materials, window visit, ratings, ticket and
steps) by `Drawer.application`; `kuaiban.supervision.services.history_generate` writes them in
batches. The same seed and reference time give the same history.

What it looks like: the loaded packs' scenarios, weighted; applicants in the pack's province
(districts 70%, cities 25%, the province 5%); channels web 30%, app 28%, window 30%, kiosk 7%,
API 5%; most sub-cases decided within their promised limit, some late (more at a few agencies,
fewer in recent months), some paused for a correction; 78% of finished applications rated,
mostly well, worse when a sub-case was late; every bad rating has a rectification ticket whose
steps are mostly on time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from kuaiban.applications.models import (
    APPLICATION_FINISHED,
    Application,
    ApplicationMaterial,
    Channel,
    Provision,
)
from kuaiban.bundles.planning import PlanMaterial
from kuaiban.calendar.arithmetic import SHANGHAI, end_of_day, local_date
from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
from kuaiban.cases.status import derive_status
from kuaiban.catalogue.models import RegionLevel
from kuaiban.core.identifiers import credit_code_check_char, id_number_check_digit
from kuaiban.ratings.models import (
    Rating,
    RatingSubject,
    RectificationMode,
    RectificationTicket,
    StepKind,
    TicketStatus,
    TicketStep,
    Verification,
    WindowVisit,
)
from kuaiban.shareddata.synthetic.vocab import MALE_CHARS, SURNAMES
from kuaiban.supervision.synthetic.rows import Row, rows_of
from kuaiban.supervision.synthetic.timeline import Days
from kuaiban.supervision.synthetic.world import ItemSpec, Place, ScenarioSpec, World, plan_summary

# Generated applications are numbered <region>-<date>-G<seq>; real numbers have digits only.
NUMBER_MARK = "-G"
HISTORY_DAYS = 365
CHANNELS = (Channel.WEB, Channel.APP, Channel.WINDOW, Channel.KIOSK, Channel.API)
CHANNEL_WEIGHTS = (30, 28, 30, 7, 5)
LEVEL_WEIGHTS = {False: (2, 3, 6, 17, 72), True: (7, 8, 12, 23, 50)}  # levels 1…5; late or not
STEP_DAYS = {
    StepKind.CALLBACK: 1,
    StepKind.VERIFY: 2,
    StepKind.RECTIFY: 5,
    StepKind.FEEDBACK: 2,
    StepKind.REPORT: 5,
}
_HOUR = dt.timedelta(hours=1)
_HABITS = (0.3, 0.6, 1.0, 1.0, 1.0, 1.6, 2.8)  # how late an agency tends to be, as a factor


@dataclass
class Draft:
    """One application and everything that hangs from it, unsaved: plain rows of each model
    (`synthetic/rows.py`), not model instances."""

    application: Row
    subcases: list[Row] = field(default_factory=list)
    materials: list[Row] = field(default_factory=list)
    visit: Row | None = None
    ratings: list[Row] = field(default_factory=list)
    tickets: list[Row] = field(default_factory=list)
    steps: list[Row] = field(default_factory=list)


@dataclass
class _Work:
    """The drawn life of one sub-case, before it is cut off at the reference time."""

    opened: dt.datetime
    due: dt.datetime  # extended by the pause, if any (as `correction_answer` does)
    due_unpaused: dt.datetime
    decided: dt.datetime
    pause: tuple[dt.datetime, dt.datetime] | None
    rejected: bool


class Drawer:
    """Draws applications one after the other from ``seed``. A chunk of a large history has a
    drawer of its own (`chunk_drawer`); what must be the same in every chunk — how late each
    agency tends to be — is drawn from ``base_seed`` (default: ``seed``)."""

    def __init__(
        self,
        *,
        world: World,
        days: Days,
        seed: int | str,
        as_of: dt.datetime,
        base_seed: int | None = None,
    ) -> None:
        self.world, self.days, self.as_of = world, days, as_of
        self.rng = random.Random(seed)
        self.seed = seed
        self.base_seed = seed if base_seed is None else base_seed
        self.cum_weights = list(itertools.accumulate(s.weight for s in world.scenarios))
        self.lateness: dict[int, float] = {}
        self.places_by_level = {
            pack_id: {
                level: [p for p in places if p.level == level] or places
                for level in (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE)
            }
            for pack_id, places in world.places.items()
        }

    # -- the application ------------------------------------------------------------------

    def application(self, index: int, *, max_subcases: int) -> Draft:
        rng = self.rng
        spec = rng.choices(self.world.scenarios, cum_weights=self.cum_weights)[0]
        place = self._place(spec.pack_id)
        channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
        submitted = self._submitted(channel)
        wanted = self._items(spec)
        chosen = wanted[:max_subcases]
        shared = rng.random() < 0.8
        # The plan of the whole choice: a cut may leave out the one member a 必做 group needs.
        plan = plan_summary(
            spec, wanted, shared=shared, profile=self.world.profile, calendar=self.world.calendar
        )
        application = self._application_row(index, spec, place, channel, submitted, plan.burden)
        draft = Draft(application=application)
        withdrawn = rng.random() < 0.008
        self._subcases(draft, spec, chosen, place, withdrawn=withdrawn)
        statuses = [s.status for s in draft.subcases]
        application.status = derive_status(statuses)
        application.promised_due_at = self._promised(spec, chosen, submitted)
        self._materials(draft, plan.materials)
        if channel == Channel.WINDOW:
            self._visit(draft, place)
        if application.status in APPLICATION_FINISHED:
            self._case_rating(draft, place)
        return draft

    def _place(self, pack_id: int) -> Place:
        level = self.rng.choices(
            (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE), weights=(70, 25, 5)
        )[0]
        return self.rng.choice(self.places_by_level[pack_id][level])

    def _submitted(self, channel: str) -> dt.datetime:
        rng = self.rng
        back = int(HISTORY_DAYS * rng.random() ** 1.15)  # a little busier in recent months
        day = local_date(self.as_of) - dt.timedelta(days=back)
        if channel in (Channel.WINDOW, Channel.KIOSK) or rng.random() < 0.85:
            while day not in self._working_set:
                day -= dt.timedelta(days=1)
            minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        else:
            minutes = rng.randint(0, 24 * 60 - 1)
        moment = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI) + dt.timedelta(
            minutes=minutes, seconds=rng.randint(0, 59)
        )
        if moment > self.as_of:
            moment = self.as_of - dt.timedelta(minutes=rng.randint(1, 600))
        return moment

    @property
    def _working_set(self) -> frozenset[dt.date]:
        if not hasattr(self, "_working_cache"):
            self._working_cache = frozenset(self.days.working)
        return self._working_cache

    def _items(self, spec: ScenarioSpec) -> list[ItemSpec]:
        rng = self.rng
        draw = rng.random()
        if not spec.optional or draw < 0.55:
            extra: list[ItemSpec] = []
        elif draw < 0.85:
            extra = [rng.choice(spec.optional)]
        else:
            extra = list(spec.optional)
        picks = [
            rng.choice(members)
            for members in spec.required_groups
            if not any(m in extra for m in members)
        ]
        chosen = spec.required + picks + extra
        return chosen or [rng.choice(spec.optional)]

    def _application_row(
        self,
        index: int,
        spec: ScenarioSpec,
        place: Place,
        channel: str,
        submitted: dt.datetime,
        burden: dict[str, dict[str, int]],
    ) -> Row:
        person = spec.bundle.target != "unit" and (
            spec.bundle.target == "person" or self.rng.random() < 0.5
        )
        return rows_of(Application)(
            number=f"{place.code}-{local_date(submitted):%Y%m%d}{NUMBER_MARK}{index:06d}",
            pack_id=spec.pack_id,
            bundle_id=spec.bundle_id,
            scenario_id=spec.scenario_id,
            snapshot={"synthetic": True, "pack": spec.pack_code, "bundle": spec.bundle_code},
            applicant_kind="person" if person else "unit",
            applicant_name=self._name(person),
            applicant_id_number=self._id_number(place) if person else "",
            applicant_credit_code="" if person else self._credit_code(place),
            applicant_phone=f"139{self.rng.randrange(10**8):08d}",
            region_id=place.region_id,
            channel=channel,
            submitted_by=self.world.system_user,
            items=[],
            form={},
            burden=burden,
            submitted_at=submitted,
            promised_due_at=submitted,
        )

    def _name(self, person: bool) -> str:
        rng = self.rng
        if person:
            return rng.choice(SURNAMES) + "".join(rng.choices(MALE_CHARS, k=rng.randint(1, 2)))
        return f"{rng.choice(SURNAMES)}{''.join(rng.choices(MALE_CHARS, k=2))}商贸有限公司"

    def _id_number(self, place: Place) -> str:
        rng = self.rng
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(365 * 48))
        first17 = f"{place.code}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        return first17 + id_number_check_digit(first17)

    def _credit_code(self, place: Place) -> str:
        body = f"91{place.code}MA{self.rng.randrange(10**7):07d}"
        return body + credit_code_check_char(body)

    # -- sub-cases ----------------------------------------------------------------------

    def _subcases(
        self,
        draft: Draft,
        spec: ScenarioSpec,
        chosen: list[ItemSpec],
        place: Place,
        *,
        withdrawn: bool,
    ) -> None:
        """Stage by stage: a serial stage opens when the one before is all approved."""
        submitted = draft.application.submitted_at
        stages = sorted({i.stage for i in chosen}) if spec.serial else [1]
        opens: dt.datetime | None = submitted
        stopped = False
        for stage in stages:
            in_stage = [i for i in chosen if not spec.serial or i.stage == stage]
            finished: list[dt.datetime] = []
            all_approved = True
            for item in in_stage:
                row = rows_of(SubCase)(
                    application=draft.application,
                    region_id=place.region_id,
                    pack_id=spec.pack_id,
                    bundle_id=spec.bundle_id,
                    item_id=item.item_id,
                    seed_name=item.seed_name,
                    agency_kind=item.agency_kind,
                    agency_id=place.agencies.get(item.agency_kind),
                    stage=stage if spec.serial else 1,
                )
                if stopped:
                    row.status = SubCaseStatus.STOPPED
                elif opens is None:
                    row.status = SubCaseStatus.WAITING
                elif withdrawn:
                    row.status, row.opened_at = SubCaseStatus.WITHDRAWN, opens
                    row.due_at = self.days.due(opens, item.limits.promised)
                else:
                    self._life(row, item, opens)
                    if row.decided_at is not None:
                        finished.append(row.decided_at)
                    all_approved &= row.status == SubCaseStatus.APPROVED
                draft.subcases.append(row)
            if opens is not None and not withdrawn and not stopped:
                if len(finished) < len(in_stage):
                    opens = None  # later stages wait
                elif not all_approved:
                    stopped = True
                else:
                    opens = max(finished)

    def _life(self, row: Row, item: ItemSpec, opened: dt.datetime) -> None:
        work = self._work(item, opened, row.agency_id or 0)
        as_of = self.as_of
        row.opened_at = opened
        row.due_at = work.due
        pause = work.pause
        if pause and pause[0] <= as_of < pause[1]:
            # Waiting for the applicant's correction now: the deadline is not extended yet.
            row.status, row.paused_since = SubCaseStatus.CORRECTION, pause[0]
            row.due_at = work.due_unpaused
            row.accepted_at = opened + _HOUR
            return
        if pause and pause[1] <= as_of:
            row.pauses = [[pause[0].isoformat(), pause[1].isoformat()]]
        elif pause:
            row.due_at = work.due_unpaused
        if work.decided <= as_of:
            row.status = SubCaseStatus.REJECTED if work.rejected else SubCaseStatus.APPROVED
            row.decided_at, row.accepted_at = work.decided, min(opened + _HOUR, work.decided)
            if work.rejected:
                row.decision_note = "不符合办理条件"
            return
        accepted = self.rng.random() < 0.8
        row.status = SubCaseStatus.ACCEPTED if accepted else SubCaseStatus.OPEN
        row.accepted_at = opened + _HOUR if accepted and opened + _HOUR <= as_of else None
        if row.due_at is not None and row.due_at < as_of:
            row.deadline_state = DeadlineState.OVERDUE
        elif row.due_at is not None and row.due_at - as_of < dt.timedelta(days=2):
            row.deadline_state = DeadlineState.DUE_SOON

    def _late_chance(self, agency_id: int, opened: dt.datetime) -> float:
        if agency_id not in self.lateness:
            # The agency's habit. Chunk 0 draws it from its own stream, as every history did
            # before chunks (so a small history is the same as then); the other chunks from
            # the base seed, the same in each of them whichever process draws it.
            habits = (
                self.rng
                if self.base_seed == self.seed
                else random.Random(f"{self.base_seed}:agency:{agency_id}")
            )
            self.lateness[agency_id] = habits.choice(_HABITS)
        older = (self.as_of - opened).days > HISTORY_DAYS // 2
        return 0.06 * self.lateness[agency_id] * (1.4 if older else 0.8)

    def _work(self, item: ItemSpec, opened: dt.datetime, agency_id: int) -> _Work:
        rng = self.rng
        limit = item.limits.promised
        late = rng.random() < self._late_chance(agency_id, opened)
        rejected = rng.random() < 0.04
        if limit.is_instant:
            due = opened + dt.timedelta(minutes=30)
            seconds = rng.uniform(1900, 4 * 3600) if late else rng.uniform(5, 1700)
            decided = opened + dt.timedelta(seconds=seconds)
            return _Work(opened, due, due, decided, None, rejected)
        due = self.days.due(opened, limit)
        start, last = local_date(opened), local_date(due)
        available = self.days.working_count(start, last)
        if late:
            steps = available + rng.randint(1, max(2, available // 2 + 1))
        else:
            steps = min(available, round(available * rng.betavariate(2.0, 2.6)))
        decided = self._moment(start, steps, after=opened)
        if rng.random() < 0.004:  # forgotten: still open long after its deadline
            return _Work(opened, due, due, due + dt.timedelta(days=1000), None, rejected)
        pause, unpaused = None, due
        if rng.random() < 0.06:
            begin = self._moment(start, rng.randint(0, steps), after=opened)
            lasting = rng.randint(1, 5)
            end = self._moment(local_date(begin), lasting, after=begin)
            pause = (begin, end)
            due = end_of_day(self.days.add_working(last, lasting))
            decided = self._moment(local_date(decided), lasting, after=end)
        return _Work(opened, due, unpaused, decided, pause, rejected)

    def _moment(self, start: dt.date, steps: int, *, after: dt.datetime) -> dt.datetime:
        """A working-hours moment ``steps`` working days after ``start``, later than ``after``."""
        day = self.days.add_working(start, steps)
        moment = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI) + dt.timedelta(
            minutes=self.rng.randint(9 * 60, 17 * 60 + 30)
        )
        if moment <= after:
            moment = min(after + dt.timedelta(minutes=self.rng.randint(10, 240)), end_of_day(day))
        return max(moment, after + dt.timedelta(seconds=1))

    def _promised(
        self, spec: ScenarioSpec, chosen: list[ItemSpec], submitted: dt.datetime
    ) -> dt.datetime:
        own = spec.bundle.promised_limit
        if own is not None:
            return self.days.due(submitted, own)
        stages = sorted({i.stage for i in chosen}) if spec.serial else [1]
        start = submitted
        for stage in stages:
            in_stage = [i for i in chosen if not spec.serial or i.stage == stage]
            start = max(self.days.due(start, i.limits.promised) for i in in_stage)
        return start

    # -- materials, visit, ratings, tickets -------------------------------------------

    def _materials(self, draft: Draft, materials: list[PlanMaterial]) -> None:
        rng = self.rng
        application = draft.application
        for m in materials:
            row = rows_of(ApplicationMaterial)(
                application=application, code=m.code, name=m.name, provision=Provision.UPLOADED
            )
            if m.from_shared_data:
                row.provision, row.shared_record = Provision.SHARED, "synthetic"
            elif m.from_online_form:
                row.provision = Provision.ONLINE_FORM
            elif m.commitment_allowed and rng.random() < 0.35:
                row.provision = Provision.COMMITMENT
            elif not m.key and rng.random() < 0.08:
                row.provision = Provision.GAP
                row.due_date = self.days.add_working(local_date(application.submitted_at), 10)
            else:
                row.content_type, row.size = "application/pdf", rng.randint(40_000, 900_000)
            draft.materials.append(row)

    def _visit(self, draft: Draft, place: Place) -> None:
        application = draft.application
        visit = rows_of(WindowVisit)(
            applicant_name=application.applicant_name,
            clerk=self.world.system_user,
            region_id=place.region_id,
            application=application,
            visited_at=application.submitted_at,
            agency_id=next((s.agency_id for s in draft.subcases if s.agency_id), None),
        )
        draft.visit = visit
        rated = application.submitted_at + dt.timedelta(minutes=self.rng.randint(1, 15))
        if self.rng.random() < 0.55 and rated <= self.as_of:
            self._rating(draft, RatingSubject.VISIT, rated, place, visit.agency_id, late=False)

    def _case_rating(self, draft: Draft, place: Place) -> None:
        decided = [s.decided_at for s in draft.subcases if s.decided_at]
        if not decided or self.rng.random() >= 0.78:
            return
        rated = max(decided) + dt.timedelta(minutes=self.rng.randint(5, 3 * 24 * 60))
        if rated > self.as_of:
            return
        late = any(s.decided_at and s.due_at and s.decided_at > s.due_at for s in draft.subcases)
        agency = next((s.agency_id for s in draft.subcases if s.agency_id), None)
        self._rating(draft, RatingSubject.CASE, rated, place, agency, late=late)

    def _rating(
        self,
        draft: Draft,
        subject: str,
        rated: dt.datetime,
        place: Place,
        agency_id: int | None,
        *,
        late: bool,
    ) -> None:
        rng = self.rng
        level = rng.choices((1, 2, 3, 4, 5), weights=LEVEL_WEIGHTS[late])[0]
        rating = rows_of(Rating)(
            subject=subject,
            application=draft.application if subject == RatingSubject.CASE else None,
            visit=draft.visit if subject == RatingSubject.VISIT else None,
            level=level,
            real_name=rng.random() < 0.9,
            agency_id=agency_id,
            region_id=place.region_id,
            rated_at=rated,
            comment="" if level > 2 else rng.choice(("等待时间太长", "材料要求不清楚", "态度不好")),
        )
        draft.ratings.append(rating)
        if level <= 2 and agency_id is not None:
            self._ticket(draft, rating, agency_id)

    def _ticket(self, draft: Draft, rating: Row, agency_id: int) -> None:
        """回访 → 核实 → 整改 → 反馈 → 报告单; a mistaken or malicious rating skips 整改."""
        rng = self.rng
        verdict = rng.choices(list(Verification), weights=(85, 10, 5))[0]
        kinds = [StepKind.CALLBACK] if rating.real_name else []
        kinds.append(StepKind.VERIFY)
        if verdict == Verification.TRUE:
            kinds += [StepKind.RECTIFY, StepKind.FEEDBACK, StepKind.REPORT]
        else:
            kinds.append(StepKind.FEEDBACK)
        # What the rating is about (`RectificationTicket.of_rating`): here always the
        # drawn application, rated as a case or through its window visit.
        application = draft.application
        ticket = rows_of(RectificationTicket)(
            rating=rating,
            agency_id=agency_id,
            opened_at=rating.rated_at,
            region_id=rating.region_id,
            application=application,
            pack_id=application.pack_id,
            bundle_id=application.bundle_id,
        )
        ticket.status = TicketStatus.CLOSED
        start = rating.rated_at
        for kind in kinds:
            days = STEP_DAYS[kind] * (4 if kind == StepKind.RECTIFY and rng.random() < 0.3 else 1)
            due = end_of_day(self.days.add_working(local_date(start), days))
            step = rows_of(TicketStep)(
                ticket=ticket, kind=kind, owner_agency_id=agency_id, due_at=due
            )
            draw = rng.random()
            done = None
            if draw < 0.86:
                done = start + (due - start) * rng.uniform(0.05, 0.9)
            elif draw < 0.96:
                done = due + dt.timedelta(hours=rng.uniform(2, 96))
            draft.steps.append(step)
            if done is None or done > self.as_of:
                ticket.status = TicketStatus(kind.value)
                break
            step.done_at = done
            step.outcome = verdict.value if kind == StepKind.VERIFY else "done"
            if kind == StepKind.VERIFY:
                ticket.verification = verdict.value
                if verdict != Verification.TRUE:
                    rating.excluded = True
                    rating.exclusion_reason = f"核实为{verdict.label}"
            if kind == StepKind.RECTIFY:
                ticket.rectification_mode = rng.choice(list(RectificationMode)).value
                ticket.rectified_at = done
            start = done
        if ticket.status == TicketStatus.CLOSED:
            ticket.closed_at = start
        draft.tickets.append(ticket)

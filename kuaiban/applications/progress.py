"""公开的办件进度查询: the number and the last four characters of the applicant's ID number or
credit code give the status, the sub-cases, what is still owed and, once every item is
decided, the results by name and where to get them — never a name, a result's number or an
identifier. Wrong guesses are throttled exactly like log-ins (``accounts.LoginFailure`` rows,
shared by every web node): per number from an address, and per address over all numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from kuaiban.accounts.selectors import login_locked_until
from kuaiban.accounts.services import login_failure_record
from kuaiban.applications.models import Application, Provision
from kuaiban.applications.results import application_outcome
from kuaiban.core.errors import ApiError, NotFound, Unprocessable

_NUMBER = re.compile(r"^[0-9]{6}-[0-9]{8}-[0-9]{1,8}$")
_TAIL = re.compile(r"^[0-9A-Za-z]{4}$")
# Keys of the throttle's rows. A colon is never in a username, so they cannot meet a log-in's.
_ANY_NUMBER = "progress:*"


class Throttled(ApiError):
    status = 429
    code = "throttled"

    def __init__(self, until: dt.datetime) -> None:
        minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
        super().__init__(
            f"查询失败次数过多，已暂停查询。请在{minutes}分钟后再试；也可拨打12333咨询。"
        )
        self.until = until


@dataclass(frozen=True)
class ProgressLine:
    name: str
    status: str
    status_label: str
    due_at: dt.datetime | None


@dataclass(frozen=True)
class Owed:
    kind: str  # "material" (容缺后补) or "correction" (补正)
    name: str
    due_date: dt.date | None


@dataclass(frozen=True)
class ProgressResult:
    """One result by its name (e.g. 退休核准通知书); never its number, which is personal."""

    item: str
    name: str


# What a finished or refused case tells the person to do next: where the results are.
RESULTS_WHERE = "办理结果通知书可登录“我的办件”下载，或凭受理回执到受理窗口领取。"
REFUSED_ASK = "不予办理或终止的原因写在办理结果通知书中；如有疑问，请拨打12333咨询。"


@dataclass(frozen=True)
class Progress:
    number: str
    bundle: str
    status: str
    status_label: str
    subcases: list[ProgressLine]
    owed: list[Owed]
    results: list[ProgressResult]
    refused: list[str]  # the items not done (不予办理 or 终止), by name only
    next_step: str  # once every item is decided: where the results are, whom to ask


def progress_input_check(*, number: str, id_tail: str) -> tuple[str, str]:
    """The number and tail as typed (trimmed, tail upper-cased), or a 422 naming the field."""
    number, id_tail = number.strip(), id_tail.strip().upper()
    errors: dict[str, list[str]] = {}
    if not _NUMBER.match(number):
        errors["number"] = ["请填写受理回执上的办件编号，如 370102-20261123-00017"]
    if not _TAIL.match(id_tail):
        errors["id_tail"] = ["请填写身份证号或统一社会信用代码的后4位"]
    if errors:
        raise Unprocessable("查询条件有误", fields=errors)
    return number, id_tail


def progress_lookup(*, number: str, id_tail: str, ip: str) -> Progress:
    """The progress, if number and tail match; 404 alike for a missing number and a wrong tail,
    429 while this address is throttled (checked before looking, so a guess costs nothing)."""
    number, id_tail = progress_input_check(number=number, id_tail=id_tail)
    now = timezone.now()
    keys = (f"progress:{number}", _ANY_NUMBER)
    for key in keys:
        until = login_locked_until(username=key, ip=ip, now=now)
        if until is not None:
            raise Throttled(until)
    application = Application.objects.select_related("bundle").filter(number=number).first()
    identifier = (
        (application.applicant_id_number or application.applicant_credit_code)
        if application
        else ""
    )
    if application is None or identifier[-4:].upper() != id_tail:
        locked = [login_failure_record(username=key, ip=ip, now=now) for key in keys]
        until = max((u for u in locked if u is not None), default=None)
        if until is not None:
            raise Throttled(until)
        raise NotFound("没有找到该办件，请核对办件编号和证件号码后4位")
    return _progress(application)


def _progress(application: Application) -> Progress:
    outcome = application_outcome(application)
    owed = [
        Owed("material", m.name, m.due_date)
        for m in application.materials.all()
        if m.provision == Provision.GAP and m.supplied_at is None
    ]
    owed += [Owed("correction", text, None) for text in outcome.corrections]
    refused = [name for name, _reason in outcome.refused]  # an officer's words may be personal
    next_step = ""
    if outcome.finished:
        next_step = RESULTS_WHERE + (REFUSED_ASK if refused else "")
    return Progress(
        number=application.number,
        bundle=application.bundle.name,
        status=application.status,
        status_label=application.get_status_display(),
        subcases=[
            ProgressLine(s.seed_name, s.status, s.get_status_display(), s.due_at)
            for s in application.subcases.all()
        ],
        owed=owed,
        results=[ProgressResult(r.item, r.name) for r in outcome.results],
        refused=refused,
        next_step=next_step,
    )

"""Reads about users, log-in throttling and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max

from kuaiban.accounts.models import ApiToken, LoginFailure, Role, User
from kuaiban.core.kept_query import KeptQuery

# Where each role starts after logging in. The pages themselves belong to other apps.
HOME_URLS: dict[str, str] = {
    Role.PERSON: "/me/",
    Role.UNIT: "/me/",
    Role.CLERK: "/window/",
    Role.OFFICER: "/workbench/",
    Role.SUPERVISOR: "/supervision/",
    Role.ADMIN: "/admin/",
}

# The menu links of each role, beside 一件事 and 服务事项 that everyone sees.
_TICKETS = ("差评整改", "/ratings/tickets/")
_PROBLEMS = ("办不成事反映", "/problems/")
_HOME_VISITS = ("上门服务", "/home-visits/")
MENUS: dict[str, list[tuple[str, str]]] = {
    Role.PERSON: [
        ("我的办件", "/me/"),
        ("为您找到的服务", "/me/offers/"),
        ("社保卡", "/me/card/"),
        ("在线办理", "/apply/"),
        ("我的预约", "/me/appointments/"),
        ("亲情代办", "/me/authorisations/"),
        ("社保自助服务", "/me/services/"),
        ("承诺核查", "/me/commitments/"),
        _HOME_VISITS,
    ],
    Role.UNIT: [
        ("我的办件", "/me/"),
        ("为您找到的服务", "/me/offers/"),
        ("在线办理", "/apply/"),
        ("职工参保", "/me/services/employees/"),
        ("承诺核查", "/me/commitments/"),
    ],
    Role.CLERK: [
        ("一窗受理", "/window/"),
        ("社保卡业务", "/cards/desk/"),
        ("亲情代办登记", "/me/authorisations/"),
        _HOME_VISITS,
        _PROBLEMS,
        ("大厅叫号与电话预约", "/hall/"),
    ],
    Role.OFFICER: [
        ("经办工作台", "/workbench/"),
        ("承诺核查", "/checks/"),
        ("待复核", "/checks/review/"),
        ("公示异议", "/proactive/objections/"),
        _TICKETS,
        _HOME_VISITS,
        _PROBLEMS,
    ],
    Role.SUPERVISOR: [
        ("监督", "/supervision/"),
        ("风险防控", "/checks/dashboard/"),
        ("免申即办", "/proactive/stats/"),
        _TICKETS,
        _PROBLEMS,
        ("就近办覆盖", "/service-points/coverage/"),
    ],
    Role.ADMIN: [("管理后台", "/admin/"), _TICKETS, ("证明作废", "/certificates/manage/")],
}
# Added for the officers of a 人事考试机构: the two small services they work.
EXAM_OFFICE_MENU = [
    ("考试报名审核", "/exam-office/registrations/"),
    ("证书邮寄", "/exam-office/mailings/"),
]

# Added for the officers of a 社会保险经办机构: the certificates they may revoke.
CERTIFICATES_MENU = ("证明作废", "/certificates/manage/")


def menu_for(user: AbstractBaseUser | AnonymousUser) -> list[tuple[str, str]]:
    """(label, url) of the pages this user works in, for the site menu."""
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return MENUS[Role.ADMIN]
    menu = MENUS.get(str(getattr(user, "role", "")), [])
    if getattr(user, "role", "") == Role.OFFICER and getattr(user, "agency_id", None):
        agency = getattr(user, "agency", None)
        if agency is not None and agency.kind == "personnel_exam":
            return [*menu, *EXAM_OFFICE_MENU]
        if agency is not None and agency.kind == "social_insurance":
            return [*menu, CERTIFICATES_MENU]
    return menu


# Log-in throttle: this many failures for one username from one address within the window
# suspend log-ins for that pair for LOGIN_LOCK (counted from the failure that hit the limit).
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = dt.timedelta(minutes=15)
LOGIN_LOCK = dt.timedelta(minutes=15)


def home_url_for(user: AbstractBaseUser | AnonymousUser) -> str:
    """The page a user starts from: the applicant's space, the window, the officer's workbench,
    the supervision pages, or the admin. Anonymous visitors go to the public home page."""
    if not user.is_authenticated:
        return "/"
    # A superuser made by `createsuperuser` keeps the default role; the admin is still theirs.
    if getattr(user, "is_superuser", False):
        return HOME_URLS[Role.ADMIN]
    return HOME_URLS.get(str(getattr(user, "role", "")), "/")


def login_locked_until(*, username: str, ip: str, now: dt.datetime) -> dt.datetime | None:
    """When log-ins for ``username`` from ``ip`` may resume, or None if they are not suspended."""
    until: dt.datetime | None = LoginFailure.objects.filter(
        username=username, ip=ip, locks_until__gt=now
    ).aggregate(until=Max("locks_until"))["until"]
    return until


def login_recent_failures(*, username: str, ip: str, now: dt.datetime) -> int:
    return LoginFailure.objects.filter(
        username=username, ip=ip, created_at__gt=now - LOGIN_FAILURE_WINDOW
    ).count()


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# Every API request runs it: compiled once per process (``KeptQuery``), not per request.
_TOKEN_BY_HASH: KeptQuery[ApiToken] = KeptQuery(
    lambda key_hash: (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=key_hash)
        .order_by("pk")[:1]
    ),
    arguments=1,
)


def token_find(*, raw: str) -> ApiToken | None:
    """The token (with its user) whose hash matches ``raw``, whatever its state."""
    return _TOKEN_BY_HASH.first(token_hash(raw))


def staffed_agency_ids() -> set[int]:
    """The agencies with at least one active officer account: where a sub-case has somebody to
    work it."""
    return set(
        User.objects.filter(role=Role.OFFICER, is_active=True, agency__isnull=False).values_list(
            "agency_id", flat=True
        )
    )

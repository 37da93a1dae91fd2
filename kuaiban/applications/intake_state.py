"""The intake journey's answers so far, kept in the session until submission."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import HttpRequest

_SESSION_KEY = "kuaiban_intake"


@dataclass
class IntakeState:
    scenario: str = ""
    answers: dict[str, bool] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    items_chosen: bool = False
    form: dict[str, str] = field(default_factory=dict)
    # A window clerk's walk-in applicant (一窗通办); empty for applicants themselves.
    walk_in: dict[str, str] = field(default_factory=dict)


def state_load(request: HttpRequest, *, pack: str, bundle: str) -> IntakeState:
    raw: dict[str, Any] = request.session.get(_SESSION_KEY, {}).get(f"{pack}/{bundle}", {})
    known = IntakeState.__dataclass_fields__
    return IntakeState(**{k: v for k, v in raw.items() if k in known})


def state_save(request: HttpRequest, *, pack: str, bundle: str, state: IntakeState) -> None:
    journeys = dict(request.session.get(_SESSION_KEY, {}))
    journeys[f"{pack}/{bundle}"] = asdict(state)
    request.session[_SESSION_KEY] = journeys


def state_clear(request: HttpRequest, *, pack: str, bundle: str) -> None:
    journeys = dict(request.session.get(_SESSION_KEY, {}))
    journeys.pop(f"{pack}/{bundle}", None)
    request.session[_SESSION_KEY] = journeys


def walk_in_load(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get("kuaiban_walk_in", {}))


_HOME_VISIT_KEY = "kuaiban_home_visit"


def walk_in_save(
    request: HttpRequest, applicant: dict[str, str], *, home_visit: int | None = None
) -> None:
    """A newly registered walk-in starts every journey afresh: nothing of the one before.
    ``home_visit``: the clerk is at the person's home on this scheduled visit (上门办)."""
    request.session.pop(_SESSION_KEY, None)
    request.session["kuaiban_walk_in"] = applicant
    if home_visit is None:
        request.session.pop(_HOME_VISIT_KEY, None)
    else:
        request.session[_HOME_VISIT_KEY] = home_visit


def walk_in_home_visit(request: HttpRequest) -> int | None:
    """The home visit the current walk-in is being served on, if any."""
    value = request.session.get(_HOME_VISIT_KEY)
    return value if isinstance(value, int) else None


def walk_in_clear(request: HttpRequest) -> None:
    """After a submission the clerk's screen is clean: no walk-in, no answers left over."""
    request.session.pop(_SESSION_KEY, None)
    request.session.pop("kuaiban_walk_in", None)
    request.session.pop(_HOME_VISIT_KEY, None)

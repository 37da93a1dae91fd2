"""亲情代办 on the web: whom the signed-in person is applying for in the intake journey.

A person holding an authorisation in force with the apply scope chooses, on /apply/, to apply
for themselves or for the grantor. The choice is kept in the session as the grantor's id and
checked against the authorisations again on every step (`accounts.authorisations` is the one
rule); the submission names the grantor's ID number exactly as the API does, so
`applications.services.application_submit` records the agent and refuses it once the
authorisation is revoked or has expired.
"""

from __future__ import annotations

from django.http import HttpRequest

from kuaiban.accounts.authorisations import Act, authorisation_for, authorisations_active
from kuaiban.accounts.models import Authorisation, Role, User
from kuaiban.core.errors import ApiError

_SESSION_KEY = "kuaiban_acting_for"
_JOURNEYS_KEY = "kuaiban_intake"  # the journeys so far (intake_state): another person's answers


class NotAuthorised(ApiError):
    status = 403
    code = "forbidden"


def acting_choices(user: User) -> list[Authorisation]:
    """The authorisations in force today that let ``user`` apply for somebody (their grantors)."""
    if user.role != Role.PERSON:
        return []
    return list(
        authorisations_active(agent=user, act=Act.APPLY)
        .select_related("grantor")
        .order_by("grantor__display_name", "pk")
    )


def acting_for(request: HttpRequest, user: User) -> User | None:
    """The grantor the person is applying for now, or None for themselves.

    A choice whose authorisation was revoked or expired since is forgotten and refused, with
    the journey's answers (which hold the grantor's data)."""
    grantor_id = request.session.get(_SESSION_KEY)
    if not isinstance(grantor_id, int):
        return None
    found = authorisation_for(agent=user, grantor_id=grantor_id, act=Act.APPLY)
    if found is None or found.grantor.region_id is None:
        request.session.pop(_SESSION_KEY, None)
        request.session.pop(_JOURNEYS_KEY, None)
        raise NotAuthorised("代办授权已撤销或已过期，不能再为其办理；请重新选择为谁办理")
    return found.grantor


def acting_choose(request: HttpRequest, user: User, choice: str) -> User | None:
    """ "self" or a grantor's id from the choice on /apply/; anything else is refused.
    Changing the person starts every journey afresh."""
    grantor: User | None = None
    if choice != "self":
        grantor_id = int(choice) if choice.isdigit() and len(choice) < 12 else None
        found = authorisation_for(agent=user, grantor_id=grantor_id, act=Act.APPLY)
        if found is None:
            raise NotAuthorised("您没有该家人有效的代办授权，不能为其办理")
        grantor = found.grantor
    before = request.session.get(_SESSION_KEY)
    now = grantor.pk if grantor is not None else None
    if before != now:
        request.session.pop(_JOURNEYS_KEY, None)
    if now is None:
        request.session.pop(_SESSION_KEY, None)
    else:
        request.session[_SESSION_KEY] = now
    return grantor

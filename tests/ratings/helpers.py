"""Building blocks for the rating tests: submit, complete, rate, and a ticket's officers."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.catalogue.models import Agency, Region
from tests.applications.helpers import pdf, post_multipart, retirement_body

ONLINE = {"efficiency": 4, "guide_accuracy": 4, "convenience": 5, "usability": 4}
WINDOW = {"efficiency": 2, "skill": 2, "attitude": 1}


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(world: dict[str, User]) -> Application:
    response = post_multipart(
        as_user(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def officer_of(agency: Agency) -> User:
    found = User.objects.filter(role=Role.OFFICER, agency=agency).order_by("pk").first()
    return found or User.objects.create(
        username=f"o-{agency.code}", role=Role.OFFICER, agency=agency, region=agency.region
    )


def complete(app: Application, *, reject_first: bool = False) -> Application:
    """Decide every sub-case, stage by stage, as tests/cases/test_flow.py does."""
    stages = sorted(set(app.subcases.values_list("stage", flat=True)))
    for stage in stages:
        for subcase in app.subcases.filter(stage=stage, status__in=["open", "accepted"]):
            assert subcase.agency is not None
            if reject_first:
                subcase_decide(
                    actor=officer_of(subcase.agency),
                    subcase=subcase,
                    outcome=Outcome.REJECTED,
                    note="不符合条件",
                )
            else:
                subcase_decide(
                    actor=officer_of(subcase.agency),
                    subcase=subcase,
                    outcome=Outcome.APPROVED,
                    results=[
                        {"kind": "document", "name": "核准通知书", "number": f"N{subcase.pk}"}
                    ],
                )
    app.refresh_from_db()
    assert app.status in (
        ApplicationStatus.DONE,
        ApplicationStatus.PARTLY_DONE,
        ApplicationStatus.REJECTED,
    )
    return app


def rate(client: Client, number: str, **body: Any):
    payload = {"level": 5, "indicators": dict(ONLINE), "comment": "很方便"} | body
    return client.post(
        f"/api/v1/applications/{number}/rating",
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
    )


def first_agency(app: Application) -> Agency:
    subcase = app.subcases.order_by("stage", "pk").first()
    assert subcase is not None and subcase.agency is not None
    return subcase.agency


def person(username: str = "lisi", **extra: Any) -> User:
    return User.objects.create(
        username=username,
        role=Role.PERSON,
        region=Region.objects.get(code="370102"),
        display_name="李四",
        **extra,
    )

"""Building a workbench world from real submissions, and driving the pages like an officer."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from kuaiban.accounts.models import Role, User
from kuaiban.applications.inputs import MaterialChoice, SubmissionInput
from kuaiban.applications.models import Application, Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import Agency
from tests.applications.helpers import RETIREMENT_FORM, pdf
from tests.conftest import make_id_number

JN_SI = "370100-social_insurance"
JN_EMP = "370100-employment"
JN_LAB = "370100-labour_relations"
JN_SI_ADMIN = "370100-social_insurance_admin"
TY_SI = "140100-social_insurance"


def submit_retirement(world: dict[str, User], **form: str) -> Application:
    """Shandong 7-1 正常退休 (serial: 1.6.1 at 社保 first), with one uploaded scan."""
    data = SubmissionInput(
        pack="shandong-2020",
        bundle="7",
        scenario="7-1",
        channel=Channel.WEB,
        form={**RETIREMENT_FORM, **form},
        materials={"personnel_archive": MaterialChoice(provide=Provision.UPLOADED, upload=pdf())},
        credit_commitment=True,
    )
    return application_submit(actor=world["zhangjianguo"], data=data).application


# Shandong's 2-1 also carries 欠费补缴 (1.3.5) and 失业保险关系转移 (1.8.8), both at 社保.
_SHANDONG_TERMINATION = {
    "phone": "13800000000",
    "arrears_period": "2024-01至2024-06",
    "transfer_out_region": "济南市",
    "transfer_in_region": "青岛市",
}


def submit_termination(unit: User, *, pack: str, seq: int = 1, **form: str) -> Application:
    """企业与员工解除终止劳动合同 (parallel, 1.3.1 即办): 社保 and 劳动关系 items at once."""
    shandong = pack == "shandong-2020"
    data = SubmissionInput(
        pack=pack,
        bundle="2",
        scenario="2-1",
        channel=Channel.WEB,
        form={
            "person_name": "王小明",
            "id_number": make_id_number(region="370102", birth="19900101", seq=f"{seq:03d}"),
            "change_type": "减员",
            "change_date": "2025-03-01",
            "contribution_base": "5000",
            "filing_type": "劳动合同解除",
            "contract_type": "固定期限",
            "contract_start": "2020-03-01",
            **(_SHANDONG_TERMINATION if shandong else {}),
            **form,
        },
        materials={"id_card": MaterialChoice(provide=Provision.UPLOADED, upload=pdf("id.pdf"))}
        if shandong
        else {},
    )
    return application_submit(actor=unit, data=data).application


def officer(world: dict[str, User], agency_code: str, name: str = "") -> User:
    """The demo officer of that agency, or a new one (``name`` for a second officer)."""
    agency = Agency.objects.get(code=agency_code)
    if not name:
        found = User.objects.filter(role=Role.OFFICER, agency=agency).first()
        if found is not None:
            return found
    return User.objects.create_user(
        username=name or f"officer-{agency_code}",
        password="kuaiban-demo",
        role=Role.OFFICER,
        agency=agency,
        region=agency.region,
        display_name=name or agency.name,
    )


def client_for(user: User | None, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def first_open(application: Application, agency_code: str) -> SubCase:
    return application.subcases.get(agency__code=agency_code, status__in=["open", "accepted"])


def rendered_version(html: str, action: str) -> str:
    """The version the page put in the form of ``action`` (what a browser would post back)."""
    form = re.search(rf'action="[^"]*/{action}/".*?</form>', html, re.S)
    assert form is not None, f"no {action} form on the page"
    version = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert version is not None
    return version.group(1)


def queue_ids(client: Client, query: str = "") -> list[int]:
    response = client.get("/workbench/" + query)
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'data-subcase="(\d+)"', response.content.decode())]

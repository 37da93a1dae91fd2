"""亲情代办 on the web: 王芳, authorised by 张建国 to apply, chooses "为谁办理" on /apply/, gets
the form prefilled from his shared data, and the application records her as his agent exactly
as the API does. Without an authorisation in force no choice is offered and a forged choice or
submission is refused."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from kuaiban.accounts.authorisations import Act, authorisation_grant, authorisation_revoke
from kuaiban.accounts.models import Authorisation, User
from kuaiban.applications.models import Application
from kuaiban.core.models import AuditEvent
from kuaiban.demo.setup import demo_authorisations
from tests.applications.helpers import submit_page_post
from tests.worlds import NOW

ZHANG = "370102196503121234"
WANG = "320102198807150421"
FORM = {"loss_report_type": "挂失"}  # 10-3: his card is reported lost


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _grant(world, acts: set[Act] | None = None) -> Authorisation:  # type: ignore[no-untyped-def]
    return authorisation_grant(
        actor=world["zhangjianguo"],
        agent_id_number=WANG,
        relation="子女",
        valid_from=NOW.date(),
        valid_until=NOW.date() + dt.timedelta(days=365),
        acts=acts or set(Act),
    )


def _submit(client: Client):  # type: ignore[no-untyped-def]
    """10-3 社会保障卡挂失 through the pages: form, materials, submit; the submit response."""
    client.post("/apply/shandong-2020/10/", {"scenario": "10-3"})
    response = client.post("/apply/shandong-2020/10/form/", FORM)
    assert response.status_code == 302, response.content.decode()
    return submit_page_post(client, "/apply/shandong-2020/10/submit/")


def test_no_authorisation_no_choice_and_a_forged_one_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    wang = _client(world["wangfang"])
    assert "为谁办理" not in wang.get("/apply/").content.decode()
    forged = wang.post("/apply/", {"acting_for": str(world["zhangjianguo"].pk)})
    assert forged.status_code == 403 and "代办授权" in forged.content.decode()
    assert "kuaiban_acting_for" not in wang.session
    assert wang.post("/apply/", {"acting_for": "x' or 1=1"}).status_code == 403
    # A query-only authorisation does not let her apply.
    _grant(world, acts={Act.QUERY})
    assert "为谁办理" not in wang.get("/apply/").content.decode()
    assert wang.post("/apply/", {"acting_for": str(world["zhangjianguo"].pk)}).status_code == 403


def test_she_applies_for_him_on_the_web(world) -> None:  # type: ignore[no-untyped-def]
    _grant(world)
    zhang, wang_user = world["zhangjianguo"], world["wangfang"]
    wang = _client(wang_user)
    start = wang.get("/apply/").content.decode()
    assert "为谁办理" in start and "为 张建国 代办" in start
    chosen = wang.post("/apply/", {"acting_for": str(zhang.pk)})
    assert chosen.status_code == 302
    start = wang.get("/apply/").content.decode()
    assert "您正在为 <strong>张建国</strong> 代办" in start
    assert "shandong-2020/10/" in start  # his region's pack (济南), not hers (南京)
    wang.post("/apply/shandong-2020/10/", {"scenario": "10-3"})
    form = wang.get("/apply/shandong-2020/10/form/").content.decode()
    assert "亲情代办：申请人 <strong>张建国</strong>" in form
    assert 'value="张建国"' in form and "预填的内容请核对" in form  # his shared data
    response = _submit(wang)
    assert response.status_code == 302, response.content.decode()
    number = response["Location"].rstrip("/").split("/")[-2]
    application = Application.objects.get(number=number)
    assert application.applicant == zhang and application.agent == wang_user
    assert application.submitted_by == wang_user and application.region.code == "370102"
    assert application.applicant_id_number == ZHANG
    receipt = wang.get(f"/me/applications/{number}/receipt/").content.decode()
    assert "王芳 代 张建国 办理" in receipt
    submitted = AuditEvent.objects.get(action="application.submit", object_id=number)
    assert submitted.changes["acted_for"] == "王芳 代 张建国 办理"
    # His shared data was read by her, and that read is on record as hers.
    assert AuditEvent.objects.filter(actor=wang_user, action__startswith="shareddata").exists()
    # Back to herself: the form is hers again.
    wang.post("/apply/", {"acting_for": "self"})
    wang.post("/apply/shandong-2020/10/", {"scenario": "10-3"})
    assert "亲情代办：申请人" not in wang.get("/apply/shandong-2020/10/form/").content.decode()


def test_after_revocation_the_choice_is_gone_and_the_submission_refused(world) -> None:  # type: ignore[no-untyped-def]
    authorisation = _grant(world)
    zhang = world["zhangjianguo"]
    wang = _client(world["wangfang"])
    wang.post("/apply/", {"acting_for": str(zhang.pk)})
    wang.post("/apply/shandong-2020/10/", {"scenario": "10-3"})
    assert wang.post("/apply/shandong-2020/10/form/", FORM).status_code == 302
    authorisation_revoke(actor=zhang, authorisation=authorisation)
    refused = wang.post("/apply/shandong-2020/10/submit/", {"token": "t1"})
    assert refused.status_code == 403 and "已撤销或已过期" in refused.content.decode()
    assert Application.objects.count() == 0
    # The choice and his answers are forgotten; /apply/ offers nobody.
    start = wang.get("/apply/").content.decode()
    assert "为谁办理" not in start and "您正在为" not in start
    assert "kuaiban_acting_for" not in wang.session
    assert wang.post("/apply/", {"acting_for": str(zhang.pk)}).status_code == 403


def test_the_demo_grants_one_authorisation_however_often_it_runs(world) -> None:  # type: ignore[no-untyped-def]
    first = demo_authorisations(today=NOW.date())
    again = demo_authorisations(today=NOW.date())
    assert [a.pk for a in first] == [a.pk for a in again] and Authorisation.objects.count() == 1
    found = Authorisation.objects.get()
    assert (found.grantor.username, found.agent.username) == ("zhangjianguo", "wangfang")
    assert found.may_apply and found.may_query and found.may_receive
    assert found.valid_until == NOW.date() + dt.timedelta(days=365)

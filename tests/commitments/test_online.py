"""The online check compares what was promised with generated shared data: the same → 属实,
different → 不实, the source down or nothing on file yet → tried again until the data arrives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, ApplicationCommitment, CommitmentKind
from kuaiban.catalogue.models import Region
from kuaiban.commitments.facts import Verdict, online_verdict
from kuaiban.commitments.models import CheckRule, CheckStatus, CommitmentCheck, CreditRecord
from kuaiban.commitments.online import checks_sweep
from kuaiban.commitments.opening import checks_open
from kuaiban.core.models import AuditEvent
from kuaiban.shareddata.connectors import LocalConnector, SharedDataUnavailable
from kuaiban.shareddata.connectors.records import PersonRecords
from kuaiban.shareddata.models import ECertificate, Person, SkillCertificate
from kuaiban.shareddata.services import synthetic_generate
from tests.commitments.helpers import submitted, survivor_body, unemployment_body

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 1, 1)


@pytest.fixture
def generated(world) -> list[Person]:  # type: ignore[no-untyped-def]
    """People of the synthetic generator (`kuaiban shareddata_generate`), skill certificates
    among their records."""
    synthetic_generate(people=80, seed=15, region_codes=["370102"], as_of=AS_OF)
    return list(Person.objects.filter(generated=True).order_by("pk"))


def _holder(generated: list[Person]) -> Person:
    holder = next(p for p in generated if p.skill_certificates.exists())
    return holder


def _without_certificates(generated: list[Person]) -> Person:
    return next(p for p in generated if not p.skill_certificates.exists())


def _applicant(person: Person, make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(
        id_number=person.id_number,
        display_name=person.name,
        region=Region.objects.get(code="370102"),
        username=f"p{person.pk}",
    )


def _skill_commitment(user: User, person: Person, number: str) -> CommitmentCheck:
    """A 职业资格证书或职业技能等级证书 committed on a form stating its number.

    No bundle of the packs asks for that material yet (技能提升补贴 is a 提速办 item): the
    applicant's submission is stored through the intake, then the commitment is signed on it
    and its check opened by the same `checks_open` the intake calls."""
    body = survivor_body(dependant_proof="gap", bank_account_info="gap")
    body["form"] |= {
        "claimant_name": person.name,
        "claimant_id_number": person.id_number,
        "account_holder": person.name,
    }
    app = submitted(user, body)
    Application.objects.filter(pk=app.pk).update(form=app.form | {"certificate_number": number})
    app.refresh_from_db()
    commitment = ApplicationCommitment.objects.create(
        application=app,
        kind=CommitmentKind.NOTIFICATION,
        material_code="skill_certificate",
        text="职业资格证书或职业技能等级证书：本人承诺已取得所述职业资格证书或职业技能等级证书。",
        signer=person.name,
        signed_by=user,
    )
    [check] = checks_open(
        application=app, commitments=[commitment], subcases=list(app.subcases.all())
    )
    return check


def _sweep(hours: int = 0, connector=None) -> None:  # type: ignore[no-untyped-def]
    checks_sweep(now=timezone.now() + dt.timedelta(hours=hours), connector=connector)


def test_the_rule_reads_the_skill_certificate_records_and_the_form(world) -> None:
    rule = CheckRule.objects.get(material_code="skill_certificate")
    assert (rule.online_path, rule.promised_fields) == (
        "skill_certificate.number",
        ["certificate_number"],
    )
    assert not CheckRule.objects.filter(online_path__startswith="e_certificate.").exists()


def test_a_promised_certificate_on_file_is_confirmed(world, generated, make_user) -> None:
    holder = _holder(generated)
    number = holder.skill_certificates.order_by("-issued_on").last().number
    check = _skill_commitment(_applicant(holder, make_user), holder, f" {number.lower()} ")
    assert (check.promised_label, check.promised_value) == ("证书编号", number.lower().strip())
    _sweep()
    check.refresh_from_db()
    assert check.status == CheckStatus.CONFIRMED
    assert number.lower() in check.findings and "一致" in check.findings
    assert check.decided_by_system == "共享数据（local）"
    reads = AuditEvent.objects.filter(action="shareddata.read", object_type="person")
    assert any(e.changes.get("purpose") == "告知承诺在线核查" for e in reads)


def test_a_certificate_not_among_the_holders_is_false(world, generated, make_user) -> None:
    holder = _holder(generated)
    theirs = set(holder.skill_certificates.values_list("number", flat=True))
    other = next(
        c.number for c in SkillCertificate.objects.exclude(person=holder) if c.number not in theirs
    )
    check = _skill_commitment(_applicant(holder, make_user), holder, other)
    _sweep()
    check.refresh_from_db()
    assert check.status == CheckStatus.FALSE
    assert "没有此编号的证书" in check.findings
    assert CreditRecord.objects.get(commitment_check=check).id_number == holder.id_number


class _Down(LocalConnector):
    name = "local"

    def records(self, id_number: str) -> PersonRecords | None:
        raise SharedDataUnavailable("共享数据平台在3秒内没有响应")


def test_a_technical_school_diploma_does_not_confirm_and_the_check_closes_when_data_arrives(
    world, generated, make_user
) -> None:
    person = _without_certificates(generated)
    diploma = ECertificate.objects.create(
        person=person, kind="graduation", number="JXBY2024000123", issued_on=dt.date(2024, 6, 30)
    )
    check = _skill_commitment(_applicant(person, make_user), person, diploma.number)
    # The source is down: nothing decided, tried again later.
    _sweep(connector=_Down())
    check.refresh_from_db()
    assert (check.status, check.tries) == (CheckStatus.PENDING, 1)
    assert "暂时无法访问" in check.last_try_note
    # The source answers, but no skill certificate is on file: the 技工院校毕业证书 proves nothing.
    _sweep(hours=2)
    check.refresh_from_db()
    assert (check.status, check.tries) == (CheckStatus.PENDING, 2)
    assert "暂无相关记录" in check.last_try_note
    # Not before its next try…
    SkillCertificate.objects.create(
        person=person,
        kind="skill_level",
        number=diploma.number,
        occupation="电工",
        level="四级/中级工",
        issuer="济南市职业技能等级认定中心",
        issued_on=dt.date(2024, 12, 1),
    )
    _sweep(hours=2)
    check.refresh_from_db()
    assert check.status == CheckStatus.PENDING
    # …then the data that arrived closes it.
    _sweep(hours=4)
    check.refresh_from_db()
    assert check.status == CheckStatus.CONFIRMED and check.tries == 2


def test_a_form_stating_nothing_is_left_to_an_officer(world, generated, make_user) -> None:
    holder = _holder(generated)
    check = _skill_commitment(_applicant(holder, make_user), holder, "")
    assert check.next_try_at is None and "请经办人核查" in check.last_try_note
    _sweep(hours=5)
    check.refresh_from_db()
    assert (check.status, check.tries) == (CheckStatus.PENDING, 0)


def test_the_termination_date_promised_is_compared_when_the_employment_record_arrives(
    world, make_person, make_user
) -> None:
    """失业登记 before the employer's record: the promised date, then the record, same or not."""
    from kuaiban.shareddata.models import EmploymentRecord
    from tests.applications.helpers import post_multipart

    def apply(person: Person) -> CommitmentCheck:
        from django.test import Client

        client = Client()
        client.force_login(_applicant(person, make_user))
        body = unemployment_body(person.name)
        response = post_multipart(client, body, {})
        assert response.status_code == 201, response.json()
        app = Application.objects.get(number=response.json()["number"])
        return CommitmentCheck.objects.get(application=app, material_code="termination_proof")

    same, other = make_person(insurance=True, name="李四"), make_person(insurance=True, name="王五")
    checks = {"same": apply(same), "other": apply(other)}
    assert checks["same"].promised_value == "2025-02-01"
    _sweep()
    for person, end in ((same, dt.date(2025, 2, 1)), (other, dt.date(2024, 11, 30))):
        EmploymentRecord.objects.create(
            person=person,
            unit_name="济南某某机械有限公司",
            unit_credit_code="",
            start_date=dt.date(2015, 1, 1),
            end_date=end,
        )
    _sweep(hours=2)
    for check in checks.values():
        check.refresh_from_db()
    assert checks["same"].status == CheckStatus.CONFIRMED
    assert checks["other"].status == CheckStatus.FALSE
    assert "2024-11-30" in checks["other"].findings and "与承诺不符" in checks["other"].findings


@pytest.mark.parametrize(
    ("promised", "found", "on_file", "is_date", "false_without_value", "verdict"),
    [
        ("S123", ["s123 "], True, False, False, Verdict.CONFIRMED),
        ("S123", ["S124"], True, False, False, Verdict.FALSE),
        ("2025-02-01", ["2025-02-01"], True, True, True, Verdict.CONFIRMED),
        ("2025-02-01", ["2025-02-02"], True, True, False, Verdict.FALSE),
        ("2025-02-01", [], True, True, True, Verdict.FALSE),
        ("2025-02-01", [], True, True, False, Verdict.WAIT),
        ("S123", [], False, False, True, Verdict.WAIT),
    ],
)
def test_the_verdict_rule(  # type: ignore[no-untyped-def]
    promised, found, on_file, is_date, false_without_value, verdict
) -> None:
    assert (
        online_verdict(
            promised=promised,
            found=found,
            on_file=on_file,
            is_date=is_date,
            false_without_value=false_without_value,
        )
        == verdict
    )

"""`kuaiban shareddata_generate`: valid, unique, consistent, reproducible, re-runnable data."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command

from kuaiban.core.identifiers import birth_date, credit_code_error, id_number_error
from kuaiban.shareddata.models import (
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
    UnemploymentRecord,
)
from kuaiban.shareddata.synthetic.dates import add_years, months_between, years_between
from kuaiban.shareddata.synthetic.source import Synthesizer
from kuaiban.shareddata.synthetic.vocab import MOBILE_PREFIXES

AS_OF = dt.date(2026, 1, 1)
REGIONS = ["370102", "140106", "320102"]
N = 300
DEMO_ID = "370102196503121234"  # the demo's retiring worker (kuaiban/demo/setup.py)


def generate(*extra: str, people: int = N, seed: int = 7) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "shareddata_generate",
        f"--people={people}",
        f"--seed={seed}",
        f"--region-codes={','.join(REGIONS)}",
        f"--as-of={AS_OF}",
        "--batch=128",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return sorted(
        Person.objects.filter(generated=True).values_list(
            "id_number", "name", "gender", "phone", "address", "education"
        )
    )


@pytest.fixture
def generated(db):
    generate()
    return Person.objects.filter(generated=True)


def test_counts(generated):
    assert generated.count() == N
    assert Enterprise.objects.filter(generated=True).count() == 15  # one unit per 20 people
    adults = generated.filter(birth_date__lte=add_years(AS_OF, -18)).count()
    assert 0.75 * adults < InsuranceRecord.objects.count() <= adults
    assert EmploymentRecord.objects.count() >= InsuranceRecord.objects.count() * 0.8
    assert 0 < UnemploymentRecord.objects.count() < 0.1 * N
    assert 0.85 * N < ECertificate.objects.filter(kind="social_security_card").count() <= N


def test_every_id_number_is_valid_unique_and_matches_the_person(generated):
    rows = list(generated.values_list("id_number", "gender", "birth_date", "region_code"))
    assert len({r[0] for r in rows}) == N
    for number, gender, born, region in rows:
        assert id_number_error(number) is None, number
        assert gender == ("男" if int(number[16]) % 2 else "女")
        assert born == birth_date(number)
        assert 16 <= years_between(born, AS_OF) <= 75
        assert region == number[:6] and region in REGIONS
    assert {r[1] for r in rows} == {"男", "女"}
    assert {r[3] for r in rows} == set(REGIONS)


def test_every_credit_code_is_valid_unique_and_employment_links_to_a_unit(generated):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == len(codes) == 15
    assert all(credit_code_error(c) is None for c in codes)
    linked = set(EmploymentRecord.objects.values_list("unit_credit_code", "unit_name"))
    assert linked <= set(Enterprise.objects.values_list("credit_code", "name"))


def test_people_look_plausible(generated):
    mobile = re.compile(r"^1\d{10}$")
    for person in generated:
        assert 2 <= len(person.name) <= 3
        assert not person.phone or (
            mobile.match(person.phone) and int(person.phone[:3]) in MOBILE_PREFIXES
        )
        assert person.address.startswith(("山东省济南市", "山西省太原市", "江苏省南京市"))
        assert person.education


def test_insurance_is_consistent_with_age_and_dates(generated):
    for record in InsuranceRecord.objects.select_related("person"):
        born = record.person.birth_date
        assert record.first_contribution_date >= add_years(born, 18)
        assert record.first_contribution_date <= AS_OF
        assert record.contribution_months <= months_between(record.first_contribution_date, AS_OF)
        retired = add_years(born, 60 if record.person.gender == "男" else 55) <= AS_OF
        assert (record.status == "已退休") == retired
        if record.card_bank_account:
            assert _luhn_ok(record.card_bank_account)
    for job in EmploymentRecord.objects.select_related("person__insurance"):
        assert job.start_date >= job.person.insurance.first_contribution_date
        assert job.end_date is None or job.start_date < job.end_date <= AS_OF


def _luhn_ok(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit // 10 + digit % 10
    return total % 10 == 0


def test_the_same_seed_gives_the_same_people(generated):
    first = snapshot()
    generate("--clear")  # delete them, then make them again
    assert snapshot() == first
    generate("--clear", seed=8)
    assert set(snapshot()).isdisjoint(first)


def test_a_second_run_adds_nothing_and_a_larger_one_continues(generated):
    first = snapshot()
    records = EmploymentRecord.objects.count()
    out, _ = generate()
    assert "新增人员 0 人（已存在跳过 300）" in out
    assert snapshot() == first and EmploymentRecord.objects.count() == records
    out, _ = generate(people=N + 50)
    assert "新增人员 50 人（已存在跳过 300）" in out
    assert set(first) < set(snapshot())
    assert Enterprise.objects.filter(generated=True).count() == 18


def test_taken_numbers_are_skipped_and_never_touched(make_person):
    synth = Synthesizer(seed=7, region_codes=REGIONS, as_of=AS_OF)
    taken = make_person(id_number=synth.id_number(5), name="真实的人")
    out, _ = generate()
    assert "新增人员 299 人（已存在跳过 1）" in out
    taken.refresh_from_db()
    assert (taken.name, taken.generated) == ("真实的人", False)


def test_clear_deletes_generated_rows_only(make_person, generated):
    demo = make_person(id_number=DEMO_ID, name="张建国", insurance=True)
    unit = Enterprise.objects.create(
        credit_code="91370100MA3C4X5K7L", name="济南齐鲁精工机械有限公司", region_code="370102"
    )
    out, err = generate("--clear", "--people=1")
    assert "已删除生成的数据：人员 300 人，单位 15 个" in out
    assert "删除人员" in err
    assert Person.objects.filter(generated=True).count() == 1
    call_command("shareddata_generate", "--clear", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Person.objects.all()) == [demo]
    assert list(Enterprise.objects.all()) == [unit]
    assert InsuranceRecord.objects.get().person == demo
    assert not EmploymentRecord.objects.exists() and not ECertificate.objects.exists()


def test_progress_is_shown_on_stderr(db):
    out, err = generate()
    assert re.search(r"单位 \[#+\] 15/15 100\.0%", err)
    assert re.search(r"人员 \[#+\] 300/300 100\.0% .* 人/秒  剩余 0:00:00", err)
    assert "人员 [" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请给出 --people N"),
        (("--people=10", "--region-codes=999999"), "未收录的地区代码：999999"),
        (("--people=10", "--region-codes=370102,370102"), "不能重复"),
        (("--people=10", "--seed=-1"), "种子应为非负整数"),
    ],
)
def test_bad_arguments_are_refused(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("shareddata_generate", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Person.objects.exists()


@pytest.mark.parametrize("people", ["0", "-5", "many"])
def test_people_must_be_a_positive_number(db, people):
    with pytest.raises(CommandError, match="应为正整数"):
        call_command("shareddata_generate", f"--people={people}", stdout=io.StringIO())

"""The pure parts of synthesis (no database): identifiers, permutation, progress bar."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest

from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.shareddata.progress import ProgressBar, progress_line
from kuaiban.shareddata.services import synthetic_generate
from kuaiban.shareddata.synthetic.identity import Permutation, credit_code, organisation_code
from kuaiban.shareddata.synthetic.source import Synthesizer, enterprises_needed

AS_OF = dt.date(2026, 1, 1)


def test_the_permutation_is_a_bijection():
    size = 7 * 999
    perm = Permutation.seeded(size=size, rng=random.Random(3))
    assert sorted(perm(i) for i in range(size)) == list(range(size))
    with pytest.raises(IndexError):
        perm(size)


def test_many_people_have_distinct_valid_numbers():
    synth = Synthesizer(seed=11, region_codes=["370102"], as_of=AS_OF)
    numbers = [synth.id_number(i) for i in range(0, 20_000_000, 997)]
    assert len(set(numbers)) == len(numbers)
    assert all(id_number_error(n) is None for n in numbers[:2000])
    cards = {
        synth.person(i).certificates[0].number for i in range(300) if synth.person(i).certificates
    }
    assert len(cards) > 250


def test_a_person_depends_only_on_the_seed_and_index():
    one = Synthesizer(seed=5, region_codes=["370102", "140106"], as_of=AS_OF)
    two = Synthesizer(seed=5, region_codes=["370102", "140106"], as_of=AS_OF)
    for i in (0, 1, 999, 12345):
        a, b = one.person(i), two.person(i)
        assert (a.person.id_number, a.person.name, a.person.address) == (
            b.person.id_number,
            b.person.name,
            b.person.address,
        )
    assert (
        one.person(7).person.id_number
        != Synthesizer(seed=6, region_codes=["370102", "140106"], as_of=AS_OF)
        .person(7)
        .person.id_number
    )


def test_organisation_and_credit_codes():
    assert organisation_code("D2143569") == "D2143569X"  # the example of GB 11714
    codes = {credit_code(region="370102", body=b) for b in range(0, 887_503_681, 9_973)}
    assert all(credit_code_error(c) is None for c in codes)
    assert len(codes) == len(range(0, 887_503_681, 9_973))


def test_units_needed():
    assert [enterprises_needed(n) for n in (0, 1, 20, 21, 300)] == [0, 1, 1, 2, 15]


def test_too_many_people_for_the_regions(db):
    capacity = Synthesizer(seed=1, region_codes=["370102"], as_of=AS_OF).capacity
    with pytest.raises(ValueError, match="增加地区代码"):
        synthetic_generate(people=capacity + 1, region_codes=["370102"], as_of=AS_OF)


def test_progress_line():
    line = progress_line(label="人员", unit="人", done=25_000, total=100_000, elapsed=5.0)
    assert line == (
        "人员 [######..................] 25,000/100,000  25.0%  5,000 人/秒  剩余 0:00:15"
    )
    assert "--:--:--" in progress_line(label="人员", unit="人", done=0, total=10, elapsed=0)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_is_redrawn_at_most_four_times_a_second():
    clock, out = _Clock(), _Terminal()
    bar = ProgressBar(label="人员", unit="人", total=1000, stream=out, clock=clock)
    for _ in range(100):  # 100 steps in one second
        clock.now += 0.01
        bar.advance(10)
    assert bar.finish() == pytest.approx(1.0)
    assert 4 <= out.getvalue().count("\r") <= 5
    assert out.getvalue().endswith("\n")


def test_a_log_gets_a_line_every_few_seconds():
    clock, out = _Clock(), io.StringIO()
    bar = ProgressBar(label="人员", unit="人", total=100, stream=out, clock=clock)
    for _ in range(100):
        clock.now += 0.125
        bar.advance(1)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # at 5 s, at 10 s, and the final line at 12.5 s
    assert "\r" not in out.getvalue()
    assert lines[-1].startswith("人员 [########################] 100/100 100.0%")


def test_a_person_registered_with_no_month_paid_gets_no_months_and_the_draw_ends():
    import datetime as dt
    import random
    from types import SimpleNamespace

    from kuaiban.shareddata.synthetic.history import StoredDraft, _months_paid

    person = SimpleNamespace(birth_date=dt.date(2003, 5, 1), gender="女")
    for months in (0, 1, 2):
        insurance = SimpleNamespace(
            first_contribution_date=dt.date(2024, 7, 1),
            contribution_months=months,
            status="正常参保",
            monthly_wage=None,
        )
        draft = StoredDraft(person=person, insurance=insurance, employments=[], unemployments=[])
        paid = _months_paid(random.Random(1), draft=draft, as_of=dt.date(2026, 12, 2))
        assert len(paid) == months == insurance.contribution_months


def test_a_batch_is_drawn_with_the_cyclic_collector_off_and_it_comes_back_after() -> None:
    import gc

    from kuaiban.shareddata.bulk import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failed batch")
    assert gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

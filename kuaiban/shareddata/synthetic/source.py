"""Synthesizer: (seed, index) → one synthetic person with records, or one unit.

Each person and unit draws from its own random generator seeded by (seed, index), so a
person's data depend only on the seed, the region codes, the reference date and the index:
not on N, on the batch size, or on what is in the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models

from kuaiban.shareddata.models import (
    DeathRecord,
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
    UnemploymentRecord,
)
from kuaiban.shareddata.synthetic import vocab
from kuaiban.shareddata.synthetic.careers import PEOPLE_PER_ENTERPRISE, career
from kuaiban.shareddata.synthetic.dates import add_years, years_between
from kuaiban.shareddata.synthetic.facts import DEATH_SHARE, person_facts, unit_facts
from kuaiban.shareddata.synthetic.history import history_add
from kuaiban.shareddata.synthetic.identity import (
    ORG_BODIES,
    SEQUENCES,
    Permutation,
    card_number,
    credit_code,
    id_number,
)
from kuaiban.shareddata.synthetic.rand import QuickRandom
from kuaiban.shareddata.synthetic.regions import District, districts_for

MIN_AGE, MAX_AGE = 16, 75
# Random streams. The facts the proactive rules read (graduation, wage, injury, activity,
# death; a unit's size and contributions) draw from streams of their own, so adding them left
# every earlier value of a seed unchanged.
_PEOPLE, _ENTERPRISES, _PERSON_FACTS, _UNIT_FACTS, _HISTORY = 0, 1, 2, 3, 4


@dataclass
class PersonDraft:
    """An unsaved person and the unsaved records that belong to them."""

    person: Person
    insurance: InsuranceRecord | None = None
    employments: list[EmploymentRecord] = field(default_factory=list)
    unemployments: list[UnemploymentRecord] = field(default_factory=list)
    certificates: list[ECertificate] = field(default_factory=list)
    death: DeathRecord | None = None
    # The records behind the self-service queries (``history.py``), of several models.
    extra: list[models.Model] = field(default_factory=list)

    def attach(self) -> None:
        """Point the records at the person once it is saved (it has a primary key)."""
        records: list[models.Model] = [
            *self.employments,
            *self.unemployments,
            *self.certificates,
            *self.extra,
        ]
        for record in records:
            record.person_id = self.person.pk  # type: ignore[attr-defined]
        if self.insurance is not None:
            self.insurance.person_id = self.person.pk
        if self.death is not None:
            self.death.person_id = self.person.pk


@dataclass(frozen=True)
class Employer:
    name: str
    credit_code: str
    established: dt.date


def enterprises_needed(people: int) -> int:
    """Units for ``people`` people: person i works only for units 0 … i // 20."""
    return 0 if people <= 0 else (people - 1) // PEOPLE_PER_ENTERPRISE + 1


class Synthesizer:
    def __init__(
        self, *, seed: int, region_codes: Sequence[str], as_of: dt.date, history: bool = False
    ) -> None:
        if seed < 0:
            raise ValueError("种子应为非负整数")
        self.seed = seed
        self.history = history  # month-by-month contributions too (many rows a person)
        self.as_of = as_of
        self.districts: tuple[District, ...] = districts_for(tuple(region_codes))
        # Born so that the age stays within 16–75 on every day of the as-of year.
        self.first_birth = dt.date(as_of.year - MAX_AGE, 1, 1)
        self.birth_days = (dt.date(as_of.year - MIN_AGE - 1, 12, 31) - self.first_birth).days + 1
        self.per_district = self.birth_days * SEQUENCES
        rng = random.Random(seed)
        self.capacity = len(self.districts) * self.per_district
        self._people = Permutation.seeded(size=self.capacity, rng=rng)
        self._units = Permutation.seeded(size=len(self.districts) * ORG_BODIES, rng=rng)
        self.employer = functools.lru_cache(maxsize=8192)(self._employer)

    def _rng(self, stream: int, index: int) -> random.Random:
        return QuickRandom((self.seed * 2 + stream) * 10**12 + index)

    # -- identifiers -------------------------------------------------------------------------

    def person_slot(self, index: int) -> tuple[District, dt.date, int, int]:
        """District, birth date, sequence and the slot's number within the district."""
        district, local = divmod(self._people(index), self.per_district)
        day, sequence = divmod(local, SEQUENCES)
        return (
            self.districts[district],
            self.first_birth + dt.timedelta(days=day),
            sequence + 1,
            local,
        )

    def id_number(self, index: int) -> str:
        district, birth, sequence, _ = self.person_slot(index)
        return id_number(region=district.code, birth=birth, sequence=sequence)

    def credit_code(self, index: int) -> str:
        district, body = divmod(self._units(index), ORG_BODIES)
        return credit_code(region=self.districts[district].code, body=body)

    # -- units -------------------------------------------------------------------------------

    def enterprise(self, index: int) -> Enterprise:
        rng = self._rng(_ENTERPRISES, index)
        district, _ = divmod(self._units(index), ORG_BODIES)
        where = self.districts[district]
        name = (
            f"{where.city.removesuffix('市')}{''.join(rng.sample(vocab.TRADE_CHARS, 2))}"
            f"{rng.choice(vocab.INDUSTRIES)}{rng.choice(vocab.COMPANY_FORMS)}"
        )
        first, last = dt.date(1992, 1, 1), self.as_of - dt.timedelta(days=30)
        unit = Enterprise(
            credit_code=self.credit_code(index),
            name=name,
            legal_representative=vocab.person_name(rng, male=rng.random() < 0.7),
            address=where.address(rng).split("号", 1)[0] + "号",
            phone=where.landline(rng) if rng.random() < 0.6 else vocab.mobile(rng),
            region_code=where.code,
            established=first + dt.timedelta(days=rng.randrange((last - first).days)),
            generated=True,
        )
        unit_facts(self._rng(_UNIT_FACTS, index), unit=unit, as_of=self.as_of)
        return unit

    def _employer(self, index: int) -> Employer:
        unit = self.enterprise(index)
        assert unit.established is not None
        return Employer(name=unit.name, credit_code=unit.credit_code, established=unit.established)

    # -- people ------------------------------------------------------------------------------

    def person(self, index: int) -> PersonDraft:
        district, birth, sequence, local = self.person_slot(index)
        rng = self._rng(_PEOPLE, index)
        male = sequence % 2 == 1  # GB 11643: the 17th digit is odd for men
        age = years_between(birth, self.as_of)
        home = district if rng.random() < 0.8 else rng.choice(self.districts)
        draft = PersonDraft(
            person=Person(
                id_number=id_number(region=district.code, birth=birth, sequence=sequence),
                name=vocab.person_name(rng, male=male),
                gender="男" if male else "女",
                birth_date=birth,
                phone=vocab.mobile(rng) if rng.random() < 0.95 else "",
                address=home.address(rng),
                household_address=district.address(rng),
                education=vocab.education(rng, age=age),
                region_code=district.code,
                generated=True,
            )
        )
        card = rng.random() < 0.93
        if card:
            draft.certificates.append(self._card(rng, district, birth, local))
        if age >= 18 and rng.random() < 0.88:
            career(self, rng, draft=draft, index=index, male=male, card=card)
        facts = self._rng(_PERSON_FACTS, index)
        person_facts(facts, draft=draft, age=age, as_of=self.as_of)
        retired = draft.insurance is not None and draft.insurance.status == "已退休"
        if retired and facts.random() < DEATH_SHARE:
            draft.death = self._death(facts, index)
        history_add(self._rng(_HISTORY, index), draft=draft, as_of=self.as_of, months=self.history)
        return draft

    def _death(self, rng: random.Random, index: int) -> DeathRecord:
        """A recent death; the next of kin is the next generated person (when there is one)."""
        kin = (index + 1) % self.capacity
        return DeathRecord(
            died_on=self.as_of - dt.timedelta(days=rng.randint(1, 60)),
            next_of_kin_id_number=self.id_number(kin),
            next_of_kin_name=self.person_name(kin),
            next_of_kin_relation=rng.choice(("配偶", "子女", "子女")),
        )

    def person_name(self, index: int) -> str:
        """The name ``person(index)`` gets, drawn as it draws it, without the whole person."""
        _district, _birth, sequence, _local = self.person_slot(index)
        rng = self._rng(_PEOPLE, index)
        if rng.random() >= 0.8:  # the home district, drawn first in `person`
            rng.choice(self.districts)
        return vocab.person_name(rng, male=sequence % 2 == 1)

    def _card(
        self, rng: random.Random, district: District, birth: dt.date, local: int
    ) -> ECertificate:
        earliest = max(add_years(birth, 16), dt.date(2010, 1, 1))
        span = max(1, (self.as_of - earliest).days)
        return ECertificate(
            kind="social_security_card",
            number=card_number(region=district.code, local=local),
            issued_on=min(self.as_of, earliest + dt.timedelta(days=rng.randrange(span))),
        )

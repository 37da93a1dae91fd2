"""Synthesizer: (seed, index) → one synthetic person with records, or one unit, as tuples.

Each person and unit draws from its own random generator seeded by (seed, index), so a
person's data depend only on the seed, the region codes, the reference date and the index:
not on N, on the batch size, on the process that made it, or on what is in the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from kuaiban.shareddata.models import (
    DeathRecord,
    ECertificate,
    EmploymentRecord,
    InsuranceRecord,
    UnemploymentRecord,
)
from kuaiban.shareddata.synthetic import vocab
from kuaiban.shareddata.synthetic.careers import PEOPLE_PER_ENTERPRISE, career
from kuaiban.shareddata.synthetic.dates import add_days, add_years, years_between
from kuaiban.shareddata.synthetic.facts import DEATH_SHARE, graduation, unit_facts
from kuaiban.shareddata.synthetic.history import history_add
from kuaiban.shareddata.synthetic.identity import (
    ORG_BODIES,
    SEQUENCES,
    IdNumbers,
    Permutation,
    card_number,
    credit_code,
)
from kuaiban.shareddata.synthetic.producers import PERSON_PRODUCERS
from kuaiban.shareddata.synthetic.rand import QuickRandom
from kuaiban.shareddata.synthetic.regions import District, districts_for
from kuaiban.shareddata.synthetic.rows import (
    CertificateRow,
    DeathRow,
    EmploymentRow,
    EnterpriseRow,
    InsuranceRow,
    PersonRow,
    UnemploymentRow,
    rows_by_model,
)

MIN_AGE, MAX_AGE = 16, 75
_PEOPLE, _ENTERPRISES = 0, 1  # random streams
_CARDS_FROM = dt.date(2010, 1, 1)  # a card is issued from 2010 on


@dataclass(slots=True)
class PersonDraft:
    """One person's rows, before the person has a primary key."""

    person: PersonRow
    insurance: InsuranceRow | None = None
    employments: list[EmploymentRow] = field(default_factory=list)
    unemployments: list[UnemploymentRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)
    death: DeathRow | None = None
    # The records behind the self-service queries (``history.py``), as `rows.model_row` rows.
    extra: list[Any] = field(default_factory=list)
    # The rows of `PERSON_PRODUCERS`, table by table.
    produced: list[tuple[type[models.Model], Sequence[tuple[Any, ...]]]] = field(
        default_factory=list
    )

    def tables(self) -> Iterator[tuple[type[models.Model], Sequence[tuple[Any, ...]]]]:
        """Every record table with this person's rows (without `person_id`)."""
        if self.insurance is not None:
            yield InsuranceRecord, (self.insurance,)
        yield EmploymentRecord, self.employments
        yield UnemploymentRecord, self.unemployments
        yield ECertificate, self.certificates
        if self.death is not None:
            yield DeathRecord, (self.death,)
        if self.extra:
            yield from rows_by_model(self.extra)
        yield from self.produced


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
        self.loaded_at = timezone.now()  # a death record's 入库时间
        self.districts: tuple[District, ...] = districts_for(tuple(region_codes))
        # Born so that the age stays within 16–75 on every day of the as-of year.
        self.first_birth = dt.date(as_of.year - MAX_AGE, 1, 1)
        self.birth_days = (dt.date(as_of.year - MIN_AGE - 1, 12, 31) - self.first_birth).days + 1
        # Every birth date in that range, by day (a slot's date is looked up, not computed).
        first = self.first_birth.toordinal()
        self._births = tuple(map(dt.date.fromordinal, range(first, first + self.birth_days)))
        self._ages = [years_between(birth, as_of) for birth in self._births]  # on `as_of`
        # A card's first possible issue date and the days from it to `as_of`, by birth day.
        self._card_windows = [self._card_window(birth) for birth in self._births]
        self._id_numbers = IdNumbers(
            regions=[d.code for d in self.districts],
            first_birth=self.first_birth,
            days=self.birth_days,
        )
        self.per_district = self.birth_days * SEQUENCES
        rng = random.Random(seed)
        self.capacity = len(self.districts) * self.per_district
        self._people = Permutation.seeded(size=self.capacity, rng=rng)
        self._units = Permutation.seeded(size=len(self.districts) * ORG_BODIES, rng=rng)
        self.employer = functools.lru_cache(maxsize=8192)(self._employer)

    def _rng(self, stream: int, index: int) -> QuickRandom:
        return QuickRandom((self.seed * 2 + stream) * 10**12 + index)

    # -- identifiers -------------------------------------------------------------------------

    def person_slot(self, index: int) -> tuple[int, int, int, int]:
        """The district's place in `districts`, the birth date's day in the range (from
        `first_birth`), the sequence and the slot's number within the district."""
        district, local = divmod(self._people(index), self.per_district)
        day, sequence = divmod(local, SEQUENCES)
        return district, day, sequence + 1, local

    def id_number(self, index: int) -> str:
        district, day, sequence, _ = self.person_slot(index)
        return self._id_numbers(district, day, sequence)

    def credit_code(self, index: int) -> str:
        district, body = divmod(self._units(index), ORG_BODIES)
        return credit_code(region=self.districts[district].code, body=body)

    # -- units -------------------------------------------------------------------------------

    def enterprise(self, index: int) -> EnterpriseRow:
        rng = self._rng(_ENTERPRISES, index)
        district, _ = divmod(self._units(index), ORG_BODIES)
        where = self.districts[district]
        name = (
            f"{where.city.removesuffix('市')}{''.join(rng.sample(vocab.TRADE_CHARS, 2))}"
            f"{rng.choice(vocab.INDUSTRIES)}{rng.choice(vocab.COMPANY_FORMS)}"
        )
        first, last = dt.date(1992, 1, 1), self.as_of - dt.timedelta(days=30)
        representative = vocab.person_name(rng, male=rng.random() < 0.7)
        address = where.address(rng).split("号", 1)[0] + "号"
        phone = where.landline(rng) if rng.random() < 0.6 else vocab.mobile(rng)
        established = first + dt.timedelta(days=rng.randrange((last - first).days))
        size, staff, insured, layoffs, arrears, paid = unit_facts(
            rng, established=established, as_of=self.as_of
        )
        return EnterpriseRow(
            credit_code=self.credit_code(index),
            name=name,
            legal_representative=representative,
            address=address,
            phone=phone,
            region_code=where.code,
            established=established,
            size=size,
            insured_since=insured,
            employees=staff,
            layoffs_last_year=layoffs,
            arrears=arrears,
            ui_paid_last_year=paid,
            generated=True,
        )

    def _employer(self, index: int) -> Employer:
        unit = self.enterprise(index)
        return Employer(name=unit.name, credit_code=unit.credit_code, established=unit.established)

    # -- people ------------------------------------------------------------------------------

    def person(self, index: int) -> PersonDraft:
        slot, day, sequence, local = self.person_slot(index)
        district, birth = self.districts[slot], self._births[day]
        rng = self._rng(_PEOPLE, index)
        male = sequence % 2 == 1  # GB 11643: the 17th digit is odd for men
        age = self._ages[day]
        home = district if rng.random() < 0.8 else rng.choice(self.districts)
        name = vocab.person_name(rng, male=male)
        phone = vocab.mobile(rng) if rng.random() < 0.95 else ""
        address = home.address(rng)
        household = district.address(rng)
        education = vocab.education(rng, age=age)
        graduated_on = graduation(rng, education=education, birth=birth, as_of=self.as_of)
        draft = PersonDraft(
            person=PersonRow(
                self._id_numbers(slot, day, sequence),
                name,
                "男" if male else "女",
                birth,
                phone,
                address,
                household,
                education,
                district.code,
                graduated_on,
                True,
            )
        )
        card = rng.random() < 0.93
        if card:
            draft.certificates.append(self._card(rng, district, day, local))
        if age >= 18 and rng.random() < 0.88:
            career(
                self,
                rng,
                draft=draft,
                index=index,
                male=male,
                card=card,
                graduated_on=graduated_on,
            )
        retired = draft.insurance is not None and draft.insurance.status == "已退休"
        if retired and rng.random() < DEATH_SHARE:
            draft.death = self._death(rng, index)
        # The self-service records continue the person's own generator: seeding a second
        # generator for them cost as much as drawing them (≈ 13 µs of CPU a person, of ~100).
        history_add(rng, draft=draft, as_of=self.as_of, months=self.history)
        for producer in PERSON_PRODUCERS:
            draft.produced.append((producer.model, producer.rows(self, draft, rng)))
        return draft

    def _death(self, rng: random.Random, index: int) -> DeathRow:
        """A recent death; the next of kin is the next generated person (when there is one)."""
        kin = (index + 1) % self.capacity
        return DeathRow(
            died_on=add_days(self.as_of, -rng.randint(1, 60)),
            next_of_kin_id_number=self.id_number(kin),
            next_of_kin_name=self.person_name(kin),
            next_of_kin_relation=rng.choice(("配偶", "子女", "子女")),
            dependants=0,
            recorded_at=self.loaded_at,
        )

    def person_name(self, index: int) -> str:
        """The name ``person(index)`` gets, drawn as it draws it, without the whole person."""
        _district, _day, sequence, _local = self.person_slot(index)
        rng = self._rng(_PEOPLE, index)
        if rng.random() >= 0.8:  # the home district, drawn first in `person`
            rng.choice(self.districts)
        return vocab.person_name(rng, male=sequence % 2 == 1)

    def _card_window(self, birth: dt.date) -> tuple[dt.date, int]:
        earliest = max(add_years(birth, 16), _CARDS_FROM)
        return earliest, max(1, (self.as_of - earliest).days)

    def _card(self, rng: random.Random, district: District, day: int, local: int) -> CertificateRow:
        earliest, span = self._card_windows[day]
        issued = min(self.as_of, add_days(earliest, rng.randrange(span)))
        number = card_number(region=district.code, local=local)
        return CertificateRow("social_security_card", number, issued)  # kind, number, issued_on

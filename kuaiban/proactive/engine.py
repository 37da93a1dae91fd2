"""Set-based evaluation of a rule version over the whole shared-data source.

`rule_q` is the rule as one WHERE clause over the subject's table; `offers_insert` writes the
offers of one slice (a primary-key range, or the subjects an event touched) with a single
``INSERT … SELECT … ON CONFLICT DO NOTHING`` — the same statement on PostgreSQL and SQLite —
so the database, not a Python loop, goes through the people, and the unique constraints on
`Offer` make a re-run or a re-delivered chunk add nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from kuaiban.proactive.language.amounts import amount_expression
from kuaiban.proactive.language.conditions import ABSENT, ANY, condition_paths, conditions_q
from kuaiban.proactive.language.fields import (
    FACT_FIELDS,
    FIELDS,
    NEXT_OF_KIN_KEY,
    PERSON,
    SUBJECT_KEY,
    SUBJECT_REGION,
)
from kuaiban.proactive.models import DeliveryMode, Offer, OfferStatus
from kuaiban.shareddata.models import Enterprise, Person, PersonFacts


def subject_model(rule: Mapping[str, Any]) -> type[models.Model]:
    return Person if rule["target"] == PERSON else Enterprise


def rule_q(
    rule: Mapping[str, Any],
    *,
    on: dt.date,
    absent_joined: bool = False,
    span: tuple[int, int] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> Q:
    """Every condition, the rule's region, and (for the next of kin) a kin to offer to.
    ``absent_joined``: see `conditions.condition_q` (several rules in one scan). ``fields``:
    the paths' lookups when the rule is read from another table than its subject's (the
    person rules' facts).

    ``span``: only the subjects of this primary-key range (a run's chunk), and the same range
    written on every related table the conditions join, so that PostgreSQL reads only the
    chunk's records there too: it does not carry a range across a join, and hashed every
    insurance record of the source for each chunk of each rule."""
    fields = fields or FIELDS[rule["target"]]
    q = conditions_q(
        rule["conditions"], fields=fields, on=on, absent_joined=absent_joined, span=span
    )
    if rule.get("region"):
        q &= Q(**{f"{fields[SUBJECT_REGION[rule['target']]].lookup}__startswith": rule["region"]})
    if span is not None:
        low, high = span
        q &= Q(pk__gte=low, pk__lt=high)
        for relation in sorted(_joined_relations(rule)):
            key = subject_model(rule)._meta.get_field(relation).field.name  # type: ignore[union-attr]
            q &= Q(**{f"{relation}__{key}__gte": low, f"{relation}__{key}__lt": high})
    return q


def _joined_relations(rule: Mapping[str, Any]) -> set[str]:
    """The related tables a rule's conditions join and require a record of: those read by a
    condition at the top level other than `absent` (a missing record fails it in both
    readings, so requiring the record in the chunk's range changes nothing)."""
    fields = FIELDS[rule["target"]]
    relations = set()
    for condition in rule["conditions"]:
        if ANY in condition or condition["kind"] == ABSENT:
            continue
        for path in condition_paths(condition):
            lookup = fields[path].lookup
            if "__" in lookup:
                relations.add(lookup.split("__", 1)[0])
    return relations


def _subject_lookup(rule: Mapping[str, Any], *, fields: Mapping[str, Any] | None = None) -> str:
    fields = fields or FIELDS[rule["target"]]
    if rule.get("subject") == "next_of_kin":
        return fields[NEXT_OF_KIN_KEY].lookup
    return fields[SUBJECT_KEY[rule["target"]]].lookup


def eligible_queryset(
    rule: Mapping[str, Any], *, on: dt.date, span: tuple[int, int] | None = None
) -> models.QuerySet[Any]:
    return subject_model(rule)._default_manager.filter(
        rule_q(rule, on=on, span=span), _has_subject(rule)
    )


def preview_count(rule: Mapping[str, Any], *, on: dt.date) -> int:
    return preview_counts([rule], on=on)[rule["code"]]


def preview_counts(rules: Sequence[Mapping[str, Any]], *, on: dt.date) -> dict[str, int]:
    """The counts of several rules of one target in one scan (one conditional COUNT each).

    Person rules are counted over the people's facts (`shareddata/facts.py`), one table the database
    keeps from the people and their insurance and death records, so the scan joins nothing
    (at 10 M people, 3.0–3.9 s over the source's join, ≈ 1.2 s over the facts). Unit rules
    read one table already."""
    if not rules:
        return {}
    if len({r["target"] for r in rules}) != 1:
        raise ValueError("preview_counts: rules of one target only")
    person = rules[0]["target"] == PERSON
    model = PersonFacts if person else subject_model(rules[0])
    fields = FACT_FIELDS if person else FIELDS[rules[0]["target"]]
    counts = {
        f"n{i}": Count(
            "pk",
            filter=rule_q(rule, on=on, absent_joined=True, fields=fields)
            & _has_subject(rule, fields=fields),
        )
        for i, rule in enumerate(rules)
    }
    row = model._default_manager.aggregate(**counts)
    return {rule["code"]: row[f"n{i}"] or 0 for i, rule in enumerate(rules)}


def _span_q(rules: Sequence[Mapping[str, Any]], *, span: tuple[int, int]) -> Q:
    """The subjects of a primary-key range, and the same range on every related table all
    ``rules`` require a record of (see `rule_q`); a table only some of them require stays a
    LEFT JOIN over the whole table."""
    model = subject_model(rules[0])
    low, high = span
    within = Q(pk__gte=low, pk__lt=high)
    for relation in sorted(set.intersection(*(_joined_relations(rule) for rule in rules))):
        key = model._meta.get_field(relation).field.name  # type: ignore[union-attr]
        within &= Q(**{f"{relation}__{key}__gte": low, f"{relation}__{key}__lt": high})
    return within


def _has_subject(rule: Mapping[str, Any], *, fields: Mapping[str, Any] | None = None) -> Q:
    subject = _subject_lookup(rule, fields=fields)
    return Q(**{f"{subject}__isnull": False}) & ~Q(**{subject: ""})


@dataclass(frozen=True)
class OfferTerms:
    """What every offer of one run gets: who made it, its period and its delivery dates."""

    version_id: int
    run_id: int
    period: str
    eligible_on: dt.date
    today: dt.date
    now: dt.datetime

    def status(self, rule: Mapping[str, Any]) -> str:
        mode, days = rule["delivery"]["mode"], rule["delivery"].get("days", 0)
        if mode == DeliveryMode.GRANT:
            return OfferStatus.GRANTED if days == 0 else OfferStatus.PUBLICISED
        return OfferStatus.OFFERED

    def dates(self, rule: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
        mode, days = rule["delivery"]["mode"], rule["delivery"].get("days", 0)
        later = self.today + dt.timedelta(days=days)
        if mode == DeliveryMode.CONFIRM:
            return later, None
        if mode == DeliveryMode.GRANT and days:
            return None, later
        return None, None


_COLUMNS = (
    "version_id",
    "run_id",
    "rule_code",
    "period",
    "subject_kind",
    "subject_key",
    "about_key",
    "region_code",
    "exclusion_group",
    "amount",
    "status",
    "eligible_on",
    "deadline",
    "publicity_until",
    "created_at",
    "decided_at",
)


def _select(
    rule: Mapping[str, Any],
    terms: OfferTerms,
    where: Q,
    *,
    span: tuple[int, int] | None = None,
    flag_offered: bool = False,
) -> models.QuerySet[Any]:
    """The offers' columns (``offer_<column>``) of the eligible subjects in ``where``; with
    ``flag_offered`` also ``offer_done``: the subject already has this rule's offer for the
    period (an index probe of the unique constraint per eligible subject)."""
    fields = FIELDS[rule["target"]]
    text: CharField[str, str] = CharField()
    date: DateField[dt.date, dt.date] = DateField()
    stamp: DateTimeField[dt.datetime, dt.datetime] = DateTimeField()
    deadline, publicity = terms.dates(rule)
    status = terms.status(rule)
    about = (
        F(fields[SUBJECT_KEY[PERSON]].lookup)
        if rule.get("subject") == "next_of_kin"
        else Cast(Value(""), output_field=text)
    )
    number: BigIntegerField[int, int] = BigIntegerField()
    # Every constant is cast to its column's type: PostgreSQL types an untyped NULL or text
    # parameter as text inside the CTE of `offers_insert`.
    values: dict[str, Any] = {
        "version_id": Cast(Value(terms.version_id), output_field=number),
        "run_id": Cast(Value(terms.run_id), output_field=number),
        "rule_code": Cast(Value(rule["code"]), output_field=text),
        "period": Cast(Value(terms.period), output_field=text),
        "subject_kind": Cast(Value(rule["target"]), output_field=text),
        "subject_key": F(_subject_lookup(rule)),
        "about_key": about,
        "region_code": F(fields[SUBJECT_REGION[rule["target"]]].lookup),
        "exclusion_group": Cast(Value(rule.get("exclusion_group")), output_field=text),
        "amount": amount_expression(rule.get("amount"), fields=fields),
        "status": Cast(Value(status), output_field=text),
        "eligible_on": Cast(Value(terms.eligible_on), output_field=date),
        "deadline": Cast(Value(deadline), output_field=date),
        "publicity_until": Cast(Value(publicity), output_field=date),
        "created_at": Cast(Value(terms.now), output_field=stamp),
        "decided_at": Cast(
            Value(terms.now if status == OfferStatus.GRANTED else None), output_field=stamp
        ),
    }
    names = {column: f"offer_{column}" for column in _COLUMNS}
    queryset = eligible_queryset(rule, on=terms.eligible_on, span=span).filter(where)
    annotations = {names[c]: values[c] for c in _COLUMNS}
    if flag_offered:
        annotations["offer_done"] = Exists(
            Offer.objects.filter(
                rule_code=rule["code"],
                period=terms.period,
                subject_key=OuterRef(_subject_lookup(rule)),
                about_key=(
                    OuterRef(fields[SUBJECT_KEY[PERSON]].lookup)
                    if rule.get("subject") == "next_of_kin"
                    else ""
                ),
            )
        )
    selected: models.QuerySet[Any] = queryset.annotate(**annotations).values(*annotations)
    return selected


def offers_insert(
    rule: Mapping[str, Any],
    *,
    terms: OfferTerms,
    where: Q,
    span: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Write the offers of the subjects in ``where`` (and ``span``, a chunk's primary-key
    range): (eligible, newly created).

    PostgreSQL does it in one scan (a data-modifying CTE counts what it selected and what it
    inserted). Subjects that already have the offer are left out before the insert (a re-run
    then writes nothing and resolves no conflicts; ON CONFLICT still covers a concurrent
    writer and the exclusion groups), and the rest are inserted in the order of their
    identifier, so each index of the offers takes them in order instead of at random places.
    SQLite inserts, then counts."""
    table = connection.ops.quote_name(Offer._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        selected = _select(rule, terms, where, span=span, flag_offered=True)
        sql, params = selected.query.sql_with_params()
        chosen = ", ".join(quote(f"offer_{c}") for c in _COLUMNS)
        insert = (
            f"INSERT INTO {table} ({columns}) SELECT {chosen} FROM chosen "
            f"WHERE NOT {quote('offer_done')} ORDER BY {quote('offer_subject_key')} "
            "ON CONFLICT DO NOTHING"
        )
        with _settings(_CHUNK_SETTINGS) as cursor:  # the offers probed by index: see there
            cursor.execute(
                f"WITH chosen AS MATERIALIZED ({sql}), added AS ({insert} RETURNING 1) "
                "SELECT (SELECT count(*) FROM chosen), (SELECT count(*) FROM added)",
                params,
            )
            eligible, created = cursor.fetchone()
        return int(eligible), int(created)
    sql, params = _select(rule, terms, where, span=span).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT DO NOTHING", params)
        created = max(cursor.rowcount, 0)
    eligible = eligible_queryset(rule, on=terms.eligible_on, span=span).filter(where).count()
    return eligible, created


def offers_insert_many(
    batch: Sequence[tuple[Mapping[str, Any], OfferTerms]], *, span: tuple[int, int]
) -> list[tuple[int, int]]:
    """The offers of several rules of one target in one chunk (``span``): (eligible, newly
    created) for each rule, in the order given.

    On PostgreSQL the chunk's subjects and their records are read **once**, in one statement:
    a materialised CTE keeps every subject some rule takes, with one boolean column per rule
    and the values the offers need, and one data-modifying CTE per rule inserts that rule's
    offers from it. The main query counts them rule after rule, so each insert runs to its
    end before the next starts: of two rules in one exclusion group the first in ``batch``
    wins (ON CONFLICT sees the rows the earlier insert wrote, as between two runs). (A table
    of the transaction instead kept its lock until the transaction ended, one per chunk.)
    SQLite evaluates each rule on its own (`offers_insert`)."""
    if not batch:
        return []
    if len({rule["target"] for rule, _ in batch}) != 1:
        raise ValueError("offers_insert_many: rules of one target only")
    if connection.vendor != "postgresql":
        return [offers_insert(rule, terms=terms, where=Q(), span=span) for rule, terms in batch]
    statement, params = offers_insert_many_sql(batch, span=span)
    with _settings(_CHUNK_SETTINGS) as cursor:
        cursor.execute(statement, params)
        row = [int(n) for n in cursor.fetchone()]
    return [(row[2 * i], row[2 * i + 1]) for i in range(len(batch))]


def offers_insert_many_sql(
    batch: Sequence[tuple[Mapping[str, Any], OfferTerms]], *, span: tuple[int, int]
) -> tuple[str, tuple[Any, ...]]:
    """The statement `offers_insert_many` runs on PostgreSQL, and its parameters."""
    staging = _Staging(batch)
    sql, params = staging.queryset(span=span).query.sql_with_params()
    quote = connection.ops.quote_name
    inserts, counts = [], []
    for i in range(len(batch)):
        insert, insert_params = staging.insert(i)
        inserts.append(f"added{i} AS ({insert} RETURNING 1)")
        params = (*params, *insert_params)
        counts.append(
            f"(SELECT count(*) FROM {_STAGING} WHERE {quote(f'r{i}')}), "
            f"(SELECT count(*) FROM added{i})"
        )
    statement = (
        f"WITH {_STAGING} AS MATERIALIZED ({sql}), {', '.join(inserts)} SELECT {', '.join(counts)}"
    )
    return statement, tuple(params)


_STAGING = "chosen"
# For one chunk's statements: a chunk is one worker's share (the run's chunks already keep
# the cores busy: a parallel plan here had each of three processes read the whole chunk of
# people again for its merge join); no JIT (a chunk's insert plans cost enough to be
# compiled, and that took 0.15 s a statement); sorts of a chunk's subjects in memory.
# And no sequential scans: every table a chunk reads has an index on its range, and the probe
# of the offers already made must stay an index probe whatever the offers' statistics say — on
# an empty or freshly vacuumed offers table PostgreSQL planned a sequential scan for it (cost
# 0), and as the statement's own inserts filled the table each probe read all of them again:
# a first run's chunk of 500,000 people took minutes instead of 3 s.
_CHUNK_SETTINGS = {
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
    "work_mem": "64MB",
    "enable_seqscan": "off",
}


@contextmanager
def _settings(values: Mapping[str, str]) -> Iterator[Any]:
    """A cursor whose statements run with ``values``, in a transaction (the settings are local
    to it: outside one, as for a preview, each statement would be its own transaction and
    the settings gone before the next); the settings of before are restored after."""
    with transaction.atomic(), connection.cursor() as cursor:
        before = {}
        for name, value in values.items():
            cursor.execute(
                "SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value]
            )
            before[name] = cursor.fetchone()[0]
        yield cursor
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


class _Staging:
    """The chunk's subjects some rule of a batch takes, as one statement: ``r<i>`` whether
    rule i takes the subject, and the values the offers read — each distinct one once (the
    subject's identifier, the deceased's for a next-of-kin rule, an amount per paying rule).

    Person rules read the people's facts (`shareddata/facts.py`): the chunk is one key range
    of one table, where the people's covering index had to be merged with their insurance
    records' and death records' ranges."""

    def __init__(self, batch: Sequence[tuple[Mapping[str, Any], OfferTerms]]) -> None:
        self.batch = batch
        self.target = batch[0][0]["target"]
        self.facts = self.target == PERSON
        fields = FACT_FIELDS if self.facts else FIELDS[self.target]
        self.columns: dict[str, Any] = {"region": F(fields[SUBJECT_REGION[self.target]].lookup)}
        self.keys: list[str] = []  # rule i's subject key column
        self.abouts: list[str | None] = []  # rule i's about column (None: "")
        self.amounts: list[str | None] = []  # rule i's amount column (None: no amount)
        named: dict[str, str] = {}  # lookup → column

        def column(lookup: str) -> str:
            if lookup not in named:
                named[lookup] = f"v{len(named)}"
                self.columns[named[lookup]] = F(lookup)
            return named[lookup]

        for i, (rule, terms) in enumerate(batch):
            taken = rule_q(
                rule, on=terms.eligible_on, absent_joined=True, fields=fields
            ) & _has_subject(rule, fields=fields)
            self.columns[f"r{i}"] = ExpressionWrapper(taken, output_field=BooleanField())
            self.keys.append(column(_subject_lookup(rule, fields=fields)))
            next_of_kin = rule.get("subject") == "next_of_kin"
            self.abouts.append(column(fields[SUBJECT_KEY[PERSON]].lookup) if next_of_kin else None)
            if rule.get("amount"):
                self.columns[f"m{i}"] = amount_expression(rule["amount"], fields=fields)
            self.amounts.append(f"m{i}" if rule.get("amount") else None)

    def queryset(self, *, span: tuple[int, int]) -> models.QuerySet[Any]:
        rules = [rule for rule, _ in self.batch]
        if self.facts:
            model: type[models.Model] = PersonFacts
            within = Q(pk__gte=span[0], pk__lt=span[1])
        else:
            model, within = subject_model(rules[0]), _span_q(rules, span=span)
        anyone = Q(pk__in=[])
        for i in range(len(rules)):
            anyone |= Q(**{f"r{i}": True})
        staged: models.QuerySet[Any] = (
            model._default_manager.annotate(**self.columns)
            .filter(within, anyone)
            .values(*self.columns)
        )
        return staged

    def insert(self, i: int) -> tuple[str, list[Any]]:
        """Rule i's offers from the staging table: its subjects sorted by their identifier
        (each index probe and index entry lands beside the one before); one index probe
        each leaves out those already offered — a LATERAL probe, so that no estimate (the
        offers' statistics lag behind a run) turns it into reading all the rule's offers for
        every chunk; ON CONFLICT still covers a concurrent writer and the exclusion group."""
        rule, terms = self.batch[i]
        quote = connection.ops.quote_name
        deadline, publicity = terms.dates(rule)
        status = terms.status(rule)
        constants: dict[str, Any] = {
            "version_id": terms.version_id,
            "run_id": terms.run_id,
            "rule_code": rule["code"],
            "period": terms.period,
            "subject_kind": rule["target"],
            "about_key": "",
            "exclusion_group": rule.get("exclusion_group"),
            "amount": None,
            "status": status,
            "eligible_on": terms.eligible_on,
            "deadline": deadline,
            "publicity_until": publicity,
            "created_at": terms.now,
            "decided_at": terms.now if status == OfferStatus.GRANTED else None,
        }
        staged = {"subject_key": self.keys[i], "region_code": "region"}
        for name, column in (("about_key", self.abouts[i]), ("amount", self.amounts[i])):
            if column is not None:
                staged[name] = column
        values, params = [], []
        for name in _COLUMNS:
            if name in staged:
                values.append(f"s.{quote(staged[name])}")
            else:
                field = Offer._meta.get_field(name)
                values.append(f"%s::{field.db_type(connection)}")  # type: ignore[union-attr]
                params.append(constants[name])
        key, about = quote(staged["subject_key"]), quote(staged.get("about_key", ""))
        order, same_about = key, "''"
        if "about_key" in staged:
            order, same_about = f"{key}, {about}", f"s.{about}"
        table = quote(Offer._meta.db_table)
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in _COLUMNS)}) "
            f"SELECT {', '.join(values)} FROM (SELECT * FROM {_STAGING} "
            f"WHERE {quote(f'r{i}')} ORDER BY {order} OFFSET 0) s "
            f"LEFT JOIN LATERAL (SELECT 1 AS found FROM {table} o "
            f"WHERE o.rule_code = %s AND o.period = %s AND o.subject_key = s.{key} "
            f"AND o.about_key = {same_about} LIMIT 1) offered ON true "
            "WHERE offered.found IS NULL ON CONFLICT DO NOTHING"
        )
        return sql, [*params, rule["code"], terms.period]


def offer_terms(*, version_id: int, run_id: int, period: str, eligible_on: dt.date) -> OfferTerms:
    return OfferTerms(
        version_id=version_id,
        run_id=run_id,
        period=period,
        eligible_on=eligible_on,
        today=timezone.localdate(),
        now=timezone.now(),
    )

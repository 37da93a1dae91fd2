"""The people's facts: one row per person of the shared-data source with every column a
免申即办 person rule may read (`proactive/language/fields.py`), their insurance and death
records joined in.

A preview counts every person rule over all the people. Read from the source, that is a join
of the people with their insurance and death records, which at 10 M people cost more than
3 s even as a merge of two covering indexes; read from this table it is one scan of one table
(docs/ARCHITECTURE.md, "The person rules' facts").

The table is kept by the database itself, in the same transaction as every write to the three
source tables: row triggers (migration `shareddata/0009`, PostgreSQL and SQLite) write the
person's row again from the view `shareddata_personfacts_source`, the one definition of what a
row holds. So a preview reads live data. A bulk load may set the triggers aside for its own
transaction (`facts_deferred`) and then write the rows of the people it loaded in ranges
(`facts_refresh`).

On SQLite, a later migration that remakes one of the three tables (Django copies a table to
alter it) drops that table's triggers with it: such a migration must create them again, and
`tests/shareddata/test_facts.py` fails until it does.

Column names are the rule fields' lookups with ``__`` as ``_`` (``insurance__status`` →
``insurance_status``): `proactive.language.fields.FACT_FIELDS` reads them so, and a test holds
the table to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

SOURCE_VIEW = "shareddata_personfacts_source"
# The setting with which a transaction's writes skip the triggers (PostgreSQL; a custom
# setting any role may set, unlike session_replication_role).
DEFERRED_SETTING = "kuaiban.facts_deferred"
# People per statement of `facts_refresh`: each range is a merge of the three tables' key
# indexes in order (at 10 M, 1 M-person ranges took 26 s in all against 48 s for one
# statement, which hashed the whole tables).
REFRESH_RANGE = 1_000_000


class PersonFacts(models.Model):
    """Written only by the database's triggers and `facts_refresh`: never by a form or the
    admin."""

    id = models.BigIntegerField(primary_key=True, help_text=_("人员的主键。"))
    id_number = models.CharField(_("居民身份证号"), max_length=18)
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=2)
    birth_date = models.DateField(_("出生日期"))
    region_code = models.CharField(_("户籍地区代码"), max_length=6)
    education = models.CharField(_("学历"), max_length=20)
    graduated_on = models.DateField(_("高校毕业日期"), null=True)
    # NULL in a record's column: the person has no such record (the view's LEFT JOIN), which
    # an `absent` condition reads as absent, as it does on the source; so text may be NULL.
    insurance_status = models.CharField(_("参保状态"), max_length=20, null=True)  # noqa: DJ001
    insurance_unit_name = models.CharField(_("参保单位"), max_length=120, null=True)  # noqa: DJ001
    insurance_first_contribution_date = models.DateField(_("首次参保日期"), null=True)
    insurance_contribution_months = models.PositiveIntegerField(_("累计缴费月数"), null=True)
    insurance_monthly_wage = models.DecimalField(
        _("本人月缴费工资"), max_digits=10, decimal_places=2, null=True
    )
    insurance_injury_grade = models.PositiveSmallIntegerField(_("伤残等级"), null=True)
    insurance_last_activity_on = models.DateField(_("最近活动日期"), null=True)
    death_died_on = models.DateField(_("死亡日期"), null=True)
    death_next_of_kin_id_number = models.CharField(_("近亲属身份证号"), max_length=18, null=True)  # noqa: DJ001
    death_next_of_kin_relation = models.CharField(_("与逝者关系"), max_length=10, null=True)  # noqa: DJ001
    death_dependants = models.PositiveSmallIntegerField(_("供养直系亲属人数"), null=True)

    class Meta:
        verbose_name = _("人员规则事实")
        verbose_name_plural = _("人员规则事实")

    def __str__(self) -> str:
        return str(self.id)


def facts_deferred() -> None:
    """The current transaction's writes to the people's tables leave the facts alone (a bulk
    load, which then calls `facts_refresh` for what it wrote). PostgreSQL; a no-op elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [DEFERRED_SETTING])


def people_key_span(*, after: int) -> tuple[int | None, int | None]:
    """The lowest and highest primary key of the people above ``after`` (None: none)."""
    from kuaiban.shareddata.models import Person

    span = Person.objects.filter(pk__gt=after).aggregate(low=Min("pk"), high=Max("pk"))
    return span["low"], span["high"]


def facts_refresh(
    *,
    span: tuple[int | None, int | None],
    step: int = REFRESH_RANGE,
    advance: Callable[[int], Any] | None = None,
) -> int:
    """Write again the facts of every person whose key is in ``span`` (`people_key_span`),
    ``step`` keys per transaction, in key order; the number of rows written. ``advance(n)``
    after each range (a progress bar)."""
    first, last = span
    if first is None or last is None:
        return 0
    table = connection.ops.quote_name(PersonFacts._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in PersonFacts._meta.fields)
    written = 0
    for low in range(first, last + 1, step):
        high = min(low + step, last + 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id >= %s AND id < %s", [low, high])
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {SOURCE_VIEW} "
                "WHERE id >= %s AND id < %s",
                [low, high],
            )
            written += cursor.rowcount
        if advance is not None:
            advance(high - low)
    return written

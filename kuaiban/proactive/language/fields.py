"""The shared-data fields a proactive rule may read: a path, its label, its type and where it
lives in the built-in source (the ORM lookup from the subject's table).

One table per target: a person rule reads `Person` and its one-to-one records (insurance,
death); a unit rule reads `Enterprise`. The same path names the value in a rule's condition,
in its test cases' data and in the explanation shown to the person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PERSON, UNIT = "person", "unit"


@dataclass(frozen=True)
class DataField:
    path: str
    label: str
    field_type: str  # the catalogue's field types: text, integer, money, date, id_number, choice
    lookup: str  # the ORM lookup from Person (person rules) or Enterprise (unit rules)
    choices: tuple[str, ...] = field(default=())


def _fields(*rows: DataField) -> dict[str, DataField]:
    return {row.path: row for row in rows}


PERSON_FIELDS: Mapping[str, DataField] = _fields(
    DataField("person.id_number", "居民身份证号", "id_number", "id_number"),
    DataField("person.name", "姓名", "text", "name"),
    DataField("person.gender", "性别", "choice", "gender", ("男", "女")),
    DataField("person.birth_date", "出生日期", "date", "birth_date"),
    DataField("person.region_code", "户籍地区代码", "text", "region_code"),
    DataField("person.education", "学历", "text", "education"),
    DataField("person.graduated_on", "高校毕业日期", "date", "graduated_on"),
    DataField(
        "insurance.status",
        "参保状态",
        "choice",
        "insurance__status",
        ("正常参保", "暂停缴费", "已退休"),
    ),
    DataField("insurance.unit_name", "参保单位", "text", "insurance__unit_name"),
    DataField(
        "insurance.first_contribution_date",
        "首次参保日期",
        "date",
        "insurance__first_contribution_date",
    ),
    DataField(
        "insurance.contribution_months", "累计缴费月数", "integer", "insurance__contribution_months"
    ),
    DataField("insurance.monthly_wage", "本人月缴费工资", "money", "insurance__monthly_wage"),
    DataField("insurance.injury_grade", "伤残等级", "integer", "insurance__injury_grade"),
    DataField("insurance.last_activity_on", "最近活动日期", "date", "insurance__last_activity_on"),
    DataField("death.died_on", "死亡日期", "date", "death__died_on"),
    DataField(
        "death.next_of_kin_id_number",
        "近亲属身份证号",
        "id_number",
        "death__next_of_kin_id_number",
    ),
    DataField(
        "death.next_of_kin_relation",
        "近亲属与逝者关系",
        "choice",
        "death__next_of_kin_relation",
        ("配偶", "子女", "父母", "兄弟姐妹", "其他"),
    ),
    DataField("death.dependants", "供养直系亲属人数", "integer", "death__dependants"),
)

UNIT_FIELDS: Mapping[str, DataField] = _fields(
    DataField("enterprise.credit_code", "统一社会信用代码", "credit_code", "credit_code"),
    DataField("enterprise.name", "单位名称", "text", "name"),
    DataField("enterprise.region_code", "注册地区代码", "text", "region_code"),
    DataField("enterprise.size", "企业规模", "choice", "size", ("大型", "中型", "小型", "微型")),
    DataField("enterprise.insured_since", "失业保险参保日期", "date", "insured_since"),
    DataField("enterprise.employees", "参保职工人数", "integer", "employees"),
    DataField("enterprise.layoffs_last_year", "上年度裁员人数", "integer", "layoffs_last_year"),
    DataField("enterprise.arrears", "欠缴社会保险费", "money", "arrears"),
    DataField("enterprise.ui_paid_last_year", "上年度失业保险费", "money", "ui_paid_last_year"),
)

FIELDS: Mapping[str, Mapping[str, DataField]] = {PERSON: PERSON_FIELDS, UNIT: UNIT_FIELDS}
# The same person fields read from the people's facts (`shareddata/facts.py`, one row a person,
# records joined in): each lookup's ``__`` is a ``_`` there.
FACT_FIELDS: Mapping[str, DataField] = {
    path: dataclasses.replace(row, lookup=row.lookup.replace("__", "_"))
    for path, row in PERSON_FIELDS.items()
}
# The subject's own identifier, region and name (for offers and notifications).
SUBJECT_KEY = {PERSON: "person.id_number", UNIT: "enterprise.credit_code"}
SUBJECT_REGION = {PERSON: "person.region_code", UNIT: "enterprise.region_code"}
SUBJECT_NAME = {PERSON: "person.name", UNIT: "enterprise.name"}
# A rule for the next of kin reads the deceased's data and offers to the person named here.
NEXT_OF_KIN_KEY = "death.next_of_kin_id_number"


def values_from_text(values: Mapping[str, str], *, target: str) -> dict[str, Any]:
    """A connector's answer (path → text, `kuaiban/shareddata/README.md`) as a rule reads
    values: dates, whole numbers and money typed, paths the rule language does not know left
    out. A value that is not of its type raises ValueError naming the path."""
    typed: dict[str, Any] = {}
    for path, text in values.items():
        field = FIELDS[target].get(path)
        if field is None:
            continue
        try:
            typed[path] = _PARSE.get(field.field_type, str)(text)
        except (ValueError, ArithmeticError) as error:
            raise ValueError(f"{path}：{text!r} 不是{field.label}的有效值") from error
    return typed


def _money(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    return value


_PARSE: Mapping[str, Callable[[str], Any]] = {
    "date": dt.date.fromisoformat,
    "integer": int,
    "money": _money,
}

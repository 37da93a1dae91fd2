"""What an online check compares: the fact the applicant promised (a value their form states,
e.g. a certificate number or a date) with what shared data holds for it.

A check rule names one of the facts below by its path (pack data, `packs/controls/
commitments.yaml`); nothing in a rule is evaluated. Profile paths come from a person or unit
lookup (`SharedDataConnector.person`), record paths from the person's records
(`SharedDataConnector.records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kuaiban.shareddata.connectors.base import SharedProfile
from kuaiban.shareddata.connectors.records import PersonRecords

# A commitment whose form states nothing to compare is checked by an officer.
UNSTATED_NOTE = "申请中未填写所承诺的内容，无法在线比对，请经办人核查"


@dataclass(frozen=True)
class SharedFact:
    label: str  # what the value is, for people
    source: str  # the kind of record whose presence means the data has arrived
    is_date: bool
    from_records: bool = False


ONLINE_FACTS: dict[str, SharedFact] = {
    "employment.end_date": SharedFact("就业登记记录中的劳动关系终止日期", "employment", True),
    "insurance.first_contribution_date": SharedFact(
        "社会保险参保记录中的首次参保日期", "insurance", True
    ),
    "person.graduated_on": SharedFact("教育部门共享的高校毕业日期", "person", True),
    # 职业资格证书和职业技能等级证书 (the vocational skill certificate records), not the
    # 技工院校毕业证书 among the e-certificates.
    "skill_certificate.number": SharedFact(
        "职业资格证书或职业技能等级证书的证书编号", "skill_certificate", False, True
    ),
}


def fact_values(
    path: str, *, profile: SharedProfile | None, records: PersonRecords | None
) -> tuple[list[str], bool]:
    """The values shared data holds for ``path``, and whether a record of its kind is on file."""
    fact = ONLINE_FACTS[path]
    if fact.from_records:
        numbers = [s.number for s in records.skills] if records is not None else []
        return numbers, bool(numbers)
    if profile is None:
        return [], False
    value = profile.values.get(path, "")
    return ([value] if value else []), fact.source in profile.sources


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    FALSE = "false"
    WAIT = "wait"  # nothing to compare with yet: try again when the data arrives


def _normal(value: str, *, is_date: bool) -> str:
    text = "".join(value.split()).upper()
    if is_date:
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return text
    return text


def online_verdict(
    *,
    promised: str,
    found: Sequence[str],
    on_file: bool,
    is_date: bool,
    false_without_value: bool,
) -> Verdict:
    """The one rule: the promised value among the values on file → confirmed; values on file
    but none equal → false; a record of the kind on file without the value → false where the
    rule says so (e.g. an employment still running); else wait for the data."""
    if found:
        wanted = _normal(promised, is_date=is_date)
        if any(_normal(v, is_date=is_date) == wanted for v in found):
            return Verdict.CONFIRMED
        return Verdict.FALSE
    if on_file and false_without_value:
        return Verdict.FALSE
    return Verdict.WAIT

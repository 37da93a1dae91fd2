"""What every connector gives: value paths, record references, and one failure type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kuaiban.shareddata.connectors.records import PersonRecords

# The e-certificates a person answer may carry, by kind (`ECertificate.kind` locally).
DISABILITY_CARD = "disability_card"
CERTIFICATE_KINDS = ("social_security_card", "employment_card", "graduation", DISABILITY_CARD)

# Every value path a connector may return; catalogue fields may prefill only from these.
PREFILL_PATHS = frozenset(
    {
        *(
            f"person.{k}"
            for k in (
                "name",
                "id_number",
                "gender",
                "birth_date",
                "phone",
                "address",
                "household_address",
                "education",
            )
        ),
        *(
            f"insurance.{k}"
            for k in (
                "unit_name",
                "first_contribution_date",
                "contribution_months",
                "status",
                "region",
                "card_bank",
                "card_bank_account",
            )
        ),
        *(f"employment.{k}" for k in ("unit_name", "unit_credit_code", "start_date", "end_date")),
        *(f"unemployment.{k}" for k in ("registered_on", "reason")),
        *(
            f"enterprise.{k}"
            for k in (
                "name",
                "credit_code",
                "legal_representative",
                "address",
                "phone",
                "established_date",
            )
        ),
        *(f"e_certificate.{k}" for k in CERTIFICATE_KINDS),
    }
)

# The 残疾人证 number (残联's data, shared like the other certificates): the hall's 绿色通道 reads
# it (`appointments.services`), and a form may prefill it.
DISABILITY_CARD_PATH = f"e_certificate.{DISABILITY_CARD}"

# The kinds of record (catalogue.SharedSource values): the part of a path before the dot.
SHARED_SOURCES = frozenset(path.split(".", 1)[0] for path in PREFILL_PATHS)

# The facts the 免申即办 rules read beyond the prefill paths (`kuaiban/proactive/language/
# fields.py`): a connector may return them too, so a subject's eligibility can be explained
# from the platform's answer; no catalogue field prefills from them.
FACT_PATHS = frozenset(
    {
        "person.region_code",
        "person.graduated_on",
        *(
            f"insurance.{k}"
            for k in ("monthly_wage", "injury_grade", "last_activity_on", "pension_account_balance")
        ),
        *(
            f"death.{k}"
            for k in (
                "died_on",
                "next_of_kin_id_number",
                "next_of_kin_name",
                "next_of_kin_relation",
                "dependants",
            )
        ),
        *(
            f"enterprise.{k}"
            for k in (
                "region_code",
                "size",
                "insured_since",
                "employees",
                "layoffs_last_year",
                "arrears",
                "ui_paid_last_year",
            )
        ),
    }
)
CONNECTOR_PATHS = PREFILL_PATHS | FACT_PATHS
# The kinds of record an answer may cite: the shared sources and the death register (死亡信息).
RECORD_SOURCES = frozenset(path.split(".", 1)[0] for path in CONNECTOR_PATHS)

# What a person lookup may return, and what an enterprise lookup may return.
PERSON_PATHS = frozenset(p for p in CONNECTOR_PATHS if not p.startswith("enterprise."))
ENTERPRISE_PATHS = CONNECTOR_PATHS - PERSON_PATHS


class SharedDataUnavailable(Exception):
    """The source could not answer (down, slow, broken answer): ask the applicant instead.

    The message is Chinese and safe to log: it never contains an ID number.
    """


@dataclass(frozen=True)
class RecordRef:
    source: str  # a catalogue.SharedSource value
    connector: str
    record: str  # the record's identifier in that source


@dataclass
class SharedProfile:
    values: dict[str, str] = field(default_factory=dict)
    records: list[RecordRef] = field(default_factory=list)

    @property
    def sources(self) -> set[str]:
        return {r.source for r in self.records}


class SharedDataConnector(Protocol):
    """Answers with a profile, None when nothing is on file, or raises SharedDataUnavailable."""

    name: str

    def person(self, id_number: str) -> SharedProfile | None: ...

    def enterprise(self, credit_code: str) -> SharedProfile | None: ...

    # The records behind the self-service queries (``records.PersonRecords``), None when the
    # person is not on file.
    def records(self, id_number: str) -> PersonRecords | None: ...

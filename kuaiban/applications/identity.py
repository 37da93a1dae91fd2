"""The applicant's registered identity answers its own fields of the merged form.

A window clerk registers the walk-in (name, ID number or credit code, phone) after checking the
identity document; an applicant's account carries their own ID number or credit code. Those
values fill the form fields that describe the applicant (the person's, the claimant's where a
form asks for one, or the unit's), which are shown read-only, and a submitted form that says
otherwise is refused instead of being stored beside a different applicant (pure: no database).
"""

from __future__ import annotations

from dataclasses import dataclass

# Form field key → which part of the identity answers it.
_PERSON_FIELDS = {"person_name": "name", "id_number": "id_number", "phone": "phone"}
# Where a form asks for a claimant (申领人, e.g. for a deceased person's benefits), the person
# fields describe somebody else and the applicant is the claimant.
_CLAIMANT_FIELDS = {"claimant_name": "name", "claimant_id_number": "id_number", "phone": "phone"}
_UNIT_FIELDS = {"unit_name": "name", "credit_code": "credit_code"}


@dataclass(frozen=True)
class Identity:
    """Who the application is for; empty parts are not registered and bind nothing."""

    person: bool
    name: str = ""
    id_number: str = ""
    credit_code: str = ""
    phone: str = ""

    def form_values(self, asked: set[str]) -> dict[str, str]:
        """The ``asked`` form fields this identity answers, with its values."""
        if not self.person:
            fields = _UNIT_FIELDS
        elif "claimant_id_number" in asked:
            fields = _CLAIMANT_FIELDS
        else:
            fields = _PERSON_FIELDS
        values = {key: str(getattr(self, part)).strip() for key, part in fields.items()}
        return {key: value for key, value in values.items() if value and key in asked}


def identity_of(
    *, person: bool, id_number: str, credit_code: str, walk_in: dict[str, str]
) -> Identity:
    """The identity the intake pages show: a clerk's registered walk-in (``walk_in``), else the
    account's own identifier (``person``, ``id_number``, ``credit_code``)."""
    if walk_in:
        return Identity(
            person=bool(walk_in.get("id_number")),
            name=walk_in.get("name", ""),
            id_number=walk_in.get("id_number", ""),
            credit_code=walk_in.get("credit_code", ""),
            phone=walk_in.get("phone", ""),
        )
    return Identity(person=person, id_number=id_number, credit_code=credit_code)


def _same(key: str, given: str, registered: str) -> bool:
    given, registered = given.strip(), registered.strip()
    if key in ("id_number", "credit_code"):
        return given.upper() == registered.upper()
    return given == registered


def identity_apply(
    *, identity: Identity, form: dict[str, object], asked: set[str]
) -> dict[str, list[str]]:
    """Fill the identity's answers to the ``asked`` fields into ``form`` (in place); return an
    error for each field that names somebody else."""
    errors: dict[str, list[str]] = {}
    for key, registered in identity.form_values(asked).items():
        given = form.get(key)
        if given in (None, ""):
            form[key] = registered
        elif not _same(key, str(given), registered):
            errors[f"form.{key}"] = ["与登记的申请人身份不一致；如登记有误，请重新登记申请人"]
        else:
            form[key] = registered
    return errors

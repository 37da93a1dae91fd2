"""亮证: the 电子社保卡, 《就业创业证》 and 技工院校毕业证书 shown on the phone with a QR code that
changes every minute, checked by a clerk's scan page or the API.

The QR carries a token signed with the site's key (Django's signing, HMAC-SHA256): whose
account, which credential, and the minute it was made. A token is good in its minute and for
`GRACE_SECONDS` into the next (the moment between showing and scanning); an older one — a
screenshot — is refused, and so is one whose signature does not match. The credential's state
is read when it is checked, not when it was shown: a card reported lost a moment ago fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardStatus
from kuaiban.cards.rules import ECardState
from kuaiban.cards.selectors import card_current
from kuaiban.core.masking import mask_card_number, mask_id_number
from kuaiban.shareddata.selectors import lookup_person

SALT = "kuaiban.cards.show"
WINDOW_SECONDS = 60
GRACE_SECONDS = 30

# kind → title. The first is our own card record; the others are e-certificates in shared data.
KINDS: dict[str, str] = {
    "card": "电子社会保障卡",
    "employment_card": "《就业创业证》",
    "graduation": "技工院校毕业证书",
}


class CredentialRefused(Exception):
    """A token that is not ours, was changed, is too old, or names nothing shown now."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Credential:
    kind: str
    title: str
    number: str  # in full: for the holder's own page only
    holder_name: str
    id_number: str
    state: str  # ECardState value, or "valid" for an e-certificate on file
    state_label: str

    @property
    def valid(self) -> bool:
        return self.state == ECardState.VALID

    @property
    def number_masked(self) -> str:
        return mask_card_number(self.number)


def mask_name(name: str) -> str:
    """张建国 → 张*国, 王芳 → 王*: the family name and, for longer names, the last character."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def credentials_for(user: User) -> list[Credential]:
    """What the person can show: the electronic card when they have a card record, and each
    e-certificate shared data holds for them."""
    if user.role != Role.PERSON or not user.id_number:
        return []
    found: list[Credential] = []
    card = card_current(user.id_number)
    if card is not None:
        state = ECardState.of(CardStatus(card.status))
        found.append(
            Credential(
                kind="card",
                title=KINDS["card"],
                number=card.number,
                holder_name=card.name,
                id_number=card.id_number,
                state=state,
                state_label=ECardState.LABELS[state],
            )
        )
    lookup = lookup_person(id_number=user.id_number)
    values = lookup.profile.values if lookup.profile else {}
    for kind in ("employment_card", "graduation"):
        number = values.get(f"e_certificate.{kind}", "").strip()
        if number:
            found.append(
                Credential(
                    kind=kind,
                    title=KINDS[kind],
                    number=number,
                    holder_name=values.get("person.name", "") or user.display_name,
                    id_number=user.id_number,
                    state=ECardState.VALID,
                    state_label="有效",
                )
            )
    return found


def credential_of(user: User, kind: str) -> Credential | None:
    return next((c for c in credentials_for(user) if c.kind == kind), None)


def _window(now: dt.datetime) -> tuple[int, int]:
    stamp = int(now.timestamp())
    return stamp // WINDOW_SECONDS, stamp % WINDOW_SECONDS


def show_token(*, user: User, kind: str, now: dt.datetime | None = None) -> str:
    """The same token all through its minute (the minute is in it; no second-stamp), so the
    phone's QR does not change on each refresh and a scanner can compare it."""
    window, _second = _window(now or timezone.now())
    return signing.Signer(salt=SALT).sign_object({"u": user.pk, "k": kind, "w": window})


def show_token_expires(now: dt.datetime | None = None) -> dt.datetime:
    """When a token made now stops being accepted."""
    window, _second = _window(now or timezone.now())
    return dt.datetime.fromtimestamp((window + 1) * WINDOW_SECONDS + GRACE_SECONDS, tz=dt.UTC)


def show_token_check(token: str, *, now: dt.datetime | None = None) -> Credential:
    """The credential a fresh, genuine token stands for, in its state now; else refused."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token.strip())
    except signing.BadSignature:
        raise CredentialRefused(
            "二维码无效：不是本平台签发的亮证码，或内容已被改动", code="forged"
        ) from None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("u"), int)
        and data.get("k") in KINDS
        and isinstance(data.get("w"), int)
    ):
        raise CredentialRefused("二维码无效：内容不完整", code="forged")
    window, second = _window(now or timezone.now())
    age = window - data["w"]
    if age < 0 or age > 1 or (age == 1 and second >= GRACE_SECONDS):
        raise CredentialRefused(
            "二维码已过期：亮证码每分钟更新，截图或旧码无效，请持证人刷新后重新出示", code="expired"
        )
    user = User.objects.filter(pk=data["u"], role=Role.PERSON, is_active=True).first()
    credential = credential_of(user, data["k"]) if user is not None else None
    if credential is None:
        raise CredentialRefused("二维码无效：没有查到该证照", code="not_found")
    return credential


def holder_masked(credential: Credential) -> dict[str, str]:
    return {
        "name": mask_name(credential.holder_name),
        "id_number": mask_id_number(credential.id_number),
    }

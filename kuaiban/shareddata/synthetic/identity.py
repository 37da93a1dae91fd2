"""Unique identifiers without a lookup: each index maps to its own slot of the number space.

An affine map ``slot = (a·i + b) mod M`` with ``gcd(a, M) = 1`` is a permutation of
``0 … M-1``: different indexes never share a slot, and consecutive indexes land far apart.
A slot then decodes into the parts of an ID number or a credit code.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from kuaiban.core.identifiers import credit_code_check_char

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code
SEQUENCES = 999  # the three-digit sequence of an ID number: 001 … 999
ORG_BODIES = len(USCC_CHARS) ** 6  # six free characters after "MA"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Permutation:
    size: int
    multiplier: int
    offset: int

    @classmethod
    def seeded(cls, *, size: int, rng: random.Random) -> Permutation:
        while True:
            multiplier = rng.randrange(size // 3 + 1, size)
            if math.gcd(multiplier, size) == 1:
                return cls(size=size, multiplier=multiplier, offset=rng.randrange(size))

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise IndexError(f"{index} outside 0…{self.size - 1}")
        return (self.multiplier * index + self.offset) % self.size


class IdNumbers:
    """居民身份证号 of slots: a region, a birth date (a day of a range) and a sequence (odd for
    men, even for women), then the GB 11643 check digit. Each part's digits and its share of
    the check's weighted sum are worked out once: a number is four lookups and a sum."""

    def __init__(self, *, regions: Sequence[str], first_birth: dt.date, days: int) -> None:
        first = first_birth.toordinal()
        births = (dt.date.fromordinal(first + day) for day in range(days))
        self._regions = [_part(code, _ID_WEIGHTS[:6]) for code in regions]
        self._births = [
            _part(f"{b.year:04d}{b.month:02d}{b.day:02d}", _ID_WEIGHTS[6:14]) for b in births
        ]
        self._sequences = [_part(f"{n:03d}", _ID_WEIGHTS[14:]) for n in range(SEQUENCES + 1)]

    def __call__(self, region: int, day: int, sequence: int) -> str:
        """The number of region ``region`` (its place in ``regions``), born ``day`` days after
        ``first_birth``, with ``sequence`` (1 … 999)."""
        region_digits, region_sum = self._regions[region]
        birth_digits, birth_sum = self._births[day]
        sequence_digits, sequence_sum = self._sequences[sequence]
        check = _ID_CHECK[(region_sum + birth_sum + sequence_sum) % 11]
        return f"{region_digits}{birth_digits}{sequence_digits}{check}"


def _part(digits: str, weights: tuple[int, ...]) -> tuple[str, int]:
    """``digits`` and their weighted sum."""
    return digits, sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def organisation_code(body8: str) -> str:
    """GB 11714 organisation code: eight characters and their check character."""
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(*, region: str, body: int) -> str:
    """统一社会信用代码 of a company (登记管理部门 9, 类别 1) registered in ``region``.

    ``body`` (0 … ORG_BODIES-1) picks the six characters after "MA", the prefix of
    organisation codes given out since the 2015 reform.
    """
    chars = []
    for _ in range(6):
        body, digit = divmod(body, len(USCC_CHARS))
        chars.append(USCC_CHARS[digit])
    first17 = f"91{region}{organisation_code('MA' + ''.join(chars))}"
    return first17 + credit_code_check_char(first17)


def card_number(*, region: str, local: int) -> str:
    """A 社会保障卡 number unique per person: district, country code 156, eight scrambled digits.

    ``local`` is unique within the district and below 10⁸; multiplying by a number prime to
    10 permutes the eight digits, so numbers do not give away the birth date.
    """
    return f"{region}D156{(local * 38_261_197 + 4_729) % 10**8:08d}"

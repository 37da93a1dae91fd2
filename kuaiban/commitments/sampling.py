"""Reproducible random sampling (随机抽查): which commitments are drawn, and why.

The draw is a pure function of the bureau's seed, the application number and the material:
anybody can recompute it from the stored values and get the same answer.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal


def sample_value(*, seed: str, number: str, material_code: str) -> float:
    """A number in [0, 1) from the first 52 bits of SHA-256 over ``seed:number:material``."""
    digest = hashlib.sha256(f"{seed}:{number}:{material_code}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 12) / float(1 << 52)


def is_drawn(*, value: float, rate: Decimal) -> bool:
    """Drawn when the value falls under the rate: rate 1 draws all, 0 none."""
    return value < float(rate)

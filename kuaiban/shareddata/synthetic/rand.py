"""A quicker random generator for bulk synthesis.

``random.Random``'s integer methods go through Python-level argument checks and
bit-exact rejection sampling; here they scale one C-level ``random()`` draw instead.
The bias (below 2⁻⁴⁰ for the ranges used) does not matter for synthetic data, and the
draws stay reproducible from the seed.
"""

from __future__ import annotations

import _random
import random
from bisect import bisect
from collections.abc import Sequence
from typing import Any


class QuickRandom(random.Random):
    def __init__(self, seed: int) -> None:
        # An int seed goes to the C generator directly: random.Random's __init__ and seed()
        # only look at the seed's type before doing the same (a generator per person: ≈ 1 µs).
        _random.Random.seed(self, seed)
        self.gauss_next = None

    def _randbelow(self, n: int) -> int:  # used by choice(), sample() and shuffle()
        return int(self.random() * n)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    # The same draws as random.Random's, from the same single random() each, without its
    # Python-level checks: the values of a seed do not change.
    def choice(self, seq: Sequence[Any]) -> Any:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def choices(  # type: ignore[override]
        self,
        population: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[Any]:
        if weights is not None or cum_weights is None:
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        total = cum_weights[-1] + 0.0
        hi = len(population) - 1
        return [population[bisect(cum_weights, self.random() * total, 0, hi)] for _ in range(k)]

    def sample(  # type: ignore[override]
        self, population: Sequence[Any], k: int, *, counts: Sequence[int] | None = None
    ) -> list[Any]:
        n = len(population)
        if counts is not None or not 0 <= k <= 5 or n <= 21:
            return super().sample(population, k, counts=counts)
        # random.Random.sample's own way for a few out of many (its set of drawn positions, a
        # repeat drawn again), without its checks and list of Nones.
        random = self.random
        picked: list[int] = []
        for _ in range(k):
            j = int(random() * n)
            while j in picked:
                j = int(random() * n)
            picked.append(j)
        return [population[j] for j in picked]

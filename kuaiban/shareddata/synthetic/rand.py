"""A quicker random generator for bulk synthesis.

``random.Random``'s integer methods go through Python-level argument checks and
bit-exact rejection sampling; here they scale one C-level ``random()`` draw instead.
The bias (below 2⁻⁴⁰ for the ranges used) does not matter for synthetic data, and the
draws stay reproducible from the seed.
"""

from __future__ import annotations

import random


class QuickRandom(random.Random):
    def _randbelow(self, n: int) -> int:  # used by choice(), sample() and shuffle()
        return int(self.random() * n)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

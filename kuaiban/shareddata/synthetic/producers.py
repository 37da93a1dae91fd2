"""Per-person tables beyond the core records: each producer draws one person's rows of one
table from the drafted person (its identity, insurance, jobs) and the person's own random
generator, which it continues after the core draws — so adding a producer at the end of
`PERSON_PRODUCERS` leaves every earlier value of a seed unchanged.

A producer's rows are tuples of its table's columns without `person_id` (see `rows.py`);
`shareddata.bulk` writes them with the core records, by COPY on PostgreSQL, and `--clear`
removes them with their person (their foreign key cascades).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.source import PersonDraft, Synthesizer


@dataclass(frozen=True)
class RowProducer:
    model: type[models.Model]
    rows: Callable[[Synthesizer, PersonDraft, random.Random], Sequence[tuple[Any, ...]]]


# Called in this order for every generated person; append new tables at the end.
PERSON_PRODUCERS: list[RowProducer] = []

"""A column copied from another row when this one is made, and never changed after: a
sub-case's region, pack and bundle from its application (`cases.SubCase.region`), a
rectification ticket's from its rating (`ratings.RectificationTicket.region`).

Not editable, in the admin or a form, apart from its source; no index of its own (the reads
that filter by it reach the rows by another); no cascade (the source's own protection guards
the row it names).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Text
else:
    Text = str


def copied_column(to: str, name: Text, *, null: bool = False) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        to,
        verbose_name=name,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        editable=False,
        null=null,
        blank=null,
    )

"""Which materials have a file to download: one rule for the officers' workbench and for the
agencies' own systems (``kuaiban.cases.material_listing``).

A material has a file when one is stored, whatever its provision: ``uploaded`` at submission,
or ``gap`` (容缺) supplied later, which keeps its provision and gains the file. Shared data, an
online form, a commitment and a gap not yet supplied have none. The provision says how the
material was promised, not whether there is a file now.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kuaiban.applications.models import ApplicationMaterial


def with_stored_file(
    materials: QuerySet[ApplicationMaterial],
) -> QuerySet[ApplicationMaterial]:
    """The materials among ``materials`` that have a stored file (in the query)."""
    return materials.exclude(file="")


def has_stored_file(material: ApplicationMaterial) -> bool:
    """The same rule for a row already loaded: ``with_stored_file`` would keep it."""
    return bool(material.file)

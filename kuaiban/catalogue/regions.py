"""The region tree (province → city → district → …), read in one query and walked in memory.

Whoever needs "a region and everything below it" — a supervisor's scope, the applications a
supervisor may open, the ratings and tickets they follow — asks here, so any depth works and
the rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kuaiban.catalogue.models import Region


@dataclass(frozen=True)
class RegionNode:
    pk: int
    code: str
    name: str
    level: str
    parent_id: int | None


class RegionTree:
    """All regions, with parent → children links, from one query."""

    def __init__(self, nodes: Iterable[RegionNode]) -> None:
        self.nodes: dict[int, RegionNode] = {n.pk: n for n in nodes}
        self.children: dict[int | None, list[int]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.code):
            self.children.setdefault(node.parent_id, []).append(node.pk)

    @classmethod
    def load(cls) -> RegionTree:
        rows = Region.objects.values_list("pk", "code", "name", "level", "parent_id")
        return cls(RegionNode(*row) for row in rows)

    def below(self, pk: int) -> frozenset[int]:
        """``pk`` and every region under it."""
        found: set[int] = set()
        todo = [pk]
        while todo:
            current = todo.pop()
            if current in found:
                continue  # a cycle entered in the admin must not loop forever
            found.add(current)
            todo.extend(self.children.get(current, []))
        return frozenset(found)

    def ancestors(self, pk: int) -> list[int]:
        """``pk`` and its parents, nearest first."""
        chain: list[int] = []
        current: int | None = pk
        while current is not None and current in self.nodes and current not in chain:
            chain.append(current)
            current = self.nodes[current].parent_id
        return chain

    def top(self, pk: int) -> int:
        """The region at the top of ``pk``'s tree (its province), ``pk`` itself at the top."""
        return self.ancestors(pk)[-1]

    def roots(self) -> list[int]:
        return list(self.children.get(None, []))


def region_and_above(region_id: int) -> list[int]:
    """``region_id`` and its ancestors, nearest first (district → city → province)."""
    return RegionTree.load().ancestors(region_id)


def region_and_below(region_id: int | None, *, prefix: str = "") -> Q:
    """Rows whose ``<prefix>region_id`` is ``region_id`` or lies below it; none for None."""
    if region_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}region_id__in": RegionTree.load().below(region_id)})

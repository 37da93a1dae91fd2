"""Who sees what on the supervision pages: the one access helper of this app.

- a supervisor (监督人员) sees their region and every region below it;
- an officer (经办人员, the agency head's view) sees the work of their own agency only;
- an administrator sees everything;
- applicants and window clerks — and staff accounts missing their region or agency — get 403.

The scope becomes part of every query (`region_id IN (…)`, `agency_id = …`); nothing is
filtered in Python. The region tree (`kuaiban.catalogue.regions`) is read once (one query on the
small region table) and walked in memory, so any depth works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.models import Agency
from kuaiban.catalogue.regions import RegionTree


class NotAllowed(Exception):
    """The user may not use the supervision pages (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Scope:
    """What one user may see. ``region_ids`` None means every region."""

    label: str
    region_ids: frozenset[int] | None
    agency_id: int | None
    focus_region_id: int | None  # where the region breakdown starts (its children are rows)

    @property
    def is_agency(self) -> bool:
        return self.agency_id is not None


def scope_for(
    user: AbstractBaseUser | AnonymousUser,
    *,
    tree: RegionTree,
    agency: Agency | None = None,
    agencies: Iterable[Agency] = (),
) -> Scope:
    """The user's scope, or `NotAllowed`. ``agency`` is the officer's agency when already
    read; else it is looked up in ``agencies`` (the kept policy data), then read."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise NotAllowed("请先登录")
    if user.role == Role.ADMIN or user.is_superuser:
        return Scope(label="全部地区", region_ids=None, agency_id=None, focus_region_id=None)
    if user.role == Role.SUPERVISOR:
        if user.region_id is None or user.region_id not in tree.nodes:
            raise NotAllowed("监督人员账号未设置所属地区，请联系管理员。")
        name = tree.nodes[user.region_id].name
        return Scope(
            label=f"{name}及下辖地区",
            region_ids=tree.below(user.region_id),
            agency_id=None,
            focus_region_id=user.region_id,
        )
    if user.role == Role.OFFICER:
        if user.agency_id is None:
            raise NotAllowed("经办人员账号未设置所属经办机构，请联系管理员。")
        agency = (
            agency
            or next((a for a in agencies if a.pk == user.agency_id), None)
            or Agency.objects.get(pk=user.agency_id)
        )
        return Scope(
            label=agency.name,
            region_ids=None,
            agency_id=agency.pk,
            focus_region_id=agency.region_id,
        )
    raise NotAllowed("监督统计仅供监督人员、经办机构和管理员使用。")

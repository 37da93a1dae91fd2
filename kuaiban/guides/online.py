"""The working online service behind an item's guide, registered by the app that serves it.

An item page links to the service itself (the card's state page, a query, a certificate)
instead of only its guide. The apps that serve items sit above `guides`, so they register
here at start-up (`AppConfig.ready()`), e.g. `CardsConfig` for 社会保障卡应用状态查询.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OnlineService:
    label: str  # the button's words, e.g. 查询本人社会保障卡状态
    url: str  # a path on this site
    api: str = ""  # the API operation for apps and mini-programs, e.g. GET /api/v1/cards/me


_services: dict[str, OnlineService] = {}


def online_service_register(*, item_code: str, service: OnlineService) -> None:
    _services[item_code] = service


def online_service(item_code: str) -> OnlineService | None:
    return _services.get(item_code)

"""What apps above `cases` do when a sub-case is decided, registered by them at start-up.

The social security card (`kuaiban.cards`) changes state when an officer approves a 10-x item;
`cases` cannot import it (apps import downward only), so it declares the interface here and
`CardsConfig.ready()` registers the implementation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kuaiban.accounts.models import User
    from kuaiban.cases.models import SubCase


class DecisionListener(Protocol):
    def approved(self, *, actor: User | None, subcase: SubCase) -> None:
        """Called in the approval's transaction, before later stages open. Raising an
        `ApiError` (e.g. a 409 saying why the card cannot change) refuses the approval."""


_listeners: list[DecisionListener] = []


def decision_listener_register(listener: DecisionListener) -> None:
    """Called once per app; registering a listener of the same type again replaces it."""
    _listeners[:] = [x for x in _listeners if type(x) is not type(listener)] + [listener]


def decision_listeners() -> list[DecisionListener]:
    return list(_listeners)

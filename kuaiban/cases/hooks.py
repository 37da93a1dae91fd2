"""内控 (risk control) as the apps above `cases` decide it, registered by them at start-up.

Which items are high-risk, who may decide which kind of item (岗位权限) and who may review a
high-risk approval (the same agency or the province's 集中审核 unit) are the risk-control app's
data (`kuaiban/riskcontrol`); the sub-case services only ask through this interface, so
`cases` imports nothing above it. With nothing registered every officer may decide every item
of their agency and no approval waits for a second officer.

The social security card (`kuaiban.cards`) changes state when an officer approves a 10-x item:
`CardsConfig.ready()` registers a `DecisionListener` here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from decimal import Decimal

    from kuaiban.accounts.models import User
    from kuaiban.cases.models import SubCase


class DecisionControl(Protocol):
    def needs_second_officer(self, *, subcase: SubCase, paid_amount: Decimal | None) -> bool:
        """True when an approval of ``subcase`` paying ``paid_amount`` (None: not stated) takes
        effect only once a second officer agrees: the item's risk points, the amount against
        the bureau's threshold, a reopened sub-case."""

    def may_decide(self, *, actor: User, subcase: SubCase) -> bool:
        """The officer's post (岗位) covers the kind of item ``subcase`` is."""

    def may_review(self, *, actor: User, subcase: SubCase) -> bool:
        """The officer may be the second pair of eyes on ``subcase`` (same agency with a review
        post, or the province's central review unit)."""

    def amount_threshold(self, *, subcase: SubCase) -> Decimal | None:
        """The amount from which an approval of ``subcase`` needs a second officer; None when
        the item has no 支付金额 risk point."""


_controls: list[DecisionControl] = []


def decision_control_register(implementation: DecisionControl) -> None:
    """Called once by the risk-control app's ``ready()``; registering again replaces it."""
    _controls[:] = [implementation]


def decision_control() -> DecisionControl | None:
    return _controls[0] if _controls else None


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

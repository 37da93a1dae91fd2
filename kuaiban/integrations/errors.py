"""How a handler says a delivery failed: retry later, or give up at once (dead letter)."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """The receiver could not take the message now (down, slow, 5xx…): retry with back-off."""


class DeliveryRefused(Exception):
    """The message can never be delivered as it is (unknown kind, missing sub-case, no address).

    Retrying would not help; the message becomes a dead letter at once, for an administrator
    to look at and resend after fixing the cause.
    """

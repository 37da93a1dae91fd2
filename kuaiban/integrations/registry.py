"""Which handler delivers each kind of outbox message.

The outbox core knows no domain: the apps that deliver messages register their handlers here
when Django starts (`kuaiban.deliveries`), and the worker asks ``handler_for``. A handler
returns normally when the message is delivered (optionally with a note, e.g. why nothing had
to be sent any more), raises ``DeliveryFailed`` to retry later and ``DeliveryRefused`` when
retrying cannot help. A message of a kind without a handler becomes a dead letter with a clear
error, to be resent once the handler exists.
"""

from __future__ import annotations

from collections.abc import Callable

from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxKind, OutboxMessage

Handler = Callable[[OutboxMessage], str]

HANDLERS: dict[str, Handler] = {}


def handler_register(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        if kind in OutboxKind.values:  # a kind added to OutboxKind before its handler
            raise DeliveryRefused(
                f"尚无处理“{kind}”类消息的程序；加上后可在后台“重新发送”"
            ) from None
        raise DeliveryRefused(f"没有处理“{kind}”类消息的程序（未知的消息类型）") from None

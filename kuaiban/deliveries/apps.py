import os
import sys

from django.apps import AppConfig


class DeliveriesConfig(AppConfig):
    """Wires the domain's deliveries into the outbox core: the handler of each message kind,
    the worker loop (outbox drain + deadline sweep) and the `kuaiban worker` command."""

    name = "kuaiban.deliveries"
    verbose_name = "消息投递"

    def ready(self) -> None:
        from kuaiban.deliveries.handlers import handlers_register
        from kuaiban.deliveries.runner import inprocess_should_start, inprocess_start
        from kuaiban.integrations import conf

        handlers_register()
        # The embedded default (SQLite demo) drains the outbox in the web process itself;
        # production runs `kuaiban worker` instead (kuaiban/integrations/README.md).
        if inprocess_should_start(
            enabled=conf.inprocess_worker(), argv=sys.argv, environ=os.environ
        ):
            inprocess_start()

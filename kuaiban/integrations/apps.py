import os
import sys

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "kuaiban.integrations"
    verbose_name = "系统对接与发件箱"

    def ready(self) -> None:
        # The embedded default (SQLite demo) drains the outbox in the web process itself;
        # production runs `kuaiban worker` instead (README.md in this folder).
        from kuaiban.integrations import conf
        from kuaiban.integrations.runner import inprocess_should_start, inprocess_start

        if inprocess_should_start(
            enabled=conf.inprocess_worker(), argv=sys.argv, environ=os.environ
        ):
            inprocess_start()

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The outbox core: messages, enqueue, the worker's drain, transport and signing.

    It imports no domain app; the handlers come from `kuaiban.deliveries` at start-up.
    """

    name = "kuaiban.integrations"
    verbose_name = "系统对接与发件箱"

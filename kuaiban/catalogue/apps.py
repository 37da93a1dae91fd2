from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "kuaiban.catalogue"
    verbose_name = "服务事项目录"

    def ready(self) -> None:
        from kuaiban.core.policy_cache import policy_models_watch

        # Cached policy data (kuaiban/core/policy_cache.py) is rebuilt after any edit.
        policy_models_watch("catalogue")

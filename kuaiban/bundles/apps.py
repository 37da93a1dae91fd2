from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "kuaiban.bundles"
    verbose_name = "政策包与一件事"

    def ready(self) -> None:
        from kuaiban.core.policy_cache import policy_models_watch

        # Cached policy data (kuaiban/core/policy_cache.py) is rebuilt after any edit.
        policy_models_watch("bundles")

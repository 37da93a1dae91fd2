from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "kuaiban.bundles"
    verbose_name = "政策包与一件事"

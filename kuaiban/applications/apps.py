from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "kuaiban.applications"
    verbose_name = "办件受理"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kuaiban.core"
    verbose_name = "公共"

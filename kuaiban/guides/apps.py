from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "kuaiban.guides"
    verbose_name = "办事指南"

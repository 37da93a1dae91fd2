from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kuaiban.cases"
    verbose_name = "拆包分办"

from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "kuaiban.workbench"
    verbose_name = "经办工作台"

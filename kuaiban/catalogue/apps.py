from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "kuaiban.catalogue"
    verbose_name = "服务事项目录"

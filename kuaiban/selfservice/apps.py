from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "kuaiban.selfservice"
    verbose_name = "自助查询与热门事项"

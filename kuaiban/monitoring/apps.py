from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "kuaiban.monitoring"
    verbose_name = _("运行监控")

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kuaiban.supervision"
    label = "supervision"
    verbose_name = "监督统计"
    default_auto_field = "django.db.models.BigAutoField"

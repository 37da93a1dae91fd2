from django.apps import AppConfig


class ServicePointsConfig(AppConfig):
    """就近办: service points (halls, banks, post offices, street and village platforms), the
    address list, nearest points for an item, the coverage report and the map."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kuaiban.servicepoints"
    verbose_name = "就近办服务网点"

from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    """免申即办 / 免申即享: rules over shared data, runs, offers and their delivery."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kuaiban.proactive"
    verbose_name = "免申即办"

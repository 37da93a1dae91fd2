from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    """“办不成事”反映窗口: reports of what people could not get done, to an owner and an end."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kuaiban.problems"
    verbose_name = "办不成事反映"

from django.apps import AppConfig


class SharedDataConfig(AppConfig):
    name = "kuaiban.shareddata"
    verbose_name = "共享数据"

    def ready(self) -> None:
        from kuaiban.shareddata import checks  # noqa: F401  (registers the system checks)

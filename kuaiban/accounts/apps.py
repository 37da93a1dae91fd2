from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kuaiban.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from kuaiban.accounts import checks  # noqa: F401  (registers the system checks)

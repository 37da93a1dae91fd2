from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo set-up (`kuaiban demo_setup`): regions, agencies, accounts, shared data and a
    provisional calendar year. It seeds several apps at once, so it sits above all of them and
    nothing imports it."""

    name = "kuaiban.demo"
    verbose_name = "演示数据"

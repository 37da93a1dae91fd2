from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "kuaiban.calendar"
    label = "workcalendar"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from kuaiban.core.policy_cache import policy_models_watch

        # Cached policy data (kuaiban/core/policy_cache.py) is rebuilt after any edit.
        policy_models_watch("workcalendar")

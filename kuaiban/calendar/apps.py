from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "kuaiban.calendar"
    label = "workcalendar"
    verbose_name = "工作日历"

from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    """Appointments at service points and the hall's queue: slots, booking (web, API, phone),
    reminders, check-in, queue tickets with 绿色通道 priority, the calling screen."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kuaiban.appointments"
    verbose_name = "预约与叫号"

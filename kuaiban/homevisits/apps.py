from django.apps import AppConfig


class HomeVisitsConfig(AppConfig):
    """上门办: a request for a visit at home becomes a visit with an owner, a date and an outcome."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kuaiban.homevisits"
    verbose_name = "上门办"

    def ready(self) -> None:
        from kuaiban.applications.hooks import home_visits_register
        from kuaiban.homevisits.services import HomeVisitApplications

        home_visits_register(HomeVisitApplications())

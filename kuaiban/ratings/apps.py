from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "kuaiban.ratings"
    verbose_name = "好差评"

    def ready(self) -> None:
        from kuaiban.applications.hooks import window_visits_register
        from kuaiban.ratings.window import RatedWindowVisits

        # A window submission records its visit, and the receipt offers its rating link.
        window_visits_register(RatedWindowVisits())

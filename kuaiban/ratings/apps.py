from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "kuaiban.ratings"
    verbose_name = "好差评"

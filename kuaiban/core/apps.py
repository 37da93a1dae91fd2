from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kuaiban.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from kuaiban.core.request_id import request_id_release

        request_finished.connect(request_id_release, dispatch_uid="kuaiban_request_id_release")

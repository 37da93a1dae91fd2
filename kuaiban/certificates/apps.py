from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "kuaiban.certificates"
    verbose_name = "电子证明与验真"

from django.contrib.admin.apps import AdminConfig


class KuaibanAdminConfig(AdminConfig):
    """Django's admin with our site class (calendar warnings on the index page)."""

    default_site = "kuaiban.admin_site.KuaibanAdminSite"

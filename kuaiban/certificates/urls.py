from django.urls import path

from kuaiban.certificates import staff_views, views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>", views.verify, name="verify"),
    path("certificates/manage/", staff_views.manage, name="manage"),
    path("certificates/manage/<str:code>/revoke", staff_views.revoke, name="revoke"),
]

from django.urls import path

from kuaiban.certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>", views.verify, name="verify"),
]

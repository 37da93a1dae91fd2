from django.urls import path

from kuaiban.commitments import views

app_name = "commitments"

urlpatterns = [
    path("checks/", views.check_list, name="list"),
    path("checks/<int:check_id>/", views.check_detail, name="detail"),
    path("me/commitments/", views.my_checks, name="mine"),
]

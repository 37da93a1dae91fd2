from django.urls import path

from kuaiban.riskcontrol import views

app_name = "riskcontrol"

urlpatterns = [
    path("review/", views.reviews, name="reviews"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

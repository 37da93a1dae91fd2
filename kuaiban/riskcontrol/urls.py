from django.urls import path

from kuaiban.riskcontrol import views

app_name = "riskcontrol"

urlpatterns = [
    path("review/", views.reviews, name="reviews"),
    path("review/<int:subcase_id>/", views.review_detail, name="review"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

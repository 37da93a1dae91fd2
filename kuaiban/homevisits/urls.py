from django.urls import path

from kuaiban.homevisits import views

app_name = "homevisits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_new, name="new"),
    path("<int:visit_id>/", views.visit_detail, name="detail"),
    path("<int:visit_id>/schedule", views.visit_schedule, name="schedule"),
    path("<int:visit_id>/outcome", views.visit_outcome, name="outcome"),
    path("<int:visit_id>/cancel", views.visit_cancel, name="cancel"),
    path("<int:visit_id>/apply", views.visit_apply, name="apply"),
]

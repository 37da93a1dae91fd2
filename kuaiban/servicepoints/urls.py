from django.urls import path

from kuaiban.servicepoints import views

app_name = "servicepoints"

urlpatterns = [
    path("service-points/", views.point_list, name="list"),
    path("service-points/coverage/", views.coverage, name="coverage"),
    path("service-points/<slug:code>/", views.point_detail, name="detail"),
]

from django.urls import path

from kuaiban.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("subcases/<int:subcase_id>/", views.detail, name="subcase"),
    path(
        "subcases/<int:subcase_id>/materials/<int:material_id>/",
        views.material_download,
        name="material",
    ),
    path("subcases/<int:subcase_id>/<slug:action>/", views.act, name="act"),
]

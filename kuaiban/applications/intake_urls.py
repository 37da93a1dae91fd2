from django.urls import path

from kuaiban.applications import intake_views, progress_views, window_views

app_name = "intake"

urlpatterns = [
    path("apply/", intake_views.start, name="start"),
    path("apply/<slug:pack>/<str:bundle>/", intake_views.scenario, name="scenario"),
    path("apply/<slug:pack>/<str:bundle>/questions/", intake_views.questions, name="questions"),
    path("apply/<slug:pack>/<str:bundle>/items/", intake_views.items, name="items"),
    path("apply/<slug:pack>/<str:bundle>/form/", intake_views.form_page, name="form"),
    path("apply/<slug:pack>/<str:bundle>/submit/", intake_views.submit, name="submit"),
    path("window/", window_views.window, name="window"),
    path("window/supply/", window_views.window_supply, name="window-supply"),
    path("progress/", progress_views.progress_page, name="progress"),
]

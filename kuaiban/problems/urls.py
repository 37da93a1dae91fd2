from django.urls import path

from kuaiban.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<str:number>/", views.report_detail, name="detail"),
    path("<str:number>/resolve", views.report_resolve, name="resolve"),
    path("<str:number>/feedback", views.report_feedback, name="feedback"),
]

from django.urls import path

from kuaiban.selfservice import office_views

app_name = "exam-office"

urlpatterns = [
    path("", office_views.home, name="home"),
    path("registrations/", office_views.registrations, name="registrations"),
    path("registrations/<str:number>/", office_views.registration, name="registration"),
    path("mailings/", office_views.mailings, name="mailings"),
    path("mailings/<str:number>/", office_views.mailing, name="mailing"),
]

from django.urls import path

from kuaiban.selfservice import service_views, unit_views, views

app_name = "selfservice"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("insurance/", views.insurance, name="insurance"),
    path("rights-record/", views.rights_record, name="rights-record"),
    path("pension/", views.pension, name="pension"),
    path("annuity/", views.annuity, name="annuity"),
    path("skills/", views.skills, name="skills"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("exams/", service_views.exams, name="exams"),
    path("mailings/", service_views.mailings, name="mailings"),
    path("employees/", unit_views.employees, name="employees"),
    path("employees/<int:person_id>/", unit_views.employee, name="employee"),
]

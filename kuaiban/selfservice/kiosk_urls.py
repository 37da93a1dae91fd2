from django.urls import path

from kuaiban.selfservice import kiosk_views, service_views, views

app_name = "kiosk"

urlpatterns = [
    path("", kiosk_views.start, name="start"),
    path("end", kiosk_views.end, name="end"),
    path("menu/", views.kiosk_hub, name="hub"),
    path("insurance/", views.kiosk_insurance, name="insurance"),
    path("rights-record/", views.kiosk_rights_record, name="rights-record"),
    path("pension/", views.kiosk_pension, name="pension"),
    path("annuity/", views.kiosk_annuity, name="annuity"),
    path("skills/", views.kiosk_skills, name="skills"),
    path("certificates/", views.kiosk_certificates, name="certificates"),
    path("card/", kiosk_views.card, name="card"),
    path("exams/", service_views.kiosk_exams, name="exams"),
    path("mailings/", service_views.kiosk_mailings, name="mailings"),
    path("items/<str:code>/", kiosk_views.item, name="item"),
    path("certificates/<str:code>.pdf", kiosk_views.certificate_pdf, name="certificate-pdf"),
]

from django.contrib import admin
from django.urls import include, path

from kuaiban.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("kuaiban.monitoring.urls")),
    path("accounts/", include("kuaiban.accounts.urls")),
    path("", include("kuaiban.proactive.urls")),
    path("", include("kuaiban.cards.urls")),
    path("", include("kuaiban.servicepoints.urls")),
    path("", include("kuaiban.appointments.urls")),
    path("me/services/", include("kuaiban.selfservice.urls")),
    path("kiosk/", include("kuaiban.selfservice.kiosk_urls")),
    path("exam-office/", include("kuaiban.selfservice.office_urls")),
    path("", include("kuaiban.certificates.urls")),
    path("me/authorisations/", include("kuaiban.accounts.authorisation_urls")),
    path("checks/", include("kuaiban.riskcontrol.urls")),
    path("", include("kuaiban.commitments.urls")),
    path("me/", include("kuaiban.applications.urls")),
    path("ratings/", include("kuaiban.ratings.urls")),
    path("problems/", include("kuaiban.problems.urls")),
    path("home-visits/", include("kuaiban.homevisits.urls")),
    path("workbench/", include("kuaiban.workbench.urls")),
    path("supervision/", include("kuaiban.supervision.urls")),
    path("", include("kuaiban.applications.intake_urls")),
    path("", include("kuaiban.guides.urls")),
]

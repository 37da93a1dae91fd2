from django.urls import path

from kuaiban.accounts import authorisation_views

app_name = "authorisations"

urlpatterns = [
    path("", authorisation_views.authorisations, name="list"),
    path("<int:authorisation_id>/revoke", authorisation_views.revoke, name="revoke"),
]

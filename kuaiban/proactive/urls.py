from django.urls import path

from kuaiban.proactive import views

app_name = "proactive"

urlpatterns = [
    path("me/offers/", views.my_offers, name="mine"),
    path("me/offers/<int:offer_id>/", views.offer_detail, name="detail"),
    path("me/offers/<int:offer_id>/accept", views.offer_accept_view, name="accept"),
    path("me/offers/<int:offer_id>/decline", views.offer_decline_view, name="decline"),
    path("proactive/publicity/", views.publicity, name="publicity"),
    path("proactive/objections/", views.objections, name="objections"),
    path("proactive/certification/", views.certification, name="certification"),
    path("proactive/stats/", views.stats, name="stats"),
    path("proactive/stats.xlsx", views.stats_xlsx, name="stats-xlsx"),
]

from django.urls import path

from kuaiban.ratings import link_views, ticket_views, views

app_name = "ratings"

urlpatterns = [
    path("", views.index, name="index"),
    path("applications/<str:number>/", views.rate_application, name="rate-application"),
    path("visits/<int:visit_id>/", views.rate_visit, name="rate-visit"),
    path("visit/<str:token>/", link_views.rate_visit_link, name="rate-visit-link"),
    path("<int:rating_id>/", views.rating_detail, name="rating"),
    path("<int:rating_id>/appeal", views.rating_appeal, name="rating-appeal"),
    path("tickets/", ticket_views.tickets, name="tickets"),
    path("tickets/<int:ticket_id>/", ticket_views.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/report/", ticket_views.report_page, name="report"),
    path("tickets/<int:ticket_id>/report.pdf", ticket_views.report_pdf, name="report-pdf"),
    path(
        "tickets/<int:ticket_id>/<slug:action>",
        ticket_views.ticket_action,
        name="ticket-action",
    ),
]

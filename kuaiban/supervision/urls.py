from django.urls import path

from kuaiban.core.db_router import reads_from_replica
from kuaiban.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("items/", views.items, name="items"),
    path("overdue/", views.overdue, name="overdue"),
    path("tickets/", views.tickets, name="tickets"),
    path("contact-points/", views.contact_points, name="contact-points"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report-pdf"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
]

# The dashboards read from the read replica when one is configured (kuaiban/core/db_router.py).
for _pattern in urlpatterns:
    _pattern.callback = reads_from_replica(_pattern.callback)

from django.urls import path

from kuaiban.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("applications/<str:number>/", views.application_detail, name="detail"),
    path("applications/<str:number>/receipt/", views.receipt_page, name="receipt"),
    path("applications/<str:number>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("applications/<str:number>/results.pdf", views.results_pdf, name="results-pdf"),
    path("applications/<str:number>/withdraw", views.withdraw, name="withdraw"),
    path("applications/<str:number>/correction", views.correction, name="correction"),
    path("applications/<str:number>/supply/<slug:code>", views.supply, name="supply"),
]

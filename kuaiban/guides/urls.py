from django.urls import path

from kuaiban.guides import views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("display/large-text", views.large_text, name="large-text"),
    path("items/", views.item_list, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/guide.pdf", views.item_pdf, name="item-pdf"),
    path("packs/<slug:pack>/", views.pack_detail, name="pack"),
    path("packs/<slug:pack>/<str:bundle>/", views.bundle_detail, name="bundle"),
    path("packs/<slug:pack>/<str:bundle>/guide.pdf", views.bundle_pdf, name="bundle-pdf"),
]

from django.urls import URLPattern, URLResolver, path

from kuaiban.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.KuaibanLoginView.as_view(), name="login"),
    path("logout/", views.KuaibanLogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
]

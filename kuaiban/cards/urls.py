from django.urls import path

from kuaiban.cards import views

app_name = "cards"

urlpatterns = [
    path("me/card/", views.my_card, name="mine"),
    path("me/card/loss", views.my_card_loss, name="loss"),
    path("me/card/unloss", views.my_card_unloss, name="unloss"),
    path("me/card/point", views.my_card_point, name="point"),
    path("me/card/password/", views.my_card_password, name="password"),
    path("me/credentials/", views.my_credentials, name="credentials"),
    path("me/credentials/<str:kind>/qr.svg", views.my_credential_qr, name="credential-qr"),
    path("cards/scan/", views.scan, name="scan"),
    path("cards/queue/", views.print_queue_view, name="queue"),
    path("cards/queue/<int:card_id>", views.print_queue_act, name="queue-act"),
    path("cards/desk/", views.desk, name="desk"),
]

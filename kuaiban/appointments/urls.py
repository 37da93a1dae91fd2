from django.urls import path

from kuaiban.appointments import hall_views, views

app_name = "appointments"

urlpatterns = [
    path("appointments/book/<slug:code>/", views.book, name="book"),
    path("me/appointments/", views.mine, name="mine"),
    path("me/appointments/<int:appointment_id>/", views.detail, name="detail"),
    path("me/appointments/<int:appointment_id>/move/", views.move, name="move"),
    path("me/appointments/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("hall/", hall_views.hall_home, name="hall"),
    path("hall/phone-booking/", hall_views.phone_booking, name="phone-booking"),
    path("hall/<slug:code>/check-in/", hall_views.check_in, name="check-in"),
    path("hall/<slug:code>/counter/", hall_views.counter, name="counter"),
    path("hall/<slug:code>/screen/", hall_views.screen, name="screen"),
]

from django.urls import path

from audit.pages import views

app_name = "audit"

urlpatterns = [
    path(
        "organise/workshops/<slug:slug>/history/",
        views.workshop_history_page,
        name="workshop_history",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/<int:pk>/history/",
        views.registration_history_page,
        name="registration_history",
    ),
]

"""The organisers' dashboard; the documents and programme reports join it here."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("organise/", views.dashboard, name="dashboard"),
]

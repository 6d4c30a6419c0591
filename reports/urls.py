"""The organisers' dashboard, attendance pages and documents; certificates and their
verification."""

from django.urls import path

from reports import document_views, views

app_name = "reports"

urlpatterns = [
    path("organise/", views.dashboard, name="dashboard"),
    path(
        "organise/workshops/<slug:slug>/attendance/",
        document_views.attendance,
        name="attendance",
    ),
    path(
        "organise/workshops/<slug:slug>/attendance/register/",
        document_views.register_page,
        name="register",
    ),
    path(
        "organise/workshops/<slug:slug>/attendance/sign-in-sheet.pdf",
        document_views.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path(
        "organise/workshops/<slug:slug>/documents/<str:kind>.<str:fmt>",
        document_views.document_download,
        name="document",
    ),
    path(
        "r/<str:token>/certificate.pdf", document_views.participant_certificate, name="certificate"
    ),
    path(
        "certificates/<str:code>/",
        document_views.verify_certificate,
        name="verify_certificate",
    ),
]

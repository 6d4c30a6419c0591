"""The organisers' dashboard, attendance pages, documents and report; certificates and their
verification; the funders' pages and shared report links."""

from django.urls import path

from reports import document_views, funder_views, report_views, views

app_name = "reports"

urlpatterns = [
    path("organise/", views.dashboard, name="dashboard"),
    path("accounts/landing/", funder_views.landing, name="landing"),
    path("organise/workshops/<slug:slug>/report/", report_views.report_page, name="report"),
    path(
        "organise/workshops/<slug:slug>/report/<str:language>.pdf",
        report_views.report_preview,
        name="report_preview",
    ),
    path(
        "organise/workshops/<slug:slug>/report/publish/",
        report_views.report_publish,
        name="report_publish",
    ),
    path(
        "organise/workshops/<slug:slug>/report/links/",
        report_views.link_create,
        name="report_link_create",
    ),
    path(
        "organise/workshops/<slug:slug>/report/links/<int:pk>/revoke/",
        report_views.link_revoke,
        name="report_link_revoke",
    ),
    path("funders/", funder_views.funders_home, name="funders"),
    path("funders/programme/", funder_views.funder_programme, name="funder_programme"),
    path("funders/workshops/<slug:slug>/", funder_views.funder_workshop, name="funder_workshop"),
    path(
        "funders/workshops/<slug:slug>/report-<str:language>.pdf",
        funder_views.funder_report,
        name="funder_report",
    ),
    path("shared-reports/<str:token>/", funder_views.shared_report, name="shared_report"),
    path(
        "shared-reports/<str:token>/report-<str:language>.pdf",
        funder_views.shared_report_pdf,
        name="shared_report_pdf",
    ),
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

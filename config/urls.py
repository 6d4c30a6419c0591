from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from config import signin
from config import views as config_views
from events import api as events_api
from feedback import api as feedback_api
from participants import api as participants_api
from reports import api as reports_api

# The API, version 1: one router over the apps' api modules, plus the views that hang off a
# workshop or a personal link.
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", events_api.AgencyViewSet, basename="agency")
router.register("workshops", events_api.WorkshopViewSet, basename="workshop")
router.register("trainers", events_api.TrainerViewSet, basename="trainer")
router.register("rooms", events_api.RoomViewSet, basename="room")
router.register("sessions", events_api.SessionViewSet, basename="session")
router.register("registrations", participants_api.RegistrationViewSet, basename="registration")
router.register("attendance", participants_api.AttendanceViewSet, basename="attendance")
router.register("questionnaires", feedback_api.QuestionnaireViewSet, basename="questionnaire")

_slug = "workshops/<slug:slug>/"
api_urls = [
    *router.urls,
    path(
        _slug + "statistics/", reports_api.WorkshopStatisticsView.as_view(), name="api-statistics"
    ),
    path(_slug + "documents/", reports_api.DocumentListView.as_view(), name="api-documents"),
    path(
        _slug + "documents/<str:kind>.<str:fmt>",
        reports_api.DocumentView.as_view(),
        name="api-document",
    ),
    path(
        _slug + "documents/<str:kind>/builds/",
        reports_api.DocumentBuildRequestView.as_view(),
        name="api-document-build-request",
    ),
    path("document-builds/<int:pk>/", reports_api.DocumentBuildView.as_view(), name="api-build"),
    path(
        "document-builds/<int:pk>/download/",
        reports_api.DocumentBuildDownloadView.as_view(),
        name="api-build-download",
    ),
    path("personal/<str:token>/", participants_api.PersonalView.as_view(), name="api-personal"),
    path(
        "personal/<str:token>/cancel/",
        participants_api.PersonalCancelView.as_view(),
        name="api-personal-cancel",
    ),
    path(
        "personal/<str:token>/details/",
        participants_api.PersonalDetailsView.as_view(),
        name="api-personal-details",
    ),
    path(
        "personal/<str:token>/language/",
        participants_api.PersonalLanguageView.as_view(),
        name="api-personal-language",
    ),
    path(
        "personal/<str:token>/responses/",
        feedback_api.PersonalResponseView.as_view(),
        name="api-personal-responses",
    ),
    path(
        "trainer-links/<str:token>/sessions/",
        events_api.TrainerLinkSessions.as_view({"get": "list"}),
        name="api-trainer-sessions",
    ),
]


def _api_docs(view):
    """The schema and its documentation: public only if API_DOCS_PUBLIC, else staff only
    (the schema maps every endpoint and its fields)."""
    return view if settings.API_DOCS_PUBLIC else staff_member_required(view)


# Password reset by e-mail: Django's views with our templates. The names differ from the
# admin's registration/password_reset_*.html, which would otherwise be found first.
_reset = "registration/reset/"
password_reset_urls = [
    path(
        "accounts/password-reset/",
        signin.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name=_reset + "done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name=_reset + "confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name=_reset + "complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("events.urls")),
    path("", include("participants.urls")),
    path("", include("feedback.urls")),
    path("", include("reports.urls")),
    path("", include("integrations.pages.urls")),
    path("", include("audit.pages.urls")),
    path("", include("privacy.urls")),
    path("api/v1/", include(api_urls)),
    # Browsers ask for /favicon.ico whatever the page links: send them to the site's icon.
    path("favicon.ico", config_views.favicon),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_reset_urls,
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", config_views.healthz, name="healthz"),
    path("api/schema/", _api_docs(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        _api_docs(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]


handler404 = "integrations.rest.not_found"
handler500 = "integrations.rest.server_error"

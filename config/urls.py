from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import signin


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
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_reset_urls,
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
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

"""A participant's download of their data; an organiser's erasure of a person."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.context import via
from events.queries import get_organised_workshop
from participants.models import Registration
from participants.queries import get_registration_by_token
from privacy.services import erase_registration, is_erased, personal_data


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """Everything held about the person of this personal link, as a readable page."""
    registration = get_registration_by_token(token)
    language = registration.preferred_language or translation.get_language()
    with translation.override(language):
        response = render(
            request,
            "privacy/my_data.html",
            {"registration": registration, "data": personal_data(registration)},
        )
    return _no_store(response)


@never_cache
@require_GET
def my_data_json(request: HttpRequest, token: str) -> HttpResponse:
    """The same, as a JSON file to keep or to take elsewhere."""
    registration = get_registration_by_token(token)
    body = json.dumps(personal_data(registration), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{registration.workshop.slug}.json"'
    )
    return _no_store(response)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm, then erase a person from the workshop. 404 unless the user organises it."""
    workshop = get_organised_workshop(request.user, slug)
    registration = get_object_or_404(
        Registration.objects.select_related("participant"), workshop=workshop, pk=pk
    )
    if request.method == "POST" and not is_erased(registration):
        with via("organiser"):
            erased = erase_registration(registration=registration, by=request.user)
        messages.success(
            request,
            _("The person is erased from this workshop; they are now “%(name)s”.")
            % {"name": erased.registration.name},
        )
        return redirect("participants:registrations", slug=workshop.slug)
    return render(
        request,
        "privacy/erase.html",
        {"workshop": workshop, "registration": registration, "erased": is_erased(registration)},
    )

"""A participant's personal page, reached by the secret link in their e-mails; no password.

Everything here is found through the token alone, and a wrong or revoked token is the same
404 as a page that never existed. Pages are in the person's preferred language, which the
switch on the page changes (for their e-mails too). Nothing about anyone else is shown.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config import shell
from events.models import Workshop
from participants.attendance import checkin_code, format_code
from participants.emails import workshop_title
from participants.forms import RegistrationDetailsForm
from participants.models import Registration
from participants.queries import (
    get_registration_by_token,
    public_sessions,
    waitlist_position_of,
)
from participants.services import (
    RegistrationError,
    cancel_registration,
    update_preferred_language,
)
from participants.views.checkin import remember_personal_token
from participants.views.public import timetable_days

ACTIVE = (
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)


def _language(registration: Registration) -> str:
    return registration.preferred_language or "en"


def can_cancel(registration: Registration) -> bool:
    """Still registered, and the workshop has neither ended nor been called off."""
    workshop = registration.workshop
    if registration.status not in ACTIVE:
        return False
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        return False
    return workshop.local(timezone.now()).date() <= workshop.end_date


def _personal_headers(response: HttpResponse, registration: Registration) -> HttpResponse:
    # The address is the key: keep it out of search engines. (Other sites' logs never see
    # it: the Referrer-Policy is same-origin. Not no-referrer: with it, browsers send
    # "Origin: null" on this page's forms and CSRF protection rightly refuses them.)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The page's language is the person's, not the one LocaleMiddleware chose.
    response["Content-Language"] = _language(registration)
    return response


@never_cache
@require_GET
def personal(request: HttpRequest, token: str) -> HttpResponse:
    """Status, timetable in the workshop's zone, calendar link, feedback, certificate, cancel.

    Queries, whatever the number of sessions: the registration with its workshop and person;
    the sessions with rooms; their trainers with agencies; and, when they apply, the
    waiting-list position or the open questionnaires.
    """
    registration = get_registration_by_token(token)
    workshop = registration.workshop
    participant = registration.participant
    with translation.override(_language(registration)):
        confirmed = registration.status == Registration.Status.CONFIRMED
        show_timetable = workshop.status != Workshop.Status.CANCELLED
        sessions = list(public_sessions(workshop)) if show_timetable else []

        feed_url = ""
        if confirmed:
            feed_url = request.build_absolute_uri(
                reverse("participants:participant_feed", args=[registration.feed_token])
            )

        context = {
            "registration": registration,
            "participant": participant,
            "workshop": workshop,
            "title": workshop_title(workshop),
            "position": waitlist_position_of(registration),
            "days": timetable_days(workshop, sessions),
            "feed_url": feed_url,
            # The questionnaires to answer, the certificate: sections other apps fill.
            "sections": shell.personal_sections(registration),
            "can_cancel": can_cancel(registration),
            "can_correct": can_correct(registration),
            "checkin_code": format_code(checkin_code(registration))
            if confirmed and workshop.status not in (Workshop.Status.CANCELLED,)
            else "",
            "public_url": reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
            if workshop.status in (Workshop.Status.PUBLISHED,)
            else "",
        }
        response = render(request, "participants/personal/page.html", context)
    # Self check-in: scanning a room's code on this phone later finds this registration.
    remember_personal_token(request, response, registration)
    return _personal_headers(response, registration)


@never_cache
@require_http_methods(["GET", "POST"])
def personal_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Ask, then cancel. A seat freed goes to the first on the waiting list, who is told."""
    registration = get_registration_by_token(token)
    with translation.override(_language(registration)):
        if not can_cancel(registration):
            return redirect("participants:personal", token=registration.token)
        if request.method == "POST":
            cancel_registration(registration=registration)
            messages.success(request, _("Your registration has been cancelled."))
            return redirect("participants:personal", token=registration.token)
        response = render(
            request,
            "participants/personal/cancel.html",
            {
                "registration": registration,
                "participant": registration.participant,
                "workshop": registration.workshop,
                "title": workshop_title(registration.workshop),
            },
        )
    return _personal_headers(response, registration)


@require_POST
def personal_language(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own language switch: their pages and e-mails from now on."""
    registration = get_registration_by_token(token)
    try:
        update_preferred_language(
            registration=registration, language=request.POST.get("language", "")
        )
    except RegistrationError as refused:
        with translation.override(_language(registration)):
            messages.error(request, refused.message)
    return redirect("participants:personal", token=registration.token)


def can_correct(registration: Registration) -> bool:
    """The person may correct their details: the workshop is neither completed (its record is
    read-only) nor cancelled (``participants.corrections`` refuses both)."""
    return registration.workshop.status not in (
        Workshop.Status.CANCELLED,
        Workshop.Status.COMPLETED,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def personal_details(request: HttpRequest, token: str) -> HttpResponse:
    """The person corrects what they told for this workshop (not their e-mail address)."""
    registration = get_registration_by_token(token)
    with translation.override(_language(registration)):
        if not can_correct(registration):
            return redirect("participants:personal", token=registration.token)
        form = RegistrationDetailsForm(
            request.POST if request.method == "POST" else None,
            registration=registration,
            organiser=False,
        )
        if request.method == "POST" and form.is_valid():
            corrected = form.save(by=None)
            if corrected is not None:
                # Saved in the language the person may just have chosen.
                with translation.override(_language(corrected.registration)):
                    messages.success(
                        request,
                        _("Your details are saved.")
                        if corrected.changed
                        else _("Nothing was changed."),
                    )
                return redirect("participants:personal", token=registration.token)
        response = render(
            request,
            "participants/personal/details.html",
            {
                "registration": registration,
                "participant": registration.participant,
                "workshop": registration.workshop,
                "title": workshop_title(registration.workshop),
                "form": form,
            },
        )
    return _personal_headers(response, registration)

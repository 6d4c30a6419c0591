"""The public page of a workshop, with its registration form, and the page after registering.

Abuse resistance: Django's CSRF protection, a rate limit per client address (counted in the
shared database, in a cache that never culls a live count, so it holds across application
servers and however many addresses come; the address is the one our trusted proxies saw),
and a field people never see: a submission that fills it gets an ordinary-looking thank-you
and nothing is written.
"""

import hashlib
import math
import secrets
import zlib
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from config.rate_limit import rate_limited
from events.queries import timetable_version
from participants.forms import MyRegistrationsForm, RegistrationForm, filled_honeypot
from participants.models import Registration
from participants.queries import (
    agencies_version,
    get_public_workshop,
    public_sessions,
    seats,
    workshop_partners,
)
from participants.services import (
    RegistrationClosed,
    RegistrationError,
    check_registration_open,
    register_participant,
    resend_personal_link,
    send_my_registrations,
)


def timetable_days(workshop, sessions) -> list[tuple]:
    """[(day, [sessions])] by the day each session starts in the workshop's time zone."""
    return [
        (day, list(group))
        for day, group in groupby(sessions, key=lambda s: workshop.local(s.starts_at).date())
    ]


def trainers_of(sessions) -> list:
    """Everyone who teaches a session, once each, by name (from the prefetched trainers)."""
    found = {}
    for session in sessions:
        for trainer in session.trainers.all():
            found[trainer.pk] = trainer
    return sorted(found.values(), key=lambda t: (t.name, t.pk))


@require_http_methods(["GET", "POST"])
def public_workshop(request: HttpRequest, slug: str) -> HttpResponse:
    """What, when, where, who teaches, seats left, and the form. 404 unless published (or later).

    A visitor without a session gets the page from the shared cache (:func:`_cached_public_page`):
    five queries, whatever the number of sessions or agencies. Others: the workshop; hosts and
    partners; the timetable's version and its rendered HTML from the cache (:func:`programme`);
    the seat counts; the agencies for the form.
    """
    workshop = get_public_workshop(slug)
    closed_reason = ""
    try:
        check_registration_open(workshop, source=Registration.Source.PUBLIC)
    except RegistrationClosed as closed:
        closed_reason = closed.message

    form = None
    status = 200
    rate_limited_minutes = 0
    if request.method == "POST":
        wait = rate_limited(request)
        if wait:
            # What was typed stays in the form (unbound: no errors shown for it), with the
            # summary at the top saying when to send it again.
            form = RegistrationForm(initial=request.POST.dict(), workshop=workshop)
            rate_limited_minutes = math.ceil(wait / 60)
            response = _public_page(
                request,
                workshop,
                form,
                closed_reason,
                status=429,
                rate_limited_minutes=rate_limited_minutes,
            )
            response["Retry-After"] = str(wait)
            return response
        if filled_honeypot(request.POST):
            return redirect("participants:registered", slug=workshop.slug)
        form = RegistrationForm(request.POST, workshop=workshop)
        if form.is_valid():
            try:
                outcome = register_participant(
                    workshop=workshop, data=form.to_data(), source=Registration.Source.PUBLIC
                )
            except RegistrationError as refused:
                form.add_error(None, refused.message)
            else:
                if not outcome.is_new:
                    # Registered before, by whoever: tell the address, change nothing.
                    resend_personal_link(registration=outcome.registration)
                # The same answer whatever happened: the personal link goes to the address,
                # by e-mail, never onto this screen, so typing someone's address shows
                # nothing of them (not even whether they are known).
                return redirect("participants:registered", slug=workshop.slug)
        status = 400
    elif _same_for_everyone(request):
        return _cached_public_page(request, workshop, closed_reason)
    elif not closed_reason:
        form = RegistrationForm(workshop=workshop)
    return _public_page(request, workshop, form, closed_reason, status=status)


def _public_page(
    request, workshop, form, closed_reason, *, status: int, rate_limited_minutes: int = 0
) -> HttpResponse:
    context = _page_context(
        workshop,
        form,
        closed_reason,
        programme=programme(workshop),
        seats_html=_seats_html(workshop, closed_reason),
        rate_limited_minutes=rate_limited_minutes,
    )
    return render(request, PAGE_TEMPLATE, context, status=status)


PAGE_TEMPLATE = "participants/public/workshop.html"


def _page_context(
    workshop, form, closed_reason, *, programme, seats_html, rate_limited_minutes: int = 0
) -> dict:
    return {
        "workshop": workshop,
        "partners": workshop_partners(workshop),
        "programme": programme,
        "seats_html": seats_html,
        "form": form,
        "closed_reason": closed_reason,
        "rate_limited_minutes": rate_limited_minutes,
        "local_opens_at": workshop.registration_opens_at
        and workshop.local(workshop.registration_opens_at),
        "local_closes_at": workshop.registration_closes_at
        and workshop.local(workshop.registration_closes_at),
        "form_action": reverse("participants:public_workshop", kwargs={"slug": workshop.slug}),
    }


def _seats_html(workshop, closed_reason: str) -> SafeString:
    """The page's seats line: counted for every request, never cached (one query)."""
    return render_to_string(
        "participants/public/_seats.html",
        {"workshop": workshop, "seats": seats(workshop), "closed_reason": closed_reason},
    )


def _same_for_everyone(request: HttpRequest) -> bool:
    """Whether the page a GET ``request`` gets is the one every visitor gets: no session (so
    nobody signed in, and nothing kept for the visitor), no message waiting, no query string
    (the language switch sends the page's own address back; a query would be a cache key
    anyone could multiply)."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.META.get("QUERY_STRING")
        and not get_messages(request)
    )


# The public page's HTML for visitors without a session stays in the shared cache until
# something it shows changes (see _cached_public_page); a day is a ceiling, as for the
# programme.
PAGE_CACHE_SECONDS = 24 * 3600


def _cached_public_page(request: HttpRequest, workshop, closed_reason: str) -> HttpResponse:
    """The public page for a visitor without a session: from the shared cache, with this
    request's CSRF token and the seats left written in.

    Building the page (the form's widgets, the agencies, hosts and partners, the timetable)
    costs three times what serving it from the cache does, the same for everyone who opens
    it while nothing it shows changed. The key names everything the page shows: every
    column of the workshop (its texts, dates, window and status; ``closed_reason``, which
    also depends on the time), the timetable's version, the agencies' digest, the language
    and time zone, and the address the page was reached at (the calendar links are
    absolute). What differs per visitor is written in at each request: the CSRF token
    (masked afresh, and its cookie set, by ``get_token`` as for any page) and the seats
    line, counted for each request. The marks they replace are random per entry, so no text
    an organiser types can be taken for one.

    Queries when the entry is there: the timetable's version, the agencies' digest, the
    entry, the seat counts (the workshop read before). When not: the page's own too
    (hosts and partners, agencies for the form, the programme), and the entry written.
    """
    timetable = timetable_version(workshop, overlapping=False)
    shown = (
        [getattr(workshop, field.attname) for field in workshop._meta.concrete_fields],
        closed_reason,
        timetable,
        agencies_version(workshop),
        get_language(),
        get_current_timezone_name(),
        request.scheme,
        request.get_host(),
        request.path,
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    key = f"participants:public-page:{workshop.pk}:{digest}"
    entry = cache.get(key)
    if entry is None:
        csrf_mark, seats_mark = secrets.token_hex(16), secrets.token_hex(16)
        context = _page_context(
            workshop,
            None if closed_reason else RegistrationForm(workshop=workshop),
            closed_reason,
            programme=programme(workshop, version=timetable),
            seats_html=mark_safe(seats_mark),  # letters and digits
        )
        # Shadows the request's lazy token, which is never made for the cached page.
        context["csrf_token"] = csrf_mark
        html = render_to_string(PAGE_TEMPLATE, context, request=request)
        entry = (csrf_mark, seats_mark, zlib.compress(html.encode(), 1))
        cache.set(key, entry, PAGE_CACHE_SECONDS)
    csrf_mark, seats_mark, packed = entry
    # As bytes: a 300-session page is some 150 kB, decoded and encoded again for nothing.
    html = (
        zlib.decompress(packed)
        .replace(csrf_mark.encode(), get_token(request).encode())
        .replace(seats_mark.encode(), _seats_html(workshop, closed_reason).encode())
    )
    return HttpResponse(html)


# The public timetable's HTML stays in the shared cache until something it shows changes
# (the key holds ``timetable_version``); a day is only a ceiling for entries nobody asks for.
PROGRAMME_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Programme:
    """The public page's timetable and its list of trainers, rendered."""

    has_sessions: bool
    timetable: SafeString
    trainers: SafeString


def programme(workshop, *, version: str | None = None) -> Programme:
    """The timetable and the trainers of ``workshop``'s public page, in the active language.

    Rendering 300 sessions costs a request some 200 ms, the same for each of the people who
    open the form while it has not changed: so it is rendered once per version of the
    timetable (a change to its sessions, rooms, trainers and their agencies or topics, or to
    the workshop) and kept compressed in the shared cache. Two queries when it is there (the
    version, the entry); on a change, the sessions and their trainers too, and the entry
    written. ``version``: the timetable's, if the caller read it already.
    """
    version = version or timetable_version(workshop, overlapping=False)
    digest = hashlib.sha256(version.encode()).hexdigest()[:32]
    key = f"participants:programme:{workshop.pk}:{get_language()}:{digest}"
    packed = cache.get(key)
    if packed is None:
        sessions = list(public_sessions(workshop))
        timetable = render_to_string(
            "participants/public/_timetable.html",
            {"workshop": workshop, "days": timetable_days(workshop, sessions)},
        )
        trainers = render_to_string(
            "participants/public/_trainers.html", {"trainers": trainers_of(sessions)}
        )
        packed = (bool(sessions), zlib.compress(timetable.encode(), 1), trainers)
        cache.set(key, packed, PROGRAMME_CACHE_SECONDS)
    has_sessions, timetable, trainers = packed
    timetable = zlib.decompress(timetable).decode()
    # Our own templates' output, escaped as they rendered it.
    return Programme(has_sessions, mark_safe(timetable), mark_safe(trainers))


@require_GET
def registered(request: HttpRequest, slug: str) -> HttpResponse:
    """Thanks, and where the personal link went. The same for everyone: it reveals nothing."""
    workshop = get_public_workshop(slug)
    return render(request, "participants/public/registered.html", {"workshop": workshop})


@require_http_methods(["GET", "POST"])
def my_registrations(request: HttpRequest) -> HttpResponse:
    """Ask for the personal links of all one's workshops, sent to the address itself.

    The answer is the same for every address, known or not, so the page reveals nothing;
    submissions count against the same rate limit as registrations.
    """
    form = MyRegistrationsForm(request.POST or None)
    if request.method == "POST":
        wait = rate_limited(request)
        if wait:
            response = render(
                request,
                "participants/public/my_registrations.html",
                {"form": form, "minutes": math.ceil(wait / 60)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            send_my_registrations(email=form.cleaned_data["email"], language=request.LANGUAGE_CODE)
            return render(request, "participants/public/my_registrations.html", {"sent": True})
    status = 400 if form.errors else 200
    return render(
        request, "participants/public/my_registrations.html", {"form": form}, status=status
    )

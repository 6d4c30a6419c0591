"""Taking attendance: the check-in screen at the door, the entry of a signed sheet, the
room's self check-in screen, and the participant's side of self check-in.

Organisers reach a session through ``_organised_session`` (404 to anyone else, as for every
organiser page). Every mark goes through ``participants.attendance``; the views only read
the request and show the result.

The check-in screen is one page and one JSON endpoint. The page lists the confirmed
participants in data attributes (names in both scripts, agency, check-in code, mark), so
that searching, scanning and marking work in the browser without a connection; marks wait
in the browser's storage and are posted in batches, each with the id the browser gave it
(``apply_client_mark`` applies an id once, so a resend is harmless).
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from events.models import Session, Workshop
from participants import attendance
from participants.models import Attendance, Registration
from participants.qr import svg_response
from participants.queries import get_registration_by_token

# A batch from the check-in screen: its size is bounded so one request stays quick.
MAX_MARKS_PER_REQUEST = 200
# Self check-in: the personal links opened in this browser, in a signed cookie.
PERSONAL_TOKENS_COOKIE = "personal_links"
COOKIE_SALT = "participants.self-checkin"
COOKIE_AGE = 60 * 24 * 3600
MAX_KNOWN_TOKENS = 5


def _organised_session(user, slug: str, pk: int) -> Session:
    """Session ``pk`` of workshop ``slug`` if ``user`` organises that workshop; else 404.

    One query: the session with its workshop and room.
    """
    try:
        return Session.objects.select_related("workshop", "room").get(
            pk=pk, workshop__slug=slug, workshop__in=Workshop.objects.organised_by(user)
        )
    except Session.DoesNotExist:
        raise Http404 from None


def _counts(rows) -> dict:
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for row in rows:
        if row.mark:
            counts[row.mark] += 1
    counts["total"] = len(rows)
    counts["attended"] = counts["present"] + counts["late"]
    return counts


@dataclass(frozen=True)
class CheckinRow:
    """A confirmed person as the check-in screen and the signed sheet's entry show them:
    their registration, their mark at the session (None: none yet) and its label, and their
    check-in code."""

    registration: Registration
    mark: str | None
    mark_label: str
    code: str


def _participant_rows(session: Session) -> list[CheckinRow]:
    """The session's roster (``attendance.session_roster``: one query) as rows."""
    labels = dict(Attendance.Status.choices)
    return [
        CheckinRow(
            registration,
            registration.mark,
            labels.get(registration.mark, ""),
            attendance.checkin_code(registration),
        )
        for registration in attendance.session_roster(session)
    ]


@login_required
@require_GET
def checkin_screen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The door's screen: search, tap to mark, scan or type a code, a running count.

    Queries, whatever the number of participants: the session (with workshop and room) and
    the roster with each person's mark (plus the signed-in user's session and user).
    """
    session = _organised_session(request.user, slug, pk)
    rows = _participant_rows(session)
    return render(
        request,
        "participants/checkin/screen.html",
        {
            "workshop": session.workshop,
            "session": session,
            "rows": rows,
            "counts": _counts(rows),
            "statuses": Attendance.Status.choices,
            "marks_url": reverse("participants:checkin_marks", args=[slug, pk]),
        },
    )


def _read_marks(request) -> list[dict] | None:
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    marks = body.get("marks") if isinstance(body, dict) else None
    if not isinstance(marks, list) or len(marks) > MAX_MARKS_PER_REQUEST:
        return None
    cleaned = []
    for mark in marks:
        if not isinstance(mark, dict):
            return None
        mark_id, registration, status = mark.get("id"), mark.get("registration"), mark.get("status")
        if not isinstance(mark_id, str) or not mark_id or "\x00" in mark_id:
            return None
        if not isinstance(registration, int) or isinstance(registration, bool):
            return None
        if status is not None and not isinstance(status, str):
            return None
        cleaned.append({"id": mark_id[:64], "registration": registration, "status": status})
    return cleaned


def _marks_of(session: Session) -> dict[str, str]:
    return {
        str(registration): status
        for registration, status in Attendance.objects.filter(
            session=session, registration__status=Registration.Status.CONFIRMED
        ).values_list("registration_id", "status")
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin_marks(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """GET: every mark at the session now (screens refresh from it). POST: a batch of marks
    ``{"marks": [{"id", "registration", "status" (null: undo)}]}``; answers which ids were
    applied and which were refused (with the field and the message), and the marks now."""
    session = _organised_session(request.user, slug, pk)
    if request.method == "GET":
        return JsonResponse({"marks": _marks_of(session)})
    marks = _read_marks(request)
    if marks is None:
        return JsonResponse(
            {
                "error": _(
                    "The marks could not be read: send JSON with a list “marks” of at most "
                    "%(count)s objects with “id”, “registration” and “status”."
                )
                % {"count": MAX_MARKS_PER_REQUEST}
            },
            status=400,
        )
    registrations = Registration.objects.in_bulk([mark["registration"] for mark in marks])
    applied, refused = [], []
    for mark in marks:
        registration = registrations.get(mark["registration"])
        if registration is None or registration.workshop_id != session.workshop_id:
            refused.append(
                {
                    "id": mark["id"],
                    "field": "registration",
                    "message": _("No such registration in this workshop."),
                }
            )
            continue
        try:
            attendance.apply_client_mark(
                mark_id=mark["id"],
                registration=registration,
                session=session,
                status=mark["status"],
                by=request.user,
            )
        except attendance.AttendanceRefused as refusal:
            refused.append({"id": mark["id"], "field": refusal.field, "message": refusal.message})
        else:
            applied.append(mark["id"])
    return JsonResponse({"applied": applied, "refused": refused, "marks": _marks_of(session)})


@login_required
@require_http_methods(["GET", "POST"])
def sheet_entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Enter the ticks of a signed sheet: one checkbox per participant, one submit.

    A ticked person is marked present (a late mark stays late); an unticked one absent,
    unless they are excused. Every change goes through ``record_attendance``.
    """
    session = _organised_session(request.user, slug, pk)
    rows = _participant_rows(session)
    if request.method == "POST":
        ticked = set(request.POST.getlist("present"))
        changed = 0
        try:
            for row in rows:
                if str(row.registration.pk) in ticked:
                    status = row.mark if row.mark in attendance.ATTENDED else "present"
                elif row.mark == Attendance.Status.EXCUSED:
                    continue
                else:
                    status = Attendance.Status.ABSENT
                mark = attendance.record_attendance(
                    registration=row.registration, session=session, status=status, by=request.user
                )
                changed += mark.changed
        except attendance.AttendanceRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("The sheet is entered: %(changed)s marks changed, %(present)s present.")
                % {
                    "changed": changed,
                    "present": len(ticked & {str(r.registration.pk) for r in rows}),
                },
            )
        return redirect("participants:sheet_entry", slug=slug, pk=pk)
    return render(
        request,
        "participants/checkin/sheet.html",
        {"workshop": session.workshop, "session": session, "rows": rows},
    )


# Self check-in ------------------------------------------------------------------------


def self_checkin_url(request, session: Session, code: str) -> str:
    return request.build_absolute_uri(reverse("participants:self_checkin", args=[session.pk, code]))


@login_required
@require_GET
def room_screen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The room's screen: the session's QR code, which the page reloads as it changes."""
    session = _organised_session(request.user, slug, pk)
    return render(
        request,
        "participants/checkin/room.html",
        {
            "workshop": session.workshop,
            "session": session,
            "qr_url": reverse("participants:room_screen_qr", args=[slug, pk]),
            "window": attendance.SELF_CHECKIN_WINDOW,
        },
    )


@login_required
@never_cache
@require_GET
def room_screen_qr(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    session = _organised_session(request.user, slug, pk)
    code = attendance.self_checkin_code(session)
    return svg_response(self_checkin_url(request, session, code), scale=10)


def _known_tokens(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(PERSONAL_TOKENS_COOKIE, default="", salt=COOKIE_SALT)
    return [token for token in value.split(",") if token][:MAX_KNOWN_TOKENS]


def remember_personal_token(
    request: HttpRequest, response: HttpResponse, registration: Registration
) -> HttpResponse:
    """Keep the personal link's token in this browser (a signed, HTTP-only cookie), so that
    scanning a room's code later finds whose phone it is: a few at most, newest first. The
    cookie holds what the link holds, on the phone that opened the link; no query."""
    known = _known_tokens(request)
    if known[:1] != [registration.token]:
        tokens = [registration.token, *(t for t in known if t != registration.token)]
        response.set_signed_cookie(
            PERSONAL_TOKENS_COOKIE,
            ",".join(tokens[:MAX_KNOWN_TOKENS]),
            salt=COOKIE_SALT,
            max_age=COOKIE_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


def _registration_in_browser(request, workshop: Workshop) -> Registration | None:
    tokens = _known_tokens(request)
    if not tokens:
        return None
    return (
        Registration.objects.filter(workshop=workshop, token__in=tokens)
        .select_related("workshop", "participant")
        .order_by("-status_changed_at")
        .first()
    )


@never_cache
@require_GET
def self_checkin(request: HttpRequest, session_pk: int, code: str) -> HttpResponse:
    """A participant's phone opened the room's code: mark them present and show their page.

    Whose phone it is comes from the personal link opened on it before; without one, the
    page asks them to open their personal link first. An expired code is refused.
    """
    session = Session.objects.select_related("workshop").filter(pk=session_pk).first()
    if session is None or session.workshop.status == Workshop.Status.DRAFT:
        raise Http404
    registration = _registration_in_browser(request, session.workshop)
    if registration is None:
        return render(
            request,
            "participants/checkin/self_checkin.html",
            {"session": session, "workshop": session.workshop, "problem": "no_link"},
            status=403,
        )
    language = registration.preferred_language or "en"
    with translation.override(language):
        try:
            attendance.self_check_in(registration=registration, session=session, code=code)
        except attendance.AttendanceRefused as refusal:
            response = render(
                request,
                "participants/checkin/self_checkin.html",
                {
                    "session": session,
                    "workshop": session.workshop,
                    "problem": refusal.field,
                    "message": refusal.message,
                    "registration": registration,
                },
                status=400 if refusal.field == "code" else 409,
            )
            return response
        messages.success(
            request,
            _("You are checked in at “%(session)s”. Welcome!")
            % {
                "session": session.title_local
                if language == "zh-hans" and session.title_local
                else session.title
            },
        )
    return redirect("participants:personal", token=registration.token)


@never_cache
@require_GET
def personal_checkin_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code of a confirmed participant's check-in code, for the personal page."""
    registration = get_registration_by_token(token)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    return svg_response(attendance.checkin_code(registration), scale=8)


# What a check-in screen loads besides itself: kept by the service worker for offline days.
OFFLINE_ASSETS = (
    "css/site.css",
    "js/site.js",
    "participants/checkin.css",
    "participants/checkin.js",
    "participants/vendor/jsqr/jsQR.js",
)


@login_required
@require_GET
def checkin_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps the check-in screens usable offline (scope /organise/).

    Served from here rather than from the static files so that its scope covers the screens;
    the list of files it keeps names their current (hashed, in production) addresses, and
    its cache's name changes with them, so a new release replaces what browsers hold.
    """
    assets = json.dumps([static(path) for path in OFFLINE_ASSETS])
    response = render(
        request,
        "participants/checkin/service_worker.js",
        {"assets": assets, "version": hashlib.sha256(assets.encode()).hexdigest()[:12]},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response

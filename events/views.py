"""The public front page, and the organiser pages for workshops, timetables, agencies and
trainers. Each page finds its workshop through ``get_organised_workshop`` (404 to anyone
who does not organise it) and leaves every change to ``events.services``.
"""

import hashlib
import io
import zlib
from dataclasses import dataclass
from functools import wraps
from html import escape as _escape

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import forms, services
from events.calendar import workshop_url
from events.clashes import clashes_by_workshop
from events.duplicates import near_duplicate_agencies, near_duplicate_trainers
from events.models import Session, Trainer, Workshop, WorkshopAgency
from events.queries import (
    get_managed_trainer,
    get_organised_workshop,
    is_organiser,
    last_timezone_of,
    search_agencies,
    search_trainers,
    timetable_rows,
    timetable_version,
    trainer_teaching,
    trainers_managed_by,
)

SEARCH_LIMIT = 25


@dataclass(frozen=True)
class Card:
    """A workshop on the front page, and whether its public form takes registrations."""

    workshop: Workshop
    state: str
    label: str

    @property
    def is_open(self) -> bool:
        return self.state == Workshop.SelfRegistration.OPEN


def _card(workshop: Workshop, now, *, past: bool) -> Card:
    if past and workshop.status == Workshop.Status.PUBLISHED:
        # Over, though never closed: the front page offers no seat in the past.
        return Card(workshop=workshop, state=Workshop.SelfRegistration.CLOSED, label=_("Ended"))
    state = workshop.self_registration(now)
    if workshop.status == Workshop.Status.PUBLISHED:
        label = Workshop.SelfRegistration(state).label
    else:
        label = workshop.get_status_display()
    return Card(workshop=workshop, state=state, label=label)


def home(request):
    """The front page: the published workshops, each a link to its public page, upcoming
    ones first (soonest first), then past ones (latest first). One query."""
    now = timezone.now()
    today = timezone.localdate(now)
    upcoming, past = [], []
    for workshop in Workshop.objects.public().order_by("start_date", "title"):
        ended = workshop.end_date < today
        (past if ended else upcoming).append(_card(workshop, now, past=ended))
    past.reverse()
    return render(request, "events/home.html", {"upcoming": upcoming, "past": past})


def organiser_required(view):
    """Signed in (else to the sign-in page) and an organiser (else 404, revealing nothing)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_organiser(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Workshops ---------------------------------------------------------------------------------


@organiser_required
def workshop_create(request):
    # A new workshop starts in the zone of the organiser's latest one, not in UTC.
    zone = last_timezone_of(request.user)
    form = forms.WorkshopForm(request.POST or None, initial={"timezone": zone} if zone else None)
    workshop = form.submit(by=request.user) if request.method == "POST" else None
    if workshop is not None:
        messages.success(request, _("The workshop was created as a draft."))
        return redirect("events:workshop_detail", slug=workshop.slug)
    return render(request, "events/organise/workshop_form.html", {"form": form})


@login_required
def workshop_detail(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    context = {
        "workshop": workshop,
        "transitions": services.allowed_transitions(workshop),
        "agency_roles": workshop.agency_roles.select_related("agency").order_by(
            "role", "order", "pk"
        ),
        "session_count": workshop.sessions.filter(status=Session.Status.SCHEDULED).count(),
        "public_url": workshop_url(workshop.slug),
    }
    return render(request, "events/organise/workshop_detail.html", context)


@login_required
def workshop_qr(request, slug):
    """The public page's address as a QR code (SVG), to print or show on a screen."""
    workshop = get_organised_workshop(request.user, slug)
    qr = segno.make(workshop_url(workshop.slug), error="m")
    buffer = io.BytesIO()
    # A title names the image for screen readers; no inline style (the CSP refuses it).
    qr.save(buffer, kind="svg", scale=4, border=2, title=workshop_url(workshop.slug))
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
def workshop_edit(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    form = forms.WorkshopForm(request.POST or None, instance=workshop)
    saved = form.submit() if request.method == "POST" else None
    if saved is not None:
        messages.success(request, _("The workshop's details were saved."))
        if form.zone_change is not None:
            messages.info(request, form.zone_change.message())
        if form.rooms_message:
            messages.warning(request, form.rooms_message)
        return redirect("events:workshop_detail", slug=saved.slug)
    if request.method == "POST":
        # The instance took the refused values; show the saved ones around the form.
        workshop.refresh_from_db()
    return render(
        request,
        "events/organise/workshop_form.html",
        {"form": form, "workshop": workshop},
    )


@login_required
def workshop_status(request, slug):
    """GET: what the change means, with the button that makes it. POST: make it."""
    workshop = get_organised_workshop(request.user, slug)
    form = forms.WorkshopStatusForm(request.POST or request.GET or None)
    if not form.is_valid():
        raise Http404
    target = form.cleaned_data["status"]
    transition = next((t for t in services.allowed_transitions(workshop) if t.to == target), None)
    if request.method == "POST":
        try:
            services.change_workshop_status(workshop=workshop, status=target)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("The workshop is now “%(status)s”.") % {"status": workshop.get_status_display()},
            )
        return redirect("events:workshop_detail", slug=workshop.slug)
    context = {
        "workshop": workshop,
        "transition": transition,
        "target": Workshop.Status(target),
    }
    return render(request, "events/organise/workshop_status.html", context)


@login_required
def workshop_copy(request, slug):
    source = get_organised_workshop(request.user, slug)
    form = forms.CopyWorkshopForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            copy = form.save(by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("A copy was made as a draft, with the timetable moved to the new dates."),
            )
            return redirect("events:timetable", slug=copy.slug)
    return render(
        request,
        "events/organise/workshop_copy.html",
        {"form": form, "workshop": source},
    )


@login_required
def workshop_calendar(request, slug):
    """The workshop's calendar feed and its trainers' feeds, to pass on to people."""
    workshop = get_organised_workshop(request.user, slug)
    trainers = Trainer.objects.filter(sessions__workshop=workshop).distinct().order_by("name")
    return render(
        request,
        "events/organise/calendar.html",
        {"workshop": workshop, "trainers": trainers},
    )


# Timetable ---------------------------------------------------------------------------------


# The timetable's body stays in the shared cache until something it shows changes (the key
# holds ``timetable_version``); a day is only a ceiling for entries nobody asks for again.
TIMETABLE_CACHE_SECONDS = 24 * 3600


@login_required
def timetable(request, slug):
    """The workshop's days in its time zone, each session with its trainers and clashes.

    Two queries when nothing changed since someone last looked (the version, the cached
    body), on top of the workshop; the whole timetable is read only after a change.
    """
    workshop = get_organised_workshop(request.user, slug)
    version = hashlib.sha256(timetable_version(workshop).encode()).hexdigest()[:32]
    key = f"events:timetable:{workshop.pk}:{get_language()}:{version}"
    packed = cache.get(key)
    if packed is None:
        body = render_to_string("events/organise/_timetable_body.html", _timetable_body(workshop))
        # Compressed, a 300-session body is a twentieth of its size: quicker to fetch.
        cache.set(key, zlib.compress(body.encode(), 1), TIMETABLE_CACHE_SECONDS)
    else:
        body = zlib.decompress(packed).decode()
    context = {"workshop": workshop, "body": mark_safe(body)}  # our own template's output
    return render(request, "events/organise/timetable.html", context)


def _timetable_body(workshop: Workshop) -> dict:
    """What the timetable's body shows, worked out here once per session rather than by
    template tags row by row, and grouped by local day: every day of the workshop, then
    any session outside them (possible only through old data)."""
    rows = timetable_rows(workshop)
    found = clashes_by_workshop([workshop]).get(workshop.pk, [])
    clashing = {c.session.pk for c in found} | {c.other.pk for c in found}
    clashes = [
        {
            "pk": clash.session.pk,
            "title": clash.session.title,
            "when": date_format(workshop.local(clash.session.starts_at), "SHORT_DATETIME_FORMAT"),
            "message": clash.message(workshop),
        }
        for clash in found
    ]
    kinds = dict(Session.Kind.choices)
    untaught = (Session.Kind.BREAK, Session.Kind.CEREMONY)
    cancelled = Session.Status.CANCELLED
    tz = workshop.tz
    days: dict = {day: [] for day in workshop.days}
    outside = []
    # Translated once per page rather than once per row.
    labels = {
        "cancelled": _("Cancelled"),
        "clash": _("Clash"),
        "no_trainer": _("No trainer"),
        "reinstate": _("Schedule again"),
        "edit": _("Edit"),
        "move": _("Move"),
        "cancel": _("Cancel"),
        "ics": _("Download (.ics)"),
    }
    urls = _SessionLinks(workshop.slug)
    for row in rows:
        start, end = row["starts_at"].astimezone(tz), row["ends_at"].astimezone(tz)
        row["local_start"], row["local_end"] = f"{start:%H:%M}", f"{end:%H:%M}"
        row["local_start_iso"], row["local_end_iso"] = start.isoformat(), end.isoformat()
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["is_cancelled"] = row["status"] == cancelled
        row["has_clash"] = row["pk"] in clashing
        row["needs_trainer"] = (
            not row["is_cancelled"] and row["kind"] not in untaught and not row["trainers"]
        )
        row["html"] = _session_item(row, urls, labels)
        days.get(start.date(), outside).append(row)
    grouped = list(days.items())
    if outside:
        grouped.append((None, outside))
    return {
        "workshop": workshop,
        "days": grouped,
        "clashes": clashes,
        "scheduled_count": sum(not row["is_cancelled"] for row in rows),
        "urls": {"create": reverse("events:session_create", args=[workshop.slug])},
    }


EN_DASH = "\u2013"


class _SessionLinks:
    """The addresses of a timetable's session links, each reversed once per page and filled
    in per row: 300 sessions' five links by ``reverse`` cost more than the rest of the page."""

    _PK = 987654321

    def __init__(self, slug: str):
        def pattern(name, *args):
            before, _, after = reverse(name, args=[*args, self._PK]).rpartition(str(self._PK))
            return f"{before}{{}}{after}"

        names = ("session_reinstate", "session_edit", "session_move", "session_cancel")
        for name in (*names, "session_ics"):
            setattr(self, name, pattern(f"events:{name}", slug))
        self.trainer_detail = pattern("events:trainer_detail")


def _session_item(row: dict, urls: _SessionLinks, labels: dict) -> SafeString:
    """One session's <li> of the timetable, written here rather than by template tags: a
    300-session timetable rendered tag by tag took ten times the sign-in page to draw after
    each change (bench/organiser_pages.py). Every text is escaped, as the templates would
    (the standard library's ``html.escape``, which Django's ``escape`` wraps, minus the lazy
    wrapper's cost per call)."""
    pk = row["pk"]
    title = _escape(row["title"])
    described = f'aria-describedby="st-{pk}"'
    classes = "session"
    classes += " is-cancelled" if row["is_cancelled"] else ""
    classes += " has-clash" if row["has_clash"] else ""
    badges = f'<span class="badge">{_escape(row["kind_label"])}</span>'
    if row["is_cancelled"]:
        title = f"<s>{title}</s>"
        badges += f' <span class="badge bad">{_escape(labels["cancelled"])}</span>'
    if row["has_clash"]:
        badges += f' <span class="badge bad">{_escape(labels["clash"])}</span>'
    if row["needs_trainer"]:
        badges += f' <span class="badge warn">{_escape(labels["no_trainer"])}</span>'
    local = ""
    if row["title_local"]:
        local = f'\n        <p class="local" lang="zh-Hans">{_escape(row["title_local"])}</p>'
    meta = ""
    if row["room"]:
        meta += f"<span>{_escape(row['room'])}</span>"
    if row["trainers"]:
        taught = ", ".join(
            f'<a href="{urls.trainer_detail.format(t.pk)}">{_escape(str(t))}</a>'
            for t in row["trainers"]
        )
        meta += f"<span>{taught}</span>"
    if row["topics"]:
        meta += f'<span class="muted">{_escape(row["topics"])}</span>'
    if row["is_cancelled"]:
        actions = (
            f'<a href="{urls.session_reinstate.format(pk)}" {described}>'
            f"{_escape(labels['reinstate'])}</a>"
        )
    else:
        actions = "\n          ".join(
            f'<a href="{getattr(urls, name).format(pk)}" {described}>{_escape(labels[label])}</a>'
            for name, label in (
                ("session_edit", "edit"),
                ("session_move", "move"),
                ("session_cancel", "cancel"),
            )
        )
    ics = (
        f'<a href="{urls.session_ics.format(pk)}" download {described}>{_escape(labels["ics"])}</a>'
    )
    return mark_safe(  # every text above is escaped
        f'<li class="{classes}" id="session-{pk}">\n'
        f'      <div class="session-time"><time datetime="{row["local_start_iso"]}">'
        f'{row["local_start"]}</time>{EN_DASH}<time datetime="{row["local_end_iso"]}">'
        f"{row['local_end']}</time></div>\n"
        f'      <div class="session-what">\n'
        f'        <p class="session-title"><span id="st-{pk}">{title}</span>\n'
        f"          {badges}</p>{local}\n"
        f'        <p class="session-meta">{meta}</p>\n'
        f"      </div>\n"
        f'      <div class="session-actions">\n'
        f"          {actions}\n"
        f"        {ics}\n"
        f"      </div>\n"
        f"    </li>"
    )


def _get_session(workshop, pk) -> Session:
    session = get_object_or_404(workshop.sessions.select_related("room"), pk=pk)
    session.workshop = workshop
    return session


@login_required
def session_create(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    initial = {}
    if request.GET.get("day"):
        initial["day"] = request.GET["day"]
    form = forms.SessionForm(request.POST or None, workshop=workshop, initial=initial)
    session = form.submit() if request.method == "POST" else None
    if session is not None:
        messages.success(request, _("“%(title)s” was added.") % {"title": session.title})
        if "add_another" in request.POST:
            return redirect(
                reverse("events:session_create", args=[workshop.slug])
                + f"?day={form.cleaned_data['day'].isoformat()}"
            )
        return redirect("events:timetable", slug=workshop.slug)
    return render(
        request,
        "events/organise/session_form.html",
        {"form": form, "workshop": workshop},
    )


def _session_form_page(request, workshop, session, form, template: str, done: str):
    """Save ``form`` on POST if valid and the service accepts it; else show it again.

    A service refusal (a clash found at the last moment) lands on the form as an error.
    """
    saved = form.submit() if request.method == "POST" else None
    if saved is not None:
        messages.success(request, done % {"title": saved.title})
        return redirect("events:timetable", slug=workshop.slug)
    return render(request, template, {"form": form, "workshop": workshop, "session": session})


@login_required
def session_edit(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    form = forms.SessionForm(request.POST or None, workshop=workshop, session=session)
    return _session_form_page(
        request,
        workshop,
        session,
        form,
        "events/organise/session_form.html",
        _("“%(title)s” was saved."),
    )


@login_required
def session_move(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    form = forms.MoveSessionForm(request.POST or None, session=session)
    return _session_form_page(
        request,
        workshop,
        session,
        form,
        "events/organise/session_move.html",
        _("“%(title)s” was moved."),
    )


def _session_confirm_page(request, slug, pk, change, template: str, done: str):
    """GET: ask (``template``). POST: ``change(session=...)``, a service; its refusal is
    shown as messages; back to the timetable either way."""
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    if request.method == "POST":
        try:
            change(session=session)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, done % {"title": session.title})
        return redirect("events:timetable", slug=workshop.slug)
    return render(request, template, {"workshop": workshop, "session": session})


@login_required
def session_cancel(request, slug, pk):
    """Cancel: the session stays, struck through, and calendars update."""
    return _session_confirm_page(
        request,
        slug,
        pk,
        services.cancel_session,
        "events/organise/session_cancel.html",
        _("“%(title)s” was cancelled."),
    )


@login_required
def session_reinstate(request, slug, pk):
    """Schedule the cancelled session again, unless something took its place."""
    return _session_confirm_page(
        request,
        slug,
        pk,
        services.reinstate_session,
        "events/organise/session_reinstate.html",
        _("“%(title)s” is scheduled again."),
    )


# Agencies ----------------------------------------------------------------------------------


@login_required
def workshop_agencies(request, slug):
    """The agencies by role; a search of existing agencies, each with a form to add it."""
    workshop = get_organised_workshop(request.user, slug)
    if request.method == "POST":
        form = forms.AgencyRoleForm(request.POST, workshop=workshop)
        role = form.submit()
        if role is not None:
            messages.success(
                request,
                _("%(agency)s was added as %(role)s.")
                % {"agency": role.agency, "role": role.get_role_display().lower()},
            )
            return redirect("events:workshop_agencies", slug=workshop.slug)
        for error in form.errors.values():
            for message in error:
                messages.error(request, message)
    query = request.GET.get("q", "").strip()
    roles = workshop.agency_roles.select_related("agency__parent").order_by("order", "pk")
    by_role = {value: [] for value in WorkshopAgency.Role.values}
    for item in roles:
        by_role[item.role].append(item)
    matches = list(search_agencies(query)[: SEARCH_LIMIT + 1]) if query else []
    context = {
        "workshop": workshop,
        "groups": [(WorkshopAgency.Role(value), items) for value, items in by_role.items()],
        "query": query,
        "matches": matches[:SEARCH_LIMIT],
        "more_matches": len(matches) > SEARCH_LIMIT,
        "role_choices": WorkshopAgency.Role.choices,
    }
    return render(request, "events/organise/agencies.html", context)


@login_required
def agency_create(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    searching = "find_parent" in request.POST
    if searching:
        # Show again what was typed, with the parents found, and no errors: nothing is saved.
        form = forms.AgencyForm(workshop=workshop, initial=request.POST.dict())
    else:
        initial = {"name": request.GET.get("q", "")}
        form = forms.AgencyForm(request.POST or None, workshop=workshop, initial=initial)
    duplicates = []
    if request.method == "POST" and not searching and form.is_valid():
        duplicates = _unconfirmed_duplicates(request, near_duplicate_agencies, form, email=False)
    agency = (
        form.submit() if request.method == "POST" and not searching and not duplicates else None
    )
    if agency is not None:
        messages.success(request, _("%(agency)s was created and added.") % {"agency": agency})
        return redirect("events:workshop_agencies", slug=workshop.slug)
    return render(
        request,
        "events/organise/agency_form.html",
        {"form": form, "workshop": workshop, "searching": searching, "duplicates": duplicates},
    )


@require_POST
@login_required
def agency_role_remove(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    agency_role = get_object_or_404(workshop.agency_roles.select_related("agency"), pk=pk)
    services.remove_agency_role(agency_role=agency_role)
    messages.success(
        request,
        _("%(agency)s is no longer listed as %(role)s.")
        % {"agency": agency_role.agency, "role": agency_role.get_role_display().lower()},
    )
    return redirect("events:workshop_agencies", slug=workshop.slug)


@require_POST
@login_required
def agency_role_note(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    agency_role = get_object_or_404(workshop.agency_roles.select_related("agency"), pk=pk)
    form = forms.AgencyRoleNoteForm(request.POST, agency_role=agency_role)
    if form.submit() is not None:
        messages.success(
            request,
            _("The note on %(agency)s as %(role)s is saved.")
            % {"agency": agency_role.agency, "role": agency_role.get_role_display().lower()},
        )
    for error in form.errors.values():
        for message in error:
            messages.error(request, message)
    return redirect("events:workshop_agencies", slug=workshop.slug)


@require_POST
@login_required
def agency_role_move(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    agency_role = get_object_or_404(workshop.agency_roles, pk=pk)
    services.move_agency_role(agency_role=agency_role, up=request.POST.get("direction") == "up")
    return redirect("events:workshop_agencies", slug=workshop.slug)


# Trainers ----------------------------------------------------------------------------------


@organiser_required
def trainer_list(request):
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "events/organise/trainer_list.html",
        {"trainers": search_trainers(query), "query": query},
    )


@organiser_required
def trainer_detail(request, pk):
    """Every organiser sees who a trainer is and what they teach in workshops they may see;
    the e-mail address and the secret calendar link only those who manage the trainer."""
    trainer = get_object_or_404(Trainer.objects.select_related("agency"), pk=pk)
    context = {
        "trainer": trainer,
        "teaching": trainer_teaching(trainer, request.user),
        "manages": trainers_managed_by(request.user).filter(pk=trainer.pk).exists(),
    }
    return render(request, "events/organise/trainer_detail.html", context)


@organiser_required
def trainer_create(request):
    form = forms.TrainerForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _unconfirmed_duplicates(request, near_duplicate_trainers, form, email=True)
    trainer = form.submit(by=request.user) if request.method == "POST" and not duplicates else None
    if trainer is not None:
        messages.success(request, _("%(trainer)s was added.") % {"trainer": trainer})
        return redirect("events:trainer_detail", pk=trainer.pk)
    return render(
        request, "events/organise/trainer_form.html", {"form": form, "duplicates": duplicates}
    )


def _unconfirmed_duplicates(request, find, form, *, email: bool) -> list:
    """The near-duplicates of what ``form`` would create (``events.duplicates``), unless the
    organiser has seen them and chose to create it anyway."""
    if request.POST.get("create_anyway") == "1":
        return []
    values = form.cleaned_data
    name = values.get("name") or ""
    extra = {"email": values.get("email") or "", "user": request.user} if email else {}
    found = find(name=name, name_local=values.get("name_local") or "", **extra)
    if not email and any(agency.name == name for agency in found):
        return []  # the very name is taken: the save refuses it, with its own message
    return found


@organiser_required
def trainer_edit(request, pk):
    trainer = get_managed_trainer(request.user, pk)
    form = forms.TrainerForm(request.POST or None, instance=trainer)
    saved = form.submit() if request.method == "POST" else None
    if saved is not None:
        messages.success(request, _("%(trainer)s was saved.") % {"trainer": saved})
        return redirect("events:trainer_detail", pk=saved.pk)
    return render(request, "events/organise/trainer_form.html", {"form": form, "trainer": trainer})

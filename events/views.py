"""The public front page, and the organiser pages for workshops, timetables, agencies and
trainers. Each page finds its workshop through ``get_organised_workshop`` (404 to anyone
who does not organise it) and leaves every change to ``events.services``.
"""

import hashlib
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import forms, services
from events.clashes import clashes_by_workshop
from events.models import Session, Trainer, Workshop, WorkshopAgency
from events.queries import (
    get_organised_workshop,
    group_by_local_day,
    is_organiser,
    search_agencies,
    search_trainers,
    timetable_sessions,
    timetable_version,
    trainer_teaching,
)

SEARCH_LIMIT = 25


def home(request):
    """The front page: published workshops, soonest first."""
    workshops = Workshop.objects.public().order_by("-start_date")
    return render(request, "events/home.html", {"workshops": workshops})


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
    form = forms.WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = form.save(by=request.user)
        except ValidationError:
            pass
        else:
            messages.success(request, _("The workshop was created as a draft."))
            return redirect("events:workshop_detail", slug=workshop.slug)
    return render(request, "events/organise/workshop_form.html", {"form": form})


@login_required
def workshop_detail(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    context = {
        "workshop": workshop,
        "tab": "overview",
        "transitions": services.allowed_transitions(workshop),
        "agency_roles": workshop.agency_roles.select_related("agency").order_by(
            "role", "order", "pk"
        ),
        "session_count": workshop.sessions.filter(status=Session.Status.SCHEDULED).count(),
    }
    return render(request, "events/organise/workshop_detail.html", context)


@login_required
def workshop_edit(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    form = forms.WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = form.save()
        except ValidationError:
            # The instance took the refused values; show the saved ones around the form.
            workshop.refresh_from_db()
        else:
            messages.success(request, _("The workshop's details were saved."))
            return redirect("events:workshop_detail", slug=workshop.slug)
    return render(
        request,
        "events/organise/workshop_form.html",
        {"form": form, "workshop": workshop, "tab": "overview"},
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
        "tab": "overview",
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
        {"form": form, "workshop": source, "tab": "overview"},
    )


@login_required
def workshop_calendar(request, slug):
    """The workshop's calendar feed and its trainers' feeds, to pass on to people."""
    workshop = get_organised_workshop(request.user, slug)
    trainers = Trainer.objects.filter(sessions__workshop=workshop).distinct().order_by("name")
    return render(
        request,
        "events/organise/calendar.html",
        {"workshop": workshop, "trainers": trainers, "tab": "calendar"},
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
    body = cache.get(key)
    if body is None:
        body = render_to_string("events/organise/_timetable_body.html", _timetable_body(workshop))
        cache.set(key, body, TIMETABLE_CACHE_SECONDS)
    context = {"workshop": workshop, "body": mark_safe(body)}  # our own template's output
    return render(request, "events/organise/timetable.html", context)


def _timetable_body(workshop: Workshop) -> dict:
    """What the timetable's body shows, worked out once per session here rather than by
    template tags row by row (a 300-session programme renders in a few milliseconds)."""
    sessions = timetable_sessions(workshop)
    clashes = clashes_by_workshop([workshop], sessions=sessions).get(workshop.pk, [])
    clashing = {c.session.pk for c in clashes} | {c.other.pk for c in clashes}
    kinds = dict(Session.Kind.choices)
    untaught = (Session.Kind.BREAK, Session.Kind.CEREMONY)
    tz = workshop.tz
    for session in sessions:
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        session.local_start, session.local_end = f"{start:%H:%M}", f"{end:%H:%M}"
        session.local_start_iso, session.local_end_iso = start.isoformat(), end.isoformat()
        session.kind_label = kinds.get(session.kind, session.kind)
        session.trainer_list = list(session.trainers.all())
        session.topic_names = ", ".join(topic.name for topic in session.topics.all())
        session.has_clash = session.pk in clashing
        session.needs_trainer = (
            not session.is_cancelled and session.kind not in untaught and not session.trainer_list
        )
        if session.has_clash:
            session.local_label = date_format(start, "D j M H:i")
    urls = {
        "create": reverse("events:session_create", args=[workshop.slug]),
        "sessions": reverse("events:timetable", args=[workshop.slug]),
        "trainers": reverse("events:trainer_list"),
    }
    try:
        # The download of one session: its address up to the session's number.
        urls["ics"] = reverse("events:session_ics", args=[workshop.slug, 0]).removesuffix("0.ics")
    except NoReverseMatch:
        urls["ics"] = ""
    return {
        "workshop": workshop,
        "days": group_by_local_day(workshop, sessions),
        "clashes": clashes,
        "scheduled_count": sum(not s.is_cancelled for s in sessions),
        "urls": urls,
    }


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
    if request.method == "POST" and form.is_valid():
        try:
            session = form.save()
        except ValidationError:
            pass
        else:
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
        {"form": form, "workshop": workshop, "tab": "timetable"},
    )


@login_required
def session_edit(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    form = forms.SessionForm(request.POST or None, workshop=workshop, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            session = form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": session.title})
            return redirect("events:timetable", slug=workshop.slug)
    return render(
        request,
        "events/organise/session_form.html",
        {"form": form, "workshop": workshop, "session": session, "tab": "timetable"},
    )


@login_required
def session_move(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    form = forms.MoveSessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("“%(title)s” was moved.") % {"title": session.title})
            return redirect("events:timetable", slug=workshop.slug)
    return render(
        request,
        "events/organise/session_move.html",
        {"form": form, "workshop": workshop, "session": session, "tab": "timetable"},
    )


@login_required
def session_cancel(request, slug, pk):
    """GET: ask. POST: cancel; the session stays, struck through, and calendars update."""
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    if request.method == "POST":
        services.cancel_session(session=session)
        messages.success(request, _("“%(title)s” was cancelled.") % {"title": session.title})
        return redirect("events:timetable", slug=workshop.slug)
    return render(
        request,
        "events/organise/session_cancel.html",
        {"workshop": workshop, "session": session, "tab": "timetable"},
    )


@login_required
def session_reinstate(request, slug, pk):
    """GET: ask. POST: schedule the cancelled session again, unless something took its place."""
    workshop = get_organised_workshop(request.user, slug)
    session = _get_session(workshop, pk)
    if request.method == "POST":
        try:
            services.reinstate_session(session=session)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("“%(title)s” is scheduled again.") % {"title": session.title}
            )
        return redirect("events:timetable", slug=workshop.slug)
    return render(
        request,
        "events/organise/session_reinstate.html",
        {"workshop": workshop, "session": session},
    )


# Agencies ----------------------------------------------------------------------------------


@login_required
def workshop_agencies(request, slug):
    """The agencies by role; a search of existing agencies, each with a form to add it."""
    workshop = get_organised_workshop(request.user, slug)
    if request.method == "POST":
        form = forms.AgencyRoleForm(request.POST, workshop=workshop)
        if form.is_valid():
            try:
                role = form.save()
            except ValidationError:
                pass
            else:
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
        "tab": "agencies",
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
    if request.method == "POST" and not searching and form.is_valid():
        try:
            agency = form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("%(agency)s was created and added.") % {"agency": agency})
            return redirect("events:workshop_agencies", slug=workshop.slug)
    return render(
        request,
        "events/organise/agency_form.html",
        {"form": form, "workshop": workshop, "tab": "agencies", "searching": searching},
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
    trainer = get_object_or_404(Trainer.objects.select_related("agency"), pk=pk)
    context = {
        "trainer": trainer,
        "teaching": trainer_teaching(trainer, request.user),
    }
    return render(request, "events/organise/trainer_detail.html", context)


@organiser_required
def trainer_create(request):
    form = forms.TrainerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trainer = form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("%(trainer)s was added.") % {"trainer": trainer})
            return redirect("events:trainer_detail", pk=trainer.pk)
    return render(request, "events/organise/trainer_form.html", {"form": form})


@organiser_required
def trainer_edit(request, pk):
    trainer = get_object_or_404(Trainer, pk=pk)
    form = forms.TrainerForm(request.POST or None, instance=trainer)
    if request.method == "POST" and form.is_valid():
        try:
            trainer = form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("%(trainer)s was saved.") % {"trainer": trainer})
            return redirect("events:trainer_detail", pk=trainer.pk)
    return render(request, "events/organise/trainer_form.html", {"form": form, "trainer": trainer})

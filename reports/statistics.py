"""The figures organisers and funders watch, computed in the database, once, for every output.

Every count is a correlated subquery on the workshop row, so a list of workshops with all
their figures is one query however many registrations, sessions and answers lie behind it.
The dashboard, the post-event report and the API read the same annotations.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from events.clashes import clashes_by_workshop
from events.models import Session, Workshop
from events.queries import timetable_version
from feedback.models import Questionnaire, Response
from participants.models import Attendance, Registration

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
# Kinds of session that are not taught, so have no trainer to find.
UNTAUGHT_KINDS = (Session.Kind.BREAK, Session.Kind.CEREMONY)


def _count(queryset: QuerySet, outer: str) -> Coalesce:
    """The number of rows of ``queryset`` whose ``outer`` is the workshop, as a subquery."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def with_figures(workshops: QuerySet[Workshop], *, now: datetime) -> QuerySet[Workshop]:
    """``workshops`` annotated with the counts below, all computed by the database; pass
    each through ``add_rates`` for the two rates.

    - ``confirmed``, ``waitlisted``, ``pending``: registrations in each state.
    - ``scheduled_sessions``: sessions not cancelled.
    - ``sessions_without_trainers``: scheduled sessions that are taught (not breaks or
      ceremonies) yet have no trainer.
    - ``registered_sessions``: scheduled sessions that have started by ``now`` and whose
      register has been taken (at least one attendance record).
    - ``attended``: attendance records of confirmed registrations marked present or late at
      those sessions.
    - ``attendance_rate``: ``attended / (confirmed * registered_sessions)``, between
      0 and 1: the share of the seats at sessions held so far that were filled. A session
      whose register has not been taken yet does not count against it. None (not 0) when
      no register has been taken or nobody is confirmed.
    - ``evaluations``: the workshop's evaluation questionnaires (knowledge tests are not
      feedback); ``evaluation_responses``: the responses to them, named or anonymous.
    - ``response_rate``: ``evaluation_responses / (confirmed * evaluations)``: the
      share of confirmed participants who answered, each evaluation counted once per person.
      None when there is no evaluation or nobody is confirmed.
    """
    registrations = Registration.objects.all()
    scheduled = Session.objects.filter(status=Session.Status.SCHEDULED)
    registered_sessions = scheduled.filter(starts_at__lte=now).filter(
        Exists(Attendance.objects.filter(session=OuterRef("pk")))
    )
    attended = Attendance.objects.filter(
        registration__status=Registration.Status.CONFIRMED,
        status__in=ATTENDED,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__lte=now,
    )
    evaluations = Questionnaire.objects.filter(kind=Questionnaire.Kind.EVALUATION)
    responses = Response.objects.filter(questionnaire__kind=Questionnaire.Kind.EVALUATION)
    return workshops.annotate(
        confirmed=_count(registrations.filter(status=Registration.Status.CONFIRMED), "workshop"),
        waitlisted=_count(registrations.filter(status=Registration.Status.WAITLISTED), "workshop"),
        pending=_count(registrations.filter(status=Registration.Status.PENDING), "workshop"),
        scheduled_sessions=_count(scheduled, "workshop"),
        sessions_without_trainers=_count(
            scheduled.filter(trainers__isnull=True).exclude(kind__in=UNTAUGHT_KINDS), "workshop"
        ),
        registered_sessions=_count(registered_sessions, "workshop"),
        # Through the sessions, not the registrations: a workshop has far fewer sessions
        # than registrations, so the database looks attendance up from the smaller side.
        attended=_count(attended, "session__workshop"),
        evaluations=_count(evaluations, "workshop"),
        evaluation_responses=_count(responses, "questionnaire__workshop"),
    )


def add_rates(workshop: Workshop) -> Workshop:
    """Set ``attendance_rate`` and ``response_rate`` from the counts ``with_figures`` made.

    Divided here rather than in SQL, where each rate would repeat its counts' subqueries.
    """
    workshop.attendance_rate = _ratio(
        workshop.attended, workshop.confirmed * workshop.registered_sessions
    )
    workshop.response_rate = _ratio(
        workshop.evaluation_responses, workshop.confirmed * workshop.evaluations
    )
    return workshop


def workshop_figures(workshop: Workshop, *, now: datetime) -> Workshop:
    """One workshop with the figures of ``with_figures`` and its rates: one query."""
    return add_rates(with_figures(Workshop.objects.filter(pk=workshop.pk), now=now).get())


@dataclass
class Dashboard:
    """An organiser's workshops by where they stand today, and what needs doing in them."""

    upcoming: list[Workshop] = field(default_factory=list)
    running: list[Workshop] = field(default_factory=list)
    past: list[Workshop] = field(default_factory=list)
    clashes: dict[int, list["ClashNote"]] = field(default_factory=dict)

    @property
    def needs_doing(self) -> list[Workshop]:
        """Running and upcoming workshops with something to do, soonest first."""
        return [w for w in [*self.running, *self.upcoming] if w.todo_count]

    @property
    def is_empty(self) -> bool:
        return not (self.upcoming or self.running or self.past)


def local_today(workshop: Workshop, now: datetime) -> date:
    return now.astimezone(workshop.tz).date()


def dashboard(workshops: QuerySet[Workshop], *, now: datetime) -> Dashboard:
    """``workshops`` with their figures, grouped as upcoming, running or past, each judged
    by the date today where the workshop takes place; clashes for those not yet over.

    A fixed number of queries whatever the number of workshops, sessions and people: one
    for the workshops and their figures, then those of ``clash_notes``.
    """
    board = Dashboard()
    current = []
    for workshop in with_figures(workshops, now=now).order_by("start_date", "title", "pk"):
        add_rates(workshop)
        today = local_today(workshop, now)
        if workshop.end_date < today:
            board.past.append(workshop)
        elif workshop.start_date > today:
            board.upcoming.append(workshop)
        else:
            board.running.append(workshop)
        if workshop.end_date >= today and workshop.status != Workshop.Status.CANCELLED:
            current.append(workshop)
    board.past.reverse()  # the most recent first
    board.clashes = clash_notes(current)
    current_ids = {w.pk for w in current}
    for workshop in [*board.upcoming, *board.running, *board.past]:
        is_current = workshop.pk in current_ids
        workshop.clashes = board.clashes.get(workshop.pk, []) if is_current else []
        workshop.is_unpublished_draft = is_current and workshop.status == Workshop.Status.DRAFT
        workshop.todo_count = (
            (workshop.pending + workshop.sessions_without_trainers + len(workshop.clashes))
            if is_current
            else 0
        ) + (1 if workshop.is_unpublished_draft else 0)
    return board


@dataclass(frozen=True)
class ClashNote:
    """A clash as the dashboard lists it: the session, and what it clashes with."""

    session_title: str
    message: str


# Kept until a timetable involved changes (the key holds ``timetable_version``); a day is
# only a ceiling for entries nobody asks for again.
CLASH_CACHE_SECONDS = 24 * 3600


def clash_notes(workshops: list[Workshop]) -> dict[int, list[ClashNote]]:
    """The clashes of ``workshops`` by workshop id, from the shared cache while none of the
    timetables involved has changed: two queries then (the version, the cache), and those
    of ``clashes_by_workshop`` and the cache's write after a change.
    """
    if not workshops:
        return {}
    version = hashlib.sha256(timetable_version(*workshops).encode()).hexdigest()[:32]
    key = f"reports:clashes:{get_language()}:{version}"
    notes = cache.get(key)
    if notes is None:
        notes = {
            workshop_id: [ClashNote(c.session.title, c.message()) for c in clashes]
            for workshop_id, clashes in clashes_by_workshop(workshops).items()
        }
        cache.set(key, notes, CLASH_CACHE_SECONDS)
    return notes

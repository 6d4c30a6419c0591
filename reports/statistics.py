"""The figures organisers and funders watch, computed in the database, once, for every output.

Every count is a correlated subquery on the workshop row, so a list of workshops with all
their figures is one query however many registrations, sessions and answers lie behind it.
The dashboard, the post-event report and the API read the same annotations.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from events.clashes import Clash, clashes_by_workshop
from events.models import Session, Workshop
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


def _ratio(numerator: str, denominator) -> Cast:
    return Cast(F(numerator), FloatField()) / NullIf(denominator, 0, output_field=FloatField())


def with_figures(workshops: QuerySet[Workshop], *, now: datetime) -> QuerySet[Workshop]:
    """``workshops`` annotated with the figures below, all computed by the database.

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
        attended=_count(attended, "registration__workshop"),
        evaluations=_count(evaluations, "workshop"),
        evaluation_responses=_count(responses, "questionnaire__workshop"),
    ).annotate(
        attendance_rate=_ratio("attended", F("confirmed") * F("registered_sessions")),
        response_rate=_ratio("evaluation_responses", F("confirmed") * F("evaluations")),
    )


def workshop_figures(workshop: Workshop, *, now: datetime) -> Workshop:
    """One workshop with the figures of ``with_figures``: one query."""
    return with_figures(Workshop.objects.filter(pk=workshop.pk), now=now).get()


@dataclass
class Dashboard:
    """An organiser's workshops by where they stand today, and what needs doing in them."""

    upcoming: list[Workshop] = field(default_factory=list)
    running: list[Workshop] = field(default_factory=list)
    past: list[Workshop] = field(default_factory=list)
    clashes: dict[int, list[Clash]] = field(default_factory=dict)

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
    for the workshops and their figures, at most four for the clashes (see
    ``clashes_by_workshop``).
    """
    board = Dashboard()
    current = []
    for workshop in with_figures(workshops, now=now).order_by("start_date", "title", "pk"):
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
    board.clashes = clashes_by_workshop(current)
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

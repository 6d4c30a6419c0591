"""The figures organisers and funders watch, computed in the database, once, for every output.

All the figures of any number of workshops come from one statement: every count is a
scalar subquery on the workshop's row, answered from indexes, however many registrations,
sessions and answers lie behind it. The statement is written out rather than built with
the ORM: built, its nine subqueries cost more time in Python than the database takes to
answer them. The dashboard, the post-event report and the API read the same ``Figures``.
"""

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import get_language

from events.clashes import clashes_by_workshop
from events.models import Session, Workshop
from events.queries import timetable_version
from feedback.models import Questionnaire, Response
from participants.models import Attendance, Registration

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
# Kinds of session that are not taught, so have no trainer to find.
UNTAUGHT_KINDS = (Session.Kind.BREAK, Session.Kind.CEREMONY)


@dataclass(frozen=True)
class Figures:
    """What an organiser watches in a workshop, counted by ``figures``.

    - ``confirmed``, ``waitlisted``, ``pending``: registrations in each state.
    - ``scheduled_sessions``: sessions not cancelled.
    - ``sessions_without_trainers``: scheduled sessions that are taught (not breaks or
      ceremonies) yet have no trainer.
    - ``registered_sessions``: scheduled sessions that have started and whose register has
      been taken (at least one attendance record).
    - ``attended``: attendance records of confirmed registrations marked present or late at
      those sessions.
    - ``evaluations``: the workshop's evaluation questionnaires (knowledge tests are not
      feedback); ``evaluation_responses``: the responses to them, named or anonymous.
    """

    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    scheduled_sessions: int = 0
    sessions_without_trainers: int = 0
    registered_sessions: int = 0
    attended: int = 0
    evaluations: int = 0
    evaluation_responses: int = 0

    @property
    def attendance_rate(self) -> float | None:
        """``attended / (confirmed * registered_sessions)``, from 0 to 1: the share of the
        seats at the sessions held so far that were filled. A session whose register has not
        been taken yet does not count against it. None (not 0) when no register has been
        taken or nobody is confirmed."""
        return _ratio(self.attended, self.confirmed * self.registered_sessions)

    @property
    def response_rate(self) -> float | None:
        """``evaluation_responses / (confirmed * evaluations)``: the share of confirmed
        participants who answered, each evaluation counted once per person. None when there
        is no evaluation or nobody is confirmed."""
        return _ratio(self.evaluation_responses, self.confirmed * self.evaluations)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


_FIGURES_SQL = """
SELECT w.id,
  (SELECT COUNT(*) FROM {registration} r WHERE r.workshop_id = w.id AND r.status = %(confirmed)s),
  (SELECT COUNT(*) FROM {registration} r WHERE r.workshop_id = w.id AND r.status = %(waitlisted)s),
  (SELECT COUNT(*) FROM {registration} r WHERE r.workshop_id = w.id AND r.status = %(pending)s),
  (SELECT COUNT(*) FROM {session} s WHERE s.workshop_id = w.id AND s.status = %(scheduled)s),
  (SELECT COUNT(*) FROM {session} s
    WHERE s.workshop_id = w.id AND s.status = %(scheduled)s AND s.kind NOT IN ({untaught})
      AND NOT EXISTS (SELECT 1 FROM {session_trainers} st WHERE st.session_id = s.id)),
  CASE WHEN w.start_date <= %(begun_by)s THEN
  (SELECT COUNT(*) FROM {session} s
    WHERE s.workshop_id = w.id AND s.status = %(scheduled)s AND s.starts_at <= %(now)s
      AND EXISTS (SELECT 1 FROM {attendance} a WHERE a.session_id = s.id))
  ELSE 0 END,
  CASE WHEN w.start_date <= %(begun_by)s THEN
  (SELECT COUNT(*) FROM {session} s
     JOIN {attendance} a ON a.session_id = s.id
     JOIN {registration} r ON r.id = a.registration_id
    WHERE s.workshop_id = w.id AND s.status = %(scheduled)s AND s.starts_at <= %(now)s
      AND a.status IN ({attended}) AND r.status = %(confirmed)s)
  ELSE 0 END,
  (SELECT COUNT(*) FROM {questionnaire} q WHERE q.workshop_id = w.id AND q.kind = %(evaluation)s),
  (SELECT COUNT(*) FROM {questionnaire} q JOIN {response} x ON x.questionnaire_id = q.id
    WHERE q.workshop_id = w.id AND q.kind = %(evaluation)s)
FROM {workshop} w
WHERE w.id IN ({ids})
"""


def figures(workshop_ids, *, now: datetime) -> dict[int, Figures]:
    """The ``Figures`` of each workshop in ``workshop_ids``, as they stand at ``now``.

    One query, whatever the number of workshops and of the rows counted for them.
    """
    workshop_ids = [int(pk) for pk in workshop_ids]
    if not workshop_ids:
        return {}
    qn = connection.ops.quote_name
    params = {
        "confirmed": Registration.Status.CONFIRMED,
        "waitlisted": Registration.Status.WAITLISTED,
        "pending": Registration.Status.PENDING,
        "scheduled": Session.Status.SCHEDULED,
        "evaluation": Questionnaire.Kind.EVALUATION,
        "now": connection.ops.adapt_datetimefield_value(now),
        # Attendance is counted only for workshops that may have begun somewhere by now: the
        # first day has come in the time zone furthest ahead (UTC+14). Sessions lie within
        # their workshop's days, so the others have held none yet, and have nothing to count.
        "begun_by": connection.ops.adapt_datefield_value((now + timedelta(hours=14)).date()),
    }
    params.update({f"untaught{n}": value for n, value in enumerate(UNTAUGHT_KINDS)})
    params.update({f"attended{n}": value for n, value in enumerate(ATTENDED)})
    params.update({f"id{n}": value for n, value in enumerate(workshop_ids)})
    sql = _FIGURES_SQL.format(
        workshop=qn(Workshop._meta.db_table),
        registration=qn(Registration._meta.db_table),
        session=qn(Session._meta.db_table),
        session_trainers=qn(Session.trainers.through._meta.db_table),
        attendance=qn(Attendance._meta.db_table),
        questionnaire=qn(Questionnaire._meta.db_table),
        response=qn(Response._meta.db_table),
        untaught=", ".join(f"%(untaught{n})s" for n in range(len(UNTAUGHT_KINDS))),
        attended=", ".join(f"%(attended{n})s" for n in range(len(ATTENDED))),
        ids=", ".join(f"%(id{n})s" for n in range(len(workshop_ids))),
    )
    names = [f.name for f in fields(Figures)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: Figures(**dict(zip(names, row[1:], strict=True))) for row in cursor}


def workshop_figures(workshop: Workshop, *, now: datetime) -> Figures:
    """The ``Figures`` of one workshop: one query."""
    return figures([workshop.pk], now=now).get(workshop.pk, Figures())


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

    A fixed number of queries whatever the number of workshops, sessions and people: the
    workshops, their figures, then those of ``clash_notes``.
    """
    board = Dashboard()
    current = []
    workshops = list(workshops.order_by("start_date", "title", "pk"))
    counted = figures([w.pk for w in workshops], now=now)
    for workshop in workshops:
        workshop.figures = counted.get(workshop.pk, Figures())
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
            (
                workshop.figures.pending
                + workshop.figures.sessions_without_trainers
                + len(workshop.clashes)
            )
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
        # A clash with another of these workshops (the viewer's own) is named in full; one
        # with a workshop the viewer does not organise only as "another workshop".
        own = {workshop.pk for workshop in workshops}
        notes = {
            workshop_id: [
                ClashNote(c.session.title, c.message(full=c.other.workshop_id in own))
                for c in clashes
            ]
            for workshop_id, clashes in clashes_by_workshop(workshops).items()
        }
        cache.set(key, notes, CLASH_CACHE_SECONDS)
    return notes

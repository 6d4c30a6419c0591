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
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.clashes import clashes_by_workshop
from events.models import Agency, Session, Workshop
from events.queries import timetable_version
from feedback import statistics as feedback_statistics
from feedback.models import Questionnaire, Response
from participants import attendance
from participants.models import Attendance, Registration

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
# Kinds of session that are not taught, so have no trainer to find.
UNTAUGHT_KINDS = (Session.Kind.BREAK, Session.Kind.CEREMONY)


@dataclass(frozen=True)
class Figures:
    """What an organiser watches in a workshop, counted by ``figures``.

    - ``confirmed``: registrations holding a seat (participants' ``holds_a_seat``);
      ``waitlisted``, ``pending``: registrations in each state.
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
  (SELECT COUNT(*) FROM {registration} r WHERE r.workshop_id = w.id AND r.status IN ({seated})),
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
    seated = Registration.SEAT_HOLDING_STATUSES  # the seats: participants' one rule
    params.update({f"seated{n}": value for n, value in enumerate(seated)})
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
        seated=", ".join(f"%(seated{n})s" for n in range(len(seated))),
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


@dataclass(frozen=True)
class DashboardRow:
    """A workshop as a dashboard shows it: its figures and, while it is not over, its
    clashes, whether it is still an unpublished draft, and how many things need doing."""

    workshop: Workshop
    figures: Figures
    clashes: list["ClashNote"] = field(default_factory=list)
    is_unpublished_draft: bool = False
    todo_count: int = 0


@dataclass
class Dashboard:
    """An organiser's workshops by where they stand today, and what needs doing in them."""

    upcoming: list[DashboardRow] = field(default_factory=list)
    running: list[DashboardRow] = field(default_factory=list)
    past: list[DashboardRow] = field(default_factory=list)
    clashes: dict[int, list["ClashNote"]] = field(default_factory=dict)

    @property
    def needs_doing(self) -> list[DashboardRow]:
        """Running and upcoming workshops with something to do, soonest first."""
        return [row for row in [*self.running, *self.upcoming] if row.todo_count]

    @property
    def is_empty(self) -> bool:
        return not (self.upcoming or self.running or self.past)


def local_today(workshop: Workshop, now: datetime) -> date:
    return now.astimezone(workshop.tz).date()


def dashboard(
    workshops: QuerySet[Workshop], *, now: datetime, with_clashes: bool = True
) -> Dashboard:
    """``workshops`` as ``DashboardRow``s with their figures, grouped as upcoming, running or
    past, each judged by the date today where the workshop takes place; clashes for those
    not yet over (unless ``with_clashes`` is False: the funders' page does not show them).

    A fixed number of queries whatever the number of workshops, sessions and people: the
    workshops, their figures, then those of ``clash_notes``.
    """
    workshops = list(workshops.select_related("programme").order_by("start_date", "title", "pk"))
    counted = figures([w.pk for w in workshops], now=now)
    groups: dict[str, list[Workshop]] = {"upcoming": [], "running": [], "past": []}
    current = []
    for workshop in workshops:
        today = local_today(workshop, now)
        if workshop.end_date < today:
            groups["past"].append(workshop)
        elif workshop.start_date > today:
            groups["upcoming"].append(workshop)
        else:
            groups["running"].append(workshop)
        if workshop.end_date >= today and workshop.status != Workshop.Status.CANCELLED:
            current.append(workshop)
    groups["past"].reverse()  # the most recent first
    clashes = clash_notes(current) if with_clashes else {}
    current_ids = {w.pk for w in current}

    def row(workshop: Workshop) -> DashboardRow:
        found = counted.get(workshop.pk, Figures())
        if workshop.pk not in current_ids:
            return DashboardRow(workshop, found)
        draft = workshop.status == Workshop.Status.DRAFT
        noted = clashes.get(workshop.pk, [])
        todo = found.pending + found.sessions_without_trainers + len(noted) + (1 if draft else 0)
        return DashboardRow(workshop, found, noted, draft, todo)

    return Dashboard(
        **{group: [row(w) for w in members] for group, members in groups.items()},
        clashes=clashes,
    )


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


# ---------------------------------------------------------------------------------------------
# The post-event report's figures
#
# Everything the report, the funders' pages and the programme report say about who took
# part, how they attended and what they thought comes from ``report_figures`` and
# ``programme_figures`` below: counts from one GROUP BY each, rates from
# ``participants.attendance``, feedback from ``feedback.statistics``. Nothing is counted
# twice in two places.


def min_group() -> int:
    """The smallest group any breakdown shows (FEEDBACK_MIN_GROUP, 5): the feedback rule, so
    that the report's participants and its feedback hide the same groups."""
    return feedback_statistics.min_group()


@dataclass(frozen=True)
class Group:
    """One group of a breakdown: ``count`` people, or None when it is hidden ("fewer than
    5", or hidden with it so that it cannot be worked out from the total)."""

    key: str
    label: str
    count: int | None

    @property
    def shown(self) -> bool:
        return self.count is not None


@dataclass(frozen=True)
class Breakdown:
    """``total`` people cut by one property into ``groups``, largest first."""

    total: int
    groups: list[Group]

    @property
    def hidden(self) -> int:
        """How many groups are hidden."""
        return sum(not group.shown for group in self.groups)


def breakdown(counts: dict[str, int], labels: dict[str, str], *, limit: int) -> Breakdown:
    """``counts`` (key: people) as a ``Breakdown`` under the small-group rule.

    A group of fewer than ``limit`` people shows no figure. When exactly one group is
    hidden, its size would be the total minus the others, so the smallest shown group is
    hidden with it. Groups are ordered by size (largest first), then label; hidden ones
    last, by label, so that their order tells nothing either.
    """
    total = sum(counts.values())
    small = {key for key, n in counts.items() if n < limit}
    if len(small) == 1 and len(counts) > 1:
        rest = sorted((n, labels.get(k, k), k) for k, n in counts.items() if k not in small)
        small.add(rest[0][2])
    shown = sorted(
        (Group(k, labels.get(k, k), n) for k, n in counts.items() if k not in small),
        key=lambda g: (-g.count, g.label),
    )
    hidden = sorted(
        (Group(k, labels.get(k, k), None) for k in small), key=lambda group: group.label
    )
    return Breakdown(total=total, groups=[*shown, *hidden])


DIMENSIONS = ("gender", "kind", "level", "region")
NOT_GIVEN = ""  # the key of a group whose property was not given


def _region_of():
    """A registration's region as given, else its agency's."""
    return Coalesce(
        NullIf(F("region"), Value("")), NullIf(F("agency__region"), Value("")), Value(NOT_GIVEN)
    )


@dataclass(frozen=True)
class PeopleFigures:
    """Who took part (confirmed registrations), by gender, agency kind, level and region."""

    total: int
    by_gender: Breakdown
    by_kind: Breakdown
    by_level: Breakdown
    by_region: Breakdown


def people_labels() -> dict[str, dict[str, str]]:
    not_given = str(_("Not given"))
    return {
        "gender": {**{k: str(v) for k, v in Registration.Gender.choices}, NOT_GIVEN: not_given},
        "kind": {**{k: str(v) for k, v in Agency.Kind.choices}, NOT_GIVEN: not_given},
        "level": {**{k: str(v) for k, v in Agency.Level.choices}, NOT_GIVEN: not_given},
        "region": {NOT_GIVEN: not_given},
    }


def people_figures(registrations: QuerySet[Registration]) -> PeopleFigures:
    """The ``PeopleFigures`` of ``registrations`` (already narrowed to those counted). One
    query: a GROUP BY on the four properties, summed up here into each breakdown."""
    limit = min_group()
    rows = (
        registrations.annotate(
            g=Coalesce(NullIf(F("gender"), Value("")), Value(NOT_GIVEN)),
            k=Coalesce(F("agency__kind"), Value(NOT_GIVEN)),
            lv=Coalesce(F("agency__level"), Value(NOT_GIVEN)),
            rg=_region_of(),
        )
        .order_by()
        .values_list("g", "k", "lv", "rg")
        .annotate(n=Count("pk"))
    )
    tallies: dict[str, dict[str, int]] = {name: {} for name in DIMENSIONS}
    total = 0
    for gender, kind, level, region, n in rows:
        total += n
        for name, key in (("gender", gender), ("kind", kind), ("level", level), ("region", region)):
            tallies[name][key] = tallies[name].get(key, 0) + n
    labels = people_labels()
    return PeopleFigures(
        total=total,
        **{
            f"by_{name}": breakdown(tallies[name], labels[name], limit=limit) for name in DIMENSIONS
        },
    )


@dataclass(frozen=True)
class SessionAttendance:
    session: Session
    rate: attendance.Rate | None  # None for a cancelled session


@dataclass
class ReportFigures:
    """Every figure of a workshop's post-event report, its funders' page and its API.

    - ``figures``: the dashboard's ``Figures`` (registrations, the overall attendance rate,
      the response rate);
    - ``people``: the confirmed participants' breakdowns;
    - ``days``: the attendance rate of each day; ``sessions``: each session of the
      timetable as delivered (cancelled ones with no rate);
    - ``completed``: who completed (``participants.attendance.completion``);
      ``certificates``: certificates in force;
    - ``evaluations``: each evaluation's ``QuestionnaireResults``; ``gains``: each knowledge
      test after's ``GainResults``.
    """

    figures: Figures
    people: PeopleFigures
    days: list[attendance.Rate]
    sessions: list[SessionAttendance]
    completed: int
    certificates: int
    evaluations: list = field(default_factory=list)
    gains: list = field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.people.total)


def report_figures(workshop: Workshop, *, now: datetime) -> ReportFigures:
    """The ``ReportFigures`` of ``workshop`` at ``now``, in the active language.

    A fixed number of queries whatever the number of participants, sessions and answers:
    the figures (1), the breakdowns (1), the sessions (1) and their rates (2), the day
    rates (3), the completed (1), the certificates (1), the questionnaires (1), then per
    evaluation those of ``questionnaire_results`` and per test after those of
    ``knowledge_test_results``.
    """
    from reports.models import Certificate

    confirmed = Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
    sessions = list(
        Session.objects.filter(workshop=workshop)
        .select_related("room")
        .prefetch_related("trainers__agency", "topics")
        .order_by("starts_at", "pk")
    )
    rates = attendance.session_rates(workshop)
    questionnaires = list(
        Questionnaire.objects.filter(workshop=workshop)
        .select_related("pre_test")
        .order_by("kind", "pk")
    )
    return ReportFigures(
        figures=workshop_figures(workshop, now=now),
        people=people_figures(confirmed),
        days=list(attendance.day_rates(workshop, now=now).values()),
        sessions=[
            SessionAttendance(session, None if session.is_cancelled else rates.get(session.pk))
            for session in sessions
        ],
        completed=attendance.completed_registrations(workshop, now=now).count(),
        certificates=Certificate.objects.filter(
            registration__workshop=workshop, revoked_at__isnull=True
        ).count(),
        evaluations=[
            feedback_statistics.questionnaire_results(q)
            for q in questionnaires
            if q.kind == Questionnaire.Kind.EVALUATION
        ],
        gains=[
            found
            for q in questionnaires
            if q.kind == Questionnaire.Kind.POST_TEST
            and (found := feedback_statistics.knowledge_test_results(q)) is not None
        ],
    )


# ---------------------------------------------------------------------------------------------
# The programme report's figures: many workshops at once


@dataclass(frozen=True)
class WorkshopLine:
    """One workshop of a programme report: its ``Figures``, mean satisfaction and gain."""

    workshop: Workshop
    figures: Figures
    satisfaction: float | None  # mean of the general ratings, None under the minimum
    ratings: int
    gain: "feedback_statistics.GainRow | None"


@dataclass
class ProgrammeFigures:
    """What a set of workshops achieved, for funders' indicators.

    - ``held``: the workshops not cancelled that have begun (``lines``, by date);
    - ``people``: unique people trained (a Participant, however many workshops, who
      attended at least one session, present or late), broken down by what their latest
      registration says; ``person_days``: days on which someone attended at least one
      session, summed over people;
    - ``attended`` / ``expected``: attendance over the sessions whose register was taken;
    - ``satisfaction``: the mean of every general rating of the evaluations (``ratings``
      of them), None under the minimum group;
    - ``gain_pairs``, ``gain``: people who took both knowledge tests, and their mean gain
      (weighted by pairs over the workshops that show one).
    """

    lines: list[WorkshopLine]
    people: PeopleFigures
    person_days: int
    attended: int
    expected: int
    satisfaction: float | None
    ratings: int
    gain_pairs: int
    gain: float | None

    @property
    def held(self) -> int:
        return len(self.lines)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.attended, self.expected)


def programme_figures(workshops: QuerySet[Workshop], *, now: datetime) -> ProgrammeFigures:
    """The ``ProgrammeFigures`` of ``workshops`` at ``now``.

    Queries, whatever the number of people: the workshops, their ``figures`` (1), the
    people trained broken down (1), the person-days (1 per time zone among the workshops),
    the satisfaction per workshop (1), and per workshop with a test after the queries of
    ``knowledge_test_results``.
    """
    from django.db.models import Avg, Max
    from django.db.models.functions import TruncDate

    from feedback.models import Answer, Question

    candidates = list(
        workshops.exclude(status=Workshop.Status.CANCELLED)
        .select_related("programme")
        .prefetch_related("questionnaires")
        .order_by("start_date", "title", "pk")
    )
    held = [w for w in candidates if w.start_date <= local_today(w, now)]
    ids = [w.pk for w in held]
    counted = figures(ids, now=now)
    confirmed = Registration.objects.filter(
        workshop_id__in=ids, status=Registration.Status.CONFIRMED
    )
    attended_marks = Attendance.objects.filter(
        registration__in=confirmed, status__in=ATTENDED, session__status=Session.Status.SCHEDULED
    )
    trained = confirmed.filter(attendances__in=attended_marks).distinct()
    latest = trained.order_by().values("participant_id").annotate(last=Max("pk")).values("last")
    people = people_figures(Registration.objects.filter(pk__in=latest))

    person_days = 0
    for zone in sorted({w.timezone for w in held}):
        in_zone = [w.pk for w in held if w.timezone == zone]
        person_days += (
            attended_marks.filter(registration__workshop_id__in=in_zone)
            .annotate(day=TruncDate("session__starts_at", tzinfo=held_zone(zone)))
            .values("registration__participant_id", "day")
            .distinct()
            .count()
        )

    limit = min_group()
    general = Answer.objects.filter(
        question__questionnaire__workshop_id__in=ids,
        question__questionnaire__kind=Questionnaire.Kind.EVALUATION,
        question__kind=Question.Kind.RATING,
        question__session__isnull=True,
        question__trainer__isnull=True,
        rating__isnull=False,
    )
    per_workshop = {
        row["question__questionnaire__workshop_id"]: (row["mean"], row["n"])
        for row in general.values("question__questionnaire__workshop_id")
        .annotate(mean=Avg("rating"), n=Count("pk"))
        .order_by()
    }
    lines = []
    pairs = 0
    gain_sum = 0.0
    for workshop in held:
        gain = None
        for questionnaire in workshop.questionnaires.all():
            if questionnaire.kind == Questionnaire.Kind.POST_TEST and questionnaire.pre_test_id:
                found = feedback_statistics.knowledge_test_results(questionnaire)
                if found is not None:
                    gain = found.workshop
                    break
        if gain is not None and gain.shown and gain.gain is not None:
            pairs += gain.pairs
            gain_sum += gain.gain * gain.pairs
        mean, n = per_workshop.get(workshop.pk, (None, 0))
        lines.append(
            WorkshopLine(
                workshop=workshop,
                figures=counted.get(workshop.pk, Figures()),
                satisfaction=float(mean) if mean is not None and n >= limit else None,
                ratings=n,
                gain=gain,
            )
        )
    ratings = sum(n for _mean, n in per_workshop.values())
    total = sum(float(mean) * n for mean, n in per_workshop.values() if mean is not None)
    return ProgrammeFigures(
        lines=lines,
        people=people,
        person_days=person_days,
        attended=sum(line.figures.attended for line in lines),
        expected=sum(line.figures.confirmed * line.figures.registered_sessions for line in lines),
        satisfaction=total / ratings if ratings >= limit else None,
        ratings=ratings,
        gain_pairs=pairs,
        gain=gain_sum / pairs if pairs else None,
    )


def held_zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)

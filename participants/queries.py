"""Reads about participants and registrations, and who may see them.

A workshop's people are sensitive: only its organisers see them. Views reach a workshop
through ``events.queries.get_organised_workshop`` (404 to everyone else) before calling the
functions here, which then only scope by that workshop.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Agency, Session, Trainer, Workshop, WorkshopAgency
from events.queries import contains_any
from participants.models import Attendance, Registration, holds_a_seat, seat_counts


def workshop_registrations(workshop: Workshop) -> QuerySet[Registration]:
    """Every registration of ``workshop`` with what a roster shows, in order of arrival.

    One query whatever the number of rows: participant, their agency and the nominating
    agency come by join. Waiting-list positions come apart, from :func:`waitlist_positions`.
    """
    return (
        Registration.objects.filter(workshop=workshop)
        .select_related("participant", "agency", "nominated_by")
        .order_by("created_at", "pk")
    )


def get_workshop_registration(workshop: Workshop, pk: int) -> Registration:
    """Registration ``pk`` of ``workshop`` (one the caller found the user organises), with
    what a roster shows; 404 for any other, another workshop's included. One query."""
    registration = get_object_or_404(workshop_registrations(workshop), pk=pk)
    registration.workshop = workshop  # read already: its name needs no second query
    return registration


def waitlist_positions(workshop: Workshop) -> dict[int, int]:
    """{registration pk: its place on ``workshop``'s waiting list} (1 = next to be promoted).

    One query reading the list in its own order (``RegistrationQuerySet.waiting``: joined
    first, then pk), numbered as it arrives: linear in the length of the list, where a
    count of those ahead for each row grows with its square. The numbers are the whole
    list's, whatever filter the organiser applies to the rows shown.
    """
    waiting = Registration.objects.filter(workshop=workshop).waiting().values_list("pk", flat=True)
    return {pk: position for position, pk in enumerate(waiting.iterator(chunk_size=2000), 1)}


def filter_registrations(
    queryset: QuerySet[Registration],
    *,
    status: str = "",
    agency: int | None = None,
    region: str = "",
    gender: str = "",
    search: str = "",
) -> QuerySet[Registration]:
    """Narrow a roster by the organisers' filters; empty values leave it as it is.

    ``search`` matches any part of either name or the e-mail address, ignoring case.
    """
    if status:
        queryset = queryset.filter(status=status)
    if agency:
        queryset = queryset.filter(agency_id=agency)
    if region:
        queryset = queryset.filter(region=region)
    if gender:
        queryset = queryset.filter(gender=gender)
    search = search.strip()
    if search:
        queryset = queryset.filter(contains_any(search, "name", "name_local", "participant__email"))
    return queryset


@dataclass(frozen=True)
class RegistrationCounts:
    """How a workshop's registrations stand, as shown at the top of the roster."""

    capacity: int
    total: int = 0
    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    declined: int = 0
    # Among the confirmed only: the seats funders ask to see disaggregated.
    confirmed_by_gender: dict[str, int] = field(default_factory=dict)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def seats_for_the_waiting_list(self) -> int:
        """Seats free while people wait (a capacity raised since): how many could move up."""
        return min(self.seats_left, self.waitlisted)


def registration_counts(workshop: Workshop) -> RegistrationCounts:
    """The seats taken and the people waiting (``seat_counts``), the other statuses, and the
    seats taken by gender: one aggregate query."""
    statuses = Registration.Status
    others = (statuses.PENDING, statuses.CANCELLED, statuses.DECLINED)
    aggregates = (
        seat_counts()
        | {status.value: Count("pk", filter=Q(status=status)) for status in others}
        | {
            f"gender_{gender.value}": Count("pk", filter=holds_a_seat() & Q(gender=gender))
            for gender in Registration.Gender
        }
    )
    figures = Registration.objects.filter(workshop=workshop).aggregate(
        total=Count("pk"), **aggregates
    )
    return RegistrationCounts(
        capacity=workshop.capacity,
        total=figures["total"],
        confirmed=figures["confirmed"],
        pending=figures[statuses.PENDING],
        waitlisted=figures["waitlisted"],
        cancelled=figures[statuses.CANCELLED],
        declined=figures[statuses.DECLINED],
        confirmed_by_gender={
            gender.value: figures[f"gender_{gender.value}"] for gender in Registration.Gender
        },
    )


def registration_agencies(workshop: Workshop) -> list[Agency]:
    """The agencies the workshop's registered people belong to, by name: one query."""
    return list(Agency.objects.filter(registrations__workshop=workshop).distinct().order_by("name"))


def registration_regions(workshop: Workshop) -> list[str]:
    """The regions the workshop's registered people come from, sorted: one query."""
    return list(
        Registration.objects.filter(workshop=workshop)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


# --- Public workshop pages and personal pages --------------------------------------------


def waitlist_position_of(registration: Registration) -> int | None:
    """Where ``registration`` stands on its workshop's waiting list (1 = next): one query."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(workshop_id=registration.workshop_id)
        .waiting()
        .ahead_of(registration.waitlisted_at, registration.pk)
        .count()
        + 1
    )


def get_public_workshop(slug: str) -> Workshop:
    """The workshop ``slug`` if anyone may see it (published or later); 404 otherwise."""
    try:
        return Workshop.objects.public().get(slug=slug)
    except Workshop.DoesNotExist:
        raise Http404 from None


def public_sessions(workshop: Workshop) -> QuerySet[Session]:
    """The timetable as the public sees it: two queries whatever its length.

    The sessions with their room (joined), then their trainers with their agencies
    (one prefetch query). Cancelled sessions stay, shown as cancelled.
    """
    return (
        Session.objects.filter(workshop=workshop)
        .select_related("room")
        .prefetch_related(
            Prefetch("trainers", queryset=Trainer.objects.select_related("agency").order_by("name"))
        )
        .order_by("starts_at", "ends_at", "pk")
    )


def registration_sessions(registration: Registration) -> QuerySet[Session]:
    """The sessions a registration's calendar holds: its workshop's, while it is confirmed and
    the workshop is not a draft; none otherwise. Cancelled sessions stay (as cancelled).

    Never the person's other workshops: a link reached through one workshop's form or page
    shows that workshop alone, whoever registers the same address elsewhere later.
    """
    if (
        registration.status != Registration.Status.CONFIRMED
        or registration.workshop.status == Workshop.Status.DRAFT
    ):
        return Session.objects.none()
    return Session.objects.filter(workshop_id=registration.workshop_id)


def workshop_partners(workshop: Workshop) -> dict[str, list[WorkshopAgency]]:
    """Hosts and co-organisers/partners, each in their stated order: one query."""
    roles = (
        WorkshopAgency.objects.filter(
            workshop=workshop,
            role__in=[WorkshopAgency.Role.HOST, WorkshopAgency.Role.PARTNER],
        )
        .select_related("agency")
        .order_by("role", "order", "pk")
    )
    grouped: dict[str, list[WorkshopAgency]] = {
        WorkshopAgency.Role.HOST: [],
        WorkshopAgency.Role.PARTNER: [],
    }
    for role in roles:
        grouped[role.role].append(role)
    return grouped


@dataclass(frozen=True)
class Seats:
    capacity: int
    confirmed: int
    waitlisted: int

    @property
    def left(self) -> int:
        # A seat free while people wait is theirs, not a newcomer's.
        return 0 if self.waitlisted else max(self.capacity - self.confirmed, 0)


def seats(workshop: Workshop) -> Seats:
    """Seats taken and people waiting, counted, never listed: one aggregate query."""
    figures = Registration.objects.filter(workshop=workshop).seat_figures()
    return Seats(workshop.capacity, figures["confirmed"], figures["waitlisted"])


def agency_choices(workshop: Workshop) -> tuple[list[Agency], list[Agency]]:
    """(the agencies attending ``workshop``, all the others), each by name: one query."""
    attending_roles = WorkshopAgency.objects.filter(
        workshop=workshop, agency=OuterRef("pk"), role=WorkshopAgency.Role.ATTENDING
    )
    # Only what the list shows: the directory may hold hundreds of agencies.
    agencies = (
        Agency.objects.only("pk", "name", "name_local", "acronym")
        .annotate(attending=Exists(attending_roles))
        .order_by("name")
    )
    attending, others = [], []
    for agency in agencies:
        (attending if agency.attending else others).append(agency)
    return attending, others


_AGENCIES_SQL = """
SELECT c.n, c.latest, r.id, r.agency_id, r.role, r.{order}
  FROM (SELECT COUNT(*) AS n, MAX(updated_at) AS latest FROM {agency}) c
  LEFT JOIN {role} r ON r.workshop_id = %s
 ORDER BY r.id
"""


def agencies_version(workshop: Workshop) -> str:
    """A digest that changes whenever the public page's agencies may change: the form's list
    (every agency's names and acronym, and which attend ``workshop``) and its hosts and
    partners, in their order. The directory by its count (deletions) and latest change
    (edits and additions: ``Agency.updated_at``), whatever its size; the workshop's roles row
    by row. One query, written out because the ORM's join costs more to build than to run.
    """
    qn = connection.ops.quote_name
    sql = _AGENCIES_SQL.format(
        agency=qn(Agency._meta.db_table), role=qn(WorkshopAgency._meta.db_table), order=qn("order")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [workshop.pk])
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]


def get_registration_by_token(token: str) -> Registration:
    """The registration whose personal link carries ``token``; 404 for any other string.

    The token is the only key: a wrong, revoked or malformed one gets the same 404 as a
    page that never existed, so a link reveals nothing about whether it once worked.
    """
    if not token or len(token) > 64:
        raise Http404
    try:
        return Registration.objects.select_related("workshop", "participant", "agency").get(
            token=token
        )
    except Registration.DoesNotExist:
        raise Http404 from None


# --- One registration, as its organisers see it ------------------------------------------


@dataclass(frozen=True)
class SentEmail:
    """One e-mail about a registration, as the task queue holds it."""

    kind: str
    label: str
    queued_at: object
    finished_at: object
    state: str  # "waiting", "sending", "sent", "not_sent" (no address), "failed"


def registration_emails(registration: Registration, *, limit: int = 50) -> list[SentEmail]:
    """The e-mails queued about ``registration``, newest first, with how each went: one query.

    Read from the task queue's results (django-tasks-db): a site that runs its e-mail in the
    request's process ("immediate", the tests) keeps none, and a failed attempt and its retry
    are two rows. The filter reads the task's JSON arguments, which no index holds: the
    queue table is the site's recent work (the worker's results are pruned by
    ``prune_db_task_results``), so this stays a short scan.
    """
    from django_tasks_db.models import DBTaskResult

    from participants.emails import KIND_LABELS

    results = (
        DBTaskResult.objects.filter(
            task_path="participants.tasks.send_registration_email",
            args_kwargs__args__0=registration.pk,
        )
        .only("args_kwargs", "status", "enqueued_at", "finished_at", "return_value")
        .order_by("-enqueued_at")[:limit]
    )
    found = []
    for result in results:
        args = (result.args_kwargs or {}).get("args") or [None, ""]
        kind = str(args[1]) if len(args) > 1 else ""
        if result.status == "SUCCESSFUL":
            state = "sent" if result.return_value else "not_sent"
        else:
            state = {"READY": "waiting", "RUNNING": "sending"}.get(result.status, "failed")
        found.append(
            SentEmail(
                kind=kind,
                label=str(KIND_LABELS.get(kind, kind)),
                queued_at=result.enqueued_at,
                finished_at=result.finished_at,
                state=state,
            )
        )
    return found


def registration_attendance(registration: Registration) -> list:
    """The workshop's sessions, each with this registration's mark (or None): two queries."""
    marks = {
        mark.session_id: mark
        for mark in Attendance.objects.filter(registration=registration).select_related(
            "recorded_by"
        )
    }
    sessions = Session.objects.filter(workshop_id=registration.workshop_id).order_by(
        "starts_at", "pk"
    )
    return [(session, marks.get(session.pk)) for session in sessions]


# A workshop that is over, or will not take place, gives nobody a seat from its queue.
NO_PROMOTION_STATUSES = frozenset({Workshop.Status.COMPLETED, Workshop.Status.CANCELLED})


def may_promote_from_waitlist(workshop: Workshop) -> bool:
    """Whether a seat freed in ``workshop`` goes to its waiting list: the one rule of the
    services that fill seats (``participants.services``) and of the page that says first
    what ending registrations would do (:func:`ending_preview`)."""
    return workshop.status not in NO_PROMOTION_STATUSES


# Decline and cancel act on these (participants.services: decline_registration and
# cancel_registration); the others are left as they are.
ENDING_ACTS_ON = (
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)


@dataclass(frozen=True)
class EndingPreview:
    """What declining or cancelling a selection would do, for the page that asks first."""

    ended: list  # the selected registrations that would change, in order of arrival
    unchanged: list  # the others (already cancelled or declined)
    emailed: int  # of ``ended``, those with an address: each is told
    promoted: list  # the first of the waiting list who would take the freed seats
    promoted_emailed: int

    @property
    def total_emailed(self) -> int:
        return self.emailed + self.promoted_emailed


def ending_preview(workshop: Workshop, selected: list[Registration]) -> EndingPreview:
    """Who declining or cancelling ``selected`` (with their participants) would end and tell,
    and who on the waiting list would take the freed seats and be told.

    Two queries: the confirmed count, and the head of the queue (the selection left out).
    What it says holds unless someone else changes the roster meanwhile; the services decide
    again, under the workshop's lock, when the organiser confirms.
    """
    ended = [r for r in selected if r.status in ENDING_ACTS_ON]
    unchanged = [r for r in selected if r.status not in ENDING_ACTS_ON]
    freed = sum(1 for r in ended if r.status == Registration.Status.CONFIRMED)
    promoted = []
    if freed and may_promote_from_waitlist(workshop):
        confirmed = Registration.objects.filter(workshop=workshop).holding_seats().count()
        free = max(workshop.capacity - (confirmed - freed), 0)
        if free:
            promoted = list(
                Registration.objects.filter(workshop=workshop)
                .waiting()
                .exclude(pk__in=[r.pk for r in ended])
                .select_related("participant")[:free]
            )
    return EndingPreview(
        ended=ended,
        unchanged=unchanged,
        emailed=sum(1 for r in ended if r.participant.email),
        promoted=promoted,
        promoted_emailed=sum(1 for r in promoted if r.participant.email),
    )

"""Reads about participants and registrations, and who may see them.

A workshop's people are sensitive: only its organisers see them. Views reach a workshop
through ``events.queries.get_organised_workshop`` (404 to everyone else) before calling the
functions here, which then only scope by that workshop.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from events.models import Agency, Workshop
from participants.models import Participant, Registration


def workshop_registrations(workshop: Workshop) -> QuerySet[Registration]:
    """Every registration of ``workshop`` with what a roster shows, in order of arrival.

    One query whatever the number of rows: participant, their agency and the nominating
    agency come by join, and the waiting-list position by a correlated subquery.
    """
    return with_waitlist_position(
        Registration.objects.filter(workshop=workshop)
        .select_related("participant__agency", "nominated_by")
        .order_by("created_at", "pk")
    )


def with_waitlist_position(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate ``waitlist_position`` (1 = next to be promoted; None unless waitlisted).

    Counted over the whole waiting list of the registration's workshop, not over the rows a
    filter leaves, so the number is the same whatever the organiser is looking at. The order
    is the waiting list's own (``RegistrationQuerySet.waiting``): joined first, then pk.
    """
    ahead = (
        Registration.objects.filter(
            workshop=OuterRef("workshop"), status=Registration.Status.WAITLISTED
        )
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    position = Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1
    return queryset.annotate(
        waitlist_position=Case(
            When(status=Registration.Status.WAITLISTED, then=position),
            default=None,
            output_field=IntegerField(),
        )
    )


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
        queryset = queryset.filter(participant__agency_id=agency)
    if region:
        queryset = queryset.filter(participant__region=region)
    if gender:
        queryset = queryset.filter(participant__gender=gender)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(participant__name__icontains=search)
            | Q(participant__name_local__icontains=search)
            | Q(participant__email__icontains=search)
        )
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


def registration_counts(workshop: Workshop) -> RegistrationCounts:
    """Counts by status, and the confirmed by gender: one aggregate query."""
    statuses = Registration.Status
    aggregates = {status.value: Count("pk", filter=Q(status=status)) for status in statuses} | {
        f"gender_{gender.value}": Count(
            "pk", filter=Q(status=statuses.CONFIRMED, participant__gender=gender)
        )
        for gender in Participant.Gender
    }
    figures = Registration.objects.filter(workshop=workshop).aggregate(
        total=Count("pk"), **aggregates
    )
    return RegistrationCounts(
        capacity=workshop.capacity,
        total=figures["total"],
        confirmed=figures[statuses.CONFIRMED],
        pending=figures[statuses.PENDING],
        waitlisted=figures[statuses.WAITLISTED],
        cancelled=figures[statuses.CANCELLED],
        declined=figures[statuses.DECLINED],
        confirmed_by_gender={
            gender.value: figures[f"gender_{gender.value}"] for gender in Participant.Gender
        },
    )


def registration_agencies(workshop: Workshop) -> list[Agency]:
    """The agencies the workshop's registered people belong to, by name: one query."""
    return list(
        Agency.objects.filter(participants__registrations__workshop=workshop)
        .distinct()
        .order_by("name")
    )


def registration_regions(workshop: Workshop) -> list[str]:
    """The regions the workshop's registered people come from, sorted: one query."""
    return list(
        Participant.objects.filter(registrations__workshop=workshop)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )

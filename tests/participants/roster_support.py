"""Helpers of the organisers' registrations pages' tests."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from participants.models import Participant, Registration

Status = Registration.Status


Gender = Registration.Gender


def roster_url(workshop, name="registrations", **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": workshop.slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def add_many(workshop, count: int, agency) -> None:
    """``count`` registrations in every status, bulk-created: set-up for the query counts."""
    now = timezone.now()
    statuses = list(Status)
    people = Participant.objects.bulk_create(
        Participant(email=f"bulk{n}@example.org") for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            participant=person,
            name=f"Person {n:04d}",
            name_local=f"人{n}",
            gender=Gender.FEMALE if n % 2 else Gender.MALE,
            agency=agency if n % 3 else None,
            agency_name="" if n % 3 else "Typed Agency",
            region=f"Region {n % 7}",
            status=statuses[n % len(statuses)],
            source=Registration.Source.IMPORT,
            nominated_by=agency if n % 2 else None,
            waitlisted_at=now + timedelta(seconds=n)
            if statuses[n % len(statuses)] == Status.WAITLISTED
            else None,
        )
        for n, person in enumerate(people)
    )


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]

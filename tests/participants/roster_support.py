"""Helpers of the organisers' registrations pages' tests."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from participants.models import Registration
from tests import factories

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

    def details(n):
        status = statuses[n % len(statuses)]
        return {
            "name_local": f"人{n}",
            "gender": Gender.FEMALE if n % 2 else Gender.MALE,
            "agency": agency if n % 3 else None,
            "agency_name": "" if n % 3 else "Typed Agency",
            "region": f"Region {n % 7}",
            "status": status,
            "nominated_by": agency if n % 2 else None,
            "waitlisted_at": now + timedelta(seconds=n) if status == Status.WAITLISTED else None,
        }

    factories.bulk_registrations(
        workshop,
        count,
        email="bulk{n}@example.org",
        name="Person {n:04d}",
        each=details,
        source=Registration.Source.IMPORT,
    )


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]

"""Builders of rows that many test files need, written straight to the database.

They go around the services on purpose: a test that needs a waiting list in a given order, or
a state the rules would refuse, builds it here; tests of the rules call the services.
"""

from django.utils import timezone

from participants.models import Participant, Registration


def person(email: str = "") -> Participant:
    """The person with ``email`` (found, or made); a blank address is always a new person."""
    if not email:
        return Participant.objects.create()
    found, _ = Participant.objects.get_or_create(email=email)
    return found


def registration(
    workshop,
    name: str = "Li Mei",
    *,
    email: str | None = None,
    status: str = Registration.Status.CONFIRMED,
    source: str = Registration.Source.ORGANISER,
    **fields,
) -> Registration:
    """``name`` registered for ``workshop`` with ``fields`` (the registration's details).

    ``email`` None: one made from the name; "" for none. A waiting registration joins the
    list now unless ``waitlisted_at`` is given.
    """
    if email is None:
        email = f"{name.lower().replace(' ', '.')}@example.org"
    if status == Registration.Status.WAITLISTED:
        fields.setdefault("waitlisted_at", timezone.now())
    return Registration.objects.create(
        workshop=workshop,
        participant=person(email),
        name=name,
        status=status,
        source=source,
        **fields,
    )

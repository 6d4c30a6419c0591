"""Fixtures of the participants' tests: two agencies, a builder that puts people straight into
the workshop, and a full workshop with a waiting list made through the registration service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Agency
from participants.models import Registration
from tests import factories
from tests.participants.roster_support import Status


@pytest.fixture
def mps(db):
    return Agency.objects.create(
        name="Ministry of Public Security", name_local="公安部", acronym="MPS"
    )


@pytest.fixture
def yunnan(db):
    return Agency.objects.create(
        name="Yunnan Women's Federation", name_local="云南省妇联", acronym="YWF", region="Yunnan"
    )


@pytest.fixture
def register(workshop):
    """Put a person straight into the workshop with the given status (no rules: set-up)."""
    counter = iter(range(1, 100_000))

    def add(name, status=Status.CONFIRMED, *, to=None, waited=0, **details):
        number = next(counter)
        details.setdefault("email", f"person{number}@example.org")
        now = timezone.now()
        return factories.registration(
            to or workshop,
            name,
            status=status,
            source=Registration.Source.PUBLIC,
            waitlisted_at=now + timedelta(minutes=waited) if status == Status.WAITLISTED else None,
            **details,
        )

    return add


@pytest.fixture
def full_workshop(make_workshop):
    """Two seats taken by a@ and b@, then c@ and d@ waiting in that order: registered through
    the service, as from the public form."""
    workshop = make_workshop(capacity=2, slug="full")
    for email in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        factories.registered(workshop, email)
    return workshop

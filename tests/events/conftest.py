"""Fixtures of the organiser pages' tests: a trainer, a session they teach, a superuser, a
signed-in organiser."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import Room, Session, Trainer
from tests.conftest import at

PASSWORD = "correct horse battery staple"


@pytest.fixture
def trainer(db):
    return Trainer.objects.create(name="Liang ShuYing", honorific="Prof.")


@pytest.fixture
def liang(db):
    """The same name and title as ``trainer``, where a test books trainers by name."""
    return Trainer.objects.create(name="Liang ShuYing", honorific="Prof.")


@pytest.fixture
def session(workshop, make_session, trainer):
    room = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel")
    return make_session(
        workshop,
        title="Trafficking definitions",
        starts_at=at(27, 9),
        ends_at=at(27, 10, 30),
        trainers=[trainer],
        room=room,
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password=PASSWORD)


# The organisers' form for a new workshop, filled in: three days in Bangkok for 25.
NEW_WORKSHOP = {
    "title": "Border Liaison Workshop",
    "start_date": "2008-03-10",
    "end_date": "2008-03-12",
    "timezone": "Asia/Bangkok",
    "language": "en",
    "capacity": "25",
}


def workshop_form(workshop, **fields) -> dict:
    """The organisers' edit form for ``workshop`` posted back as it stands, but ``fields``."""
    return {
        "title": workshop.title,
        "slug": workshop.slug,
        "start_date": workshop.start_date.isoformat(),
        "end_date": workshop.end_date.isoformat(),
        "timezone": workshop.timezone,
        "language": workshop.language,
        "capacity": str(workshop.capacity),
        **fields,
    }


def html_of(client, name: str, *args) -> str:
    """The HTML of the page that URL ``name`` names (with ``args``), as ``client`` gets it."""
    return client.get(reverse(name, args=args)).content.decode()


def post_new_session(client, workshop, day: str, start: str, end: str, **fields):
    """The organiser's form for a new session of ``workshop`` sent on ``day`` from ``start`` to
    ``end`` (as typed: "2007-08-27", "09:00"), with ``fields``; a lecture unless told."""
    return client.post(
        reverse("events:session_create", args=[workshop.slug]),
        {"kind": Session.Kind.LECTURE, "day": day, "start_time": start, "end_time": end, **fields},
    )


# What the pages show and do ----------------------------------------------------------------


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client

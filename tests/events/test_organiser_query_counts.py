"""The organiser pages cost the same number of queries for a small and a large workshop."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from events.models import Session, Workshop
from tests import factories
from tests.demo_snapshot import TEST_HASHERS

# The same number of queries for a small and a large workshop -------------------------------


@pytest.fixture(scope="module", params=["small", "large"])
def built(request, django_db_setup, django_db_blocker):
    """The organiser (of the ``workshop`` fixture's workshop, as in tests/conftest.py) and
    the sized workshop, built once per size in a transaction the module's tests share and
    that is rolled back after them; each test's own transaction is a savepoint inside it,
    rolled back after that test as usual. Building 3,000 registrations was most of each
    test's time."""
    from tests.events.organiser_support import build_workshop

    sessions, participants = (3, 30) if request.param == "small" else (300, 3000)
    with django_db_blocker.unblock():
        shared = transaction.atomic()
        shared.__enter__()
    try:
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=TEST_HASHERS):
            organiser = factories.user("organiser")
            factories.workshop(title="National Anti-Trafficking Workshop").organisers.add(organiser)
            workshop = build_workshop(
                sessions=sessions,
                participants=participants,
                organiser=organiser,
                start_date=date.today() + timedelta(days=20),
            )
        yield organiser.pk, workshop.pk
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            shared.__exit__(None, None, None)


@pytest.fixture
def organiser(db, built):
    return get_user_model().objects.get(pk=built[0])


@pytest.fixture
def sized_workshop(db, built):
    return Workshop.objects.get(pk=built[1])


def _first(workshop) -> Session:
    return workshop.sessions.order_by("pk").first()


# (page, url, queries). Every count begins with the session and its user (2) and, for a
# workshop's page, the workshop looked up through its organisers (1).
QUERY_COUNTS = [
    # + the scheduled sessions' count and the agencies with their roles.
    ("workshop_detail", lambda w: reverse("events:workshop_detail", args=[w.slug]), 5),
    # + the programmes, and the workshop's agencies for "report provided by".
    ("workshop_edit", lambda w: reverse("events:workshop_edit", args=[w.slug]), 5),
    ("workshop_copy", lambda w: reverse("events:workshop_copy", args=[w.slug]), 3),
    (
        "workshop_status",
        lambda w: reverse("events:workshop_status", args=[w.slug]) + "?status=closed",
        3,
    ),
    # + the trainers teaching in the workshop.
    ("workshop_calendar", lambda w: reverse("events:workshop_calendar", args=[w.slug]), 4),
    # + rooms, trainers with their agencies, topics, for the three choices.
    ("session_create", lambda w: reverse("events:session_create", args=[w.slug]), 6),
    # + the session with its room, its trainers and topics (initial values), then the choices.
    (
        "session_edit",
        lambda w: reverse("events:session_edit", args=[w.slug, _first(w).pk]),
        9,
    ),
    ("session_move", lambda w: reverse("events:session_move", args=[w.slug, _first(w).pk]), 4),
    (
        "session_cancel",
        lambda w: reverse("events:session_cancel", args=[w.slug, _first(w).pk]),
        4,
    ),
    # + the agencies in their roles, with parents; the search for "Ministry".
    (
        "workshop_agencies",
        lambda w: reverse("events:workshop_agencies", args=[w.slug]) + "?q=Ministry",
        5,
    ),
    # Nothing more: the "parent" choice lists only what a search found, and none was made.
    ("agency_create", lambda w: reverse("events:agency_create", args=[w.slug]), 3),
    # is_organiser (1) + trainers with their counts and agencies.
    ("trainer_list", lambda w: reverse("events:trainer_list"), 4),
    # is_organiser + the trainer with agency + their sessions + which workshops are organised
    # + whether this organiser manages the trainer.
    (
        "trainer_detail",
        lambda w: reverse("events:trainer_detail", args=[_first(w).trainers.first().pk]),
        7,
    ),
    # is_organiser + the trainer (if managed) + agencies for the choice.
    (
        "trainer_edit",
        lambda w: reverse("events:trainer_edit", args=[_first(w).trainers.first().pk]),
        5,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "url", "queries"), QUERY_COUNTS, ids=[q[0] for q in QUERY_COUNTS])
def test_page_query_count_is_the_same_for_3_and_300_sessions(
    client, organiser, sized_workshop, django_assert_num_queries, page, url, queries
):
    client.force_login(organiser)
    target = url(sized_workshop)
    with django_assert_num_queries(queries):
        response = client.get(target)
    assert response.status_code == 200


@pytest.mark.django_db
def test_timetable_query_count_is_the_same_for_3_and_300_sessions(
    client, organiser, sized_workshop, django_assert_num_queries
):
    client.force_login(organiser)
    url = reverse("events:timetable", args=[sized_workshop.slug])
    # The first time: the session and its user, the workshop, the timetable's version, the
    # cache (empty); then the sessions, their rooms, their trainers and the links to them,
    # their topics and the links to them, the clashing pairs (none); the cache's write: its
    # size, a savepoint, the key, the insert, the savepoint's release.
    with django_assert_num_queries(17):
        first = client.get(url)
    # Then, nothing having changed: the session, its user, the workshop, the version, the
    # cached body.
    with django_assert_num_queries(5):
        again = client.get(url)
    # The same page (past the sign-out form, whose CSRF token is masked anew each time).
    assert first.content.split(b"<main")[1] == again.content.split(b"<main")[1]
    assert first.content.decode().count('<li class="session"') == sized_workshop.sessions.count()

"""Each list endpoint runs the same literal number of queries for 10 rows and for 1,000
(``?page_size=1000``: every row on one page), as organiser."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.views import APIView

from events.models import Agency, Room, Session, Trainer, Workshop, WorkshopAgency
from feedback.models import Question, Questionnaire
from participants.models import Attendance, Participant, Registration
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rate_limit_counts_in_memory(settings):
    """The API's rate limit counts in its own cache (a database table by default, Redis in
    production), tested in tests/config; here it would add the counter's queries, which
    depend on whether this window's counter exists yet, not on the rows listed."""
    settings.CACHES = {
        **settings.CACHES,
        "rate_limit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


@pytest.fixture
def organiser_client(workshop, organiser, monkeypatch):
    # The per-token rate limit counts in a cache table whose writes are the limiter's, not
    # the list's (config/rate_limit.py has its own tests).
    monkeypatch.setattr(APIView, "throttle_classes", [])
    client = APIClient()
    client.force_authenticate(organiser)
    return client


def _sessions(workshop, n):
    trainer = Trainer.objects.create(name="Chen Jing")
    room = Room.objects.create(name="Hall", venue="Hotel")
    return factories.bulk_sessions(workshop, n, trainer=trainer, room=room)


def _registrations(workshop, n):
    agency = Agency.objects.create(name="Ministry of Public Security")

    def every_other_waits(i):
        waiting = {"status": Registration.Status.WAITLISTED, "waitlisted_at": workshop.created_at}
        return waiting if i % 2 else {}

    return factories.bulk_registrations(
        workshop, n, email="person{n}@example.org", each=every_other_waits, agency=agency
    )


def build(kind, workshop, organiser, n):
    if kind == "workshops":
        made = Workshop.objects.bulk_create(
            Workshop(
                title=f"Workshop {i}",
                slug=f"w{i}",
                start_date=workshop.start_date,
                end_date=workshop.end_date,
                timezone="Asia/Shanghai",
            )
            for i in range(n - 1)
        )
        Workshop.organisers.through.objects.bulk_create(
            Workshop.organisers.through(workshop_id=w.pk, user_id=organiser.pk) for w in made
        )
        agency = Agency.objects.create(name="Host")
        WorkshopAgency.objects.bulk_create(
            WorkshopAgency(workshop=w, agency=agency, role="host") for w in [workshop, *made]
        )
    elif kind == "sessions":
        _sessions(workshop, n)
    elif kind == "registrations":
        _registrations(workshop, n)
    elif kind == "attendance":
        session = _sessions(workshop, 1)[0]
        Attendance.objects.bulk_create(
            Attendance(registration=r, session=session, status="present")
            for r in _registrations(workshop, n)
        )
    elif kind == "agencies":
        Agency.objects.bulk_create(Agency(name=f"Agency {i}") for i in range(n))
    elif kind == "trainers":
        Trainer.objects.bulk_create(
            Trainer(name=f"Trainer {i}", feed_token=f"x{i}") for i in range(n)
        )
    elif kind == "rooms":
        Room.objects.bulk_create(Room(name=f"Room {i}", venue="Hotel") for i in range(n))
    elif kind == "questionnaires":
        made = Questionnaire.objects.bulk_create(
            Questionnaire(workshop=workshop, title=f"Q {i}") for i in range(n)
        )
        Question.objects.bulk_create(Question(questionnaire=q, text="Useful?") for q in made)


# Queries of each list, named:
QUERIES = {
    # the count for the page, the workshops, their agency roles with agencies (prefetch), the
    # workshops the user organises (which fields to show)
    "workshops": 4,
    # (a cursor's page: no count) the sessions with their workshop's slug, their trainers,
    # their topics
    "sessions": 3,
    # (a cursor's page) the registrations with workshop, person and agency, the workshop's
    # waiting list in its order (the positions)
    "registrations": 2,
    # (a cursor's page) the marks
    "attendance": 1,
    # whether the user organises (one query for an organiser), the count, the agencies with
    # their parent
    "agencies": 3,
    # whether the user organises, the count, the trainers with agency and counts, the
    # trainers whose link the user manages (for the calendar links)
    "trainers": 4,
    # whether the user organises, the count, the rooms
    "rooms": 3,
    # the count, the questionnaires with workshop, their questions, the questions' choices
    "questionnaires": 4,
}


# The lists that grow with a workshop: pages by cursor, without a count.
CURSOR_PAGED = ("sessions", "registrations", "attendance")


@pytest.mark.parametrize("kind", list(QUERIES))
def test_list_queries_do_not_grow(kind, workshop, organiser, organiser_client, django_user_model):
    counts = []
    for n in (10, 1000):
        Workshop.objects.exclude(pk=workshop.pk).delete()
        for model in (Attendance, Registration, Participant, Session, Trainer, Room, Questionnaire):
            model.objects.all().delete()
        WorkshopAgency.objects.all().delete()
        Agency.objects.all().delete()
        build(kind, workshop, organiser, n)
        with CaptureQueriesContext(connection) as captured:
            response = organiser_client.get(f"/api/v1/{kind}/?page_size=1000")
        assert response.status_code == 200
        if kind in CURSOR_PAGED:
            assert response.json()["next"] is None
        else:
            assert response.json()["count"] == n
        assert len(response.json()["results"]) == n
        counts.append(len(captured.captured_queries))
    assert counts == [QUERIES[kind], QUERIES[kind]], [
        q["sql"][:120] for q in captured.captured_queries
    ]


@pytest.mark.parametrize("kind", CURSOR_PAGED)
def test_cursor_pages_walk_every_row_once_in_order(kind, workshop, organiser, organiser_client):
    build(kind, workshop, organiser, 250)
    address, seen, counts = f"/api/v1/{kind}/?page_size=100", [], []
    while address:
        with CaptureQueriesContext(connection) as captured:
            response = organiser_client.get(address)
        page = response.json()
        assert response.status_code == 200, (address, page)
        assert "count" not in page
        counts.append(len(captured.captured_queries))
        seen += [row["id"] for row in page["results"]]
        address = page["next"]
    # Three pages (100, 100, 50), each with the list's own queries.
    assert counts == [QUERIES[kind]] * 3
    model, order = {
        "sessions": (Session, ("starts_at", "ends_at", "pk")),
        "registrations": (Registration, ("created_at", "pk")),
        "attendance": (Attendance, ("pk",)),
    }[kind]
    assert seen == list(model.objects.order_by(*order).values_list("pk", flat=True))
    assert len(set(seen)) == 250


def test_a_forged_cursor_is_refused_with_a_message(workshop, organiser_client):
    response = organiser_client.get("/api/v1/sessions/?cursor=forged")
    assert response.status_code == 404
    assert "cursor" in response.content.decode().lower()


def test_list_addresses_are_each_rows_own(workshop, organiser, organiser_client, admin_user):
    """The links of a page's rows come from one reverse() per page (a format with each row's
    slug or token put in): the same addresses as reverse() gives for each row."""
    from django.conf import settings
    from django.urls import reverse

    build("workshops", workshop, organiser, 3)
    rows = organiser_client.get("/api/v1/workshops/").json()["results"]
    site = settings.SITE_URL
    assert {row["slug"]: (row["public_page"], row["calendar_feed"]) for row in rows} == {
        slug: (
            site + reverse("participants:public_workshop", kwargs={"slug": slug}),
            site + reverse("events:workshop_feed", kwargs={"slug": slug}),
        )
        for slug in Workshop.objects.values_list("slug", flat=True)
    }
    assert len(rows) == 3

    build("trainers", workshop, organiser, 2)
    Trainer.objects.create(name="Chen Jing")  # a token as new_token() makes them
    staff = APIClient()
    staff.force_authenticate(admin_user)
    rows = staff.get("/api/v1/trainers/").json()["results"]
    assert {row["id"]: row["calendar_feed"] for row in rows} == {
        pk: site + reverse("events:trainer_feed", kwargs={"token": token})
        for pk, token in Trainer.objects.values_list("pk", "feed_token")
    }
    assert len(rows) == 3

"""The admin's workshop change page stays small and fast with a large directory: its inline
rows are search boxes showing what each row has chosen, not selects of every trainer, room
and agency (100 rows x 800 trainers was 5 MB of HTML and 15 s)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Agency, Room, Trainer, WorkshopAgency
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    agency = Agency.objects.create(name="Ministry of Public Security")
    Agency.objects.bulk_create(Agency(name=f"Agency {n:03}") for n in range(300))
    Trainer.objects.bulk_create(Trainer(name=f"Unchosen trainer {n:03}") for n in range(500))
    Room.objects.bulk_create(
        Room(name=f"Unchosen room {n:03}", venue="Elsewhere") for n in range(300)
    )
    return agency


def change_page(client, workshop):
    url = reverse("admin:events_workshop_change", args=[workshop.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def add_sessions(workshop, make_session, count):
    trainer, _ = Trainer.objects.get_or_create(name="Zhang Wei")
    room, _ = Room.objects.get_or_create(name="Jade Hall", venue=f"Guanfang Hotel {workshop.slug}")
    for n in range(count):
        make_session(
            workshop,
            title=f"Session {n}",
            starts_at=at(27, 8) + n * (at(27, 9) - at(27, 8)) / 4,
            ends_at=at(27, 8) + n * (at(27, 9) - at(27, 8)) / 4 + (at(27, 9) - at(27, 8)) / 8,
            room=room if n % 2 else None,
            trainers=[trainer] if n % 3 == 0 else [],
        )


def test_the_change_page_shows_only_what_is_chosen(admin_client, workshop, make_session, directory):
    WorkshopAgency.objects.create(workshop=workshop, agency=directory, role="host")
    add_sessions(workshop, make_session, 30)

    html, _queries = change_page(admin_client, workshop)

    assert "Zhang Wei" in html
    assert "Jade Hall" in html
    assert "Ministry of Public Security" in html
    assert "Unchosen trainer" not in html
    assert "Unchosen room" not in html
    assert "Agency 000" not in html
    assert len(html) < 400_000


def test_the_change_page_queries_do_not_grow_with_its_rows(
    admin_client, workshop, make_workshop, make_session, directory
):
    small = make_workshop(title="Small", slug="small")
    add_sessions(small, make_session, 3)
    add_sessions(workshop, make_session, 30)

    _html, few = change_page(admin_client, small)
    _html, many = change_page(admin_client, workshop)

    assert few == many

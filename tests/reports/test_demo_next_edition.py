"""``load_demo``'s next edition: the Lijiang workshop again, weeks ahead, open for registration,
so that a newcomer can try registering."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.clashes import clashes_by_workshop
from events.models import Session, Workshop, WorkshopAgency
from participants.models import Registration
from reports.demo import load_demo
from reports.demo.loader import next_edition_start

pytestmark = pytest.mark.django_db

NEXT = "lijiang-next-edition"


@pytest.fixture
def demo(loaded_demo):
    return loaded_demo


def test_next_edition_is_published_open_weeks_ahead_and_sample(demo):
    edition = Workshop.objects.get(slug=NEXT)
    today = timezone.localdate()
    assert edition.status == Workshop.Status.PUBLISHED
    assert edition.is_sample
    assert edition.start_date == today + timedelta(weeks=4)
    assert (edition.end_date - edition.start_date).days == 5
    assert edition.self_registration(timezone.now()) == Workshop.SelfRegistration.OPEN
    assert demo.next_edition == edition


def test_next_edition_has_the_same_agencies_trainers_and_wall_clock_times(demo):
    original = Workshop.objects.get(slug="lijiang-2007")
    edition = Workshop.objects.get(slug=NEXT)

    def roles(workshop):
        return sorted(
            WorkshopAgency.objects.filter(workshop=workshop).values_list("agency__name", "role")
        )

    assert roles(edition) == roles(original)
    tz = edition.tz

    def timetable(workshop):
        return [
            (
                (s.starts_at.astimezone(tz).date() - workshop.start_date).days,
                s.starts_at.astimezone(tz).time(),
                s.ends_at.astimezone(tz).time(),
                s.title,
                s.room_id,
                tuple(t.pk for t in s.trainers.all()),
            )
            for s in workshop.sessions.prefetch_related("trainers").order_by("starts_at", "uid")
        ]

    assert timetable(edition) == timetable(original)
    assert len(timetable(edition)) == 23
    assert clashes_by_workshop([edition]) == {}
    assert not edition.sessions.exclude(status=Session.Status.SCHEDULED).exists()


def test_next_edition_has_seats_left_and_one_approval_pending(demo):
    edition = Workshop.objects.get(slug=NEXT)
    statuses = list(edition.registrations.values_list("status", flat=True))
    assert statuses.count(Registration.Status.CONFIRMED) == 21
    assert statuses.count(Registration.Status.PENDING) == 1
    assert edition.capacity == 24


def test_next_edition_public_page_accepts_a_registration(
    demo, client, django_capture_on_commit_callbacks
):
    url = reverse("participants:public_workshop", args=[NEXT])
    page = client.get(url)
    assert "3 seats left of 24" in page.content.decode()
    agency_id = next(iter(page.context["form"].agencies))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Newcomer Chen",
                "gender": "female",
                "agency": agency_id,
                "email": "newcomer@example.org",
                "preferred_language": "en",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    registration = Registration.objects.get(workshop__slug=NEXT, name="Newcomer Chen")
    assert registration.status == Registration.Status.PENDING  # the demo needs approval
    assert [m.to for m in mail.outbox] == [["newcomer@example.org"]]


def test_next_edition_keeps_its_dates_while_ahead_and_moves_once_passed():
    today = date(2027, 3, 1)
    assert next_edition_start(today, None) == date(2027, 3, 29)
    assert next_edition_start(today, date(2027, 3, 20)) == date(2027, 3, 20)
    assert next_edition_start(today, date(2027, 3, 5)) == date(2027, 3, 29)
    assert next_edition_start(today, date(2026, 3, 5)) == date(2027, 3, 29)


def test_reloading_the_demo_leaves_the_next_edition_unchanged(demo):
    again = load_demo()
    assert (again.created, again.updated) == (0, 0)
    assert again.next_edition.start_date == demo.next_edition.start_date


def test_home_page_lists_the_next_edition_first_with_register(demo, client):
    response = client.get(reverse("events:home"))
    assert [card.workshop.slug for card in response.context["upcoming"]] == [NEXT]
    assert response.context["upcoming"][0].is_open
    assert f'href="/w/{NEXT}/#register"' in response.content.decode()

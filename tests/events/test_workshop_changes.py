"""What a change to a workshop does to its sessions: a new time zone sends the moved
sessions' updated invitations; a new venue takes the old venue's rooms off the sessions
(a copy held elsewhere no longer books the old building)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events import services
from events.models import Room, Trainer, Workshop
from tests import factories
from tests.conftest import at


@pytest.fixture
def taught(workshop, make_session):
    trainer = Trainer.objects.create(name="Zhang Jun", email="zj@example.org")
    first = make_session(
        workshop, title="Law", starts_at=at(27, 9), ends_at=at(27, 10), trainers=[trainer]
    )
    second = make_session(workshop, title="Practice", starts_at=at(28, 9), ends_at=at(28, 10))
    factories.registration(workshop, "Li Mei", email="li.mei@example.org")
    factories.registration(workshop, "Waiting", email="w@example.org", status="waitlisted")
    return first, second


def invitations(mailoutbox):
    found = []
    for message in mailoutbox:
        [part] = [a for a in message.attachments if not isinstance(a, tuple)]
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        [event] = calendar.walk("VEVENT")
        found.append((message.to[0], str(calendar["METHOD"]), str(event["SUMMARY"]), event))
    return sorted(found, key=lambda row: (row[0], row[2]))


def test_a_new_zone_sends_each_moved_session_as_moved(
    workshop, taught, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop=workshop, data=services.WorkshopData.of(workshop, timezone="Europe/London")
        )

    sent = invitations(mailoutbox)
    # The confirmed participant gets both sessions, the trainer theirs; not the waiting list.
    assert [(to, method, title) for to, method, title, _e in sent] == [
        ("li.mei@example.org", "REQUEST", "Law"),
        ("li.mei@example.org", "REQUEST", "Practice"),
        ("zj@example.org", "REQUEST", "Law"),
    ]
    law = sent[0][3]
    # 09:00 stays 09:00, now London time: a new instant, a higher revision.
    assert law.decoded("DTSTART") == datetime(2007, 8, 27, 9, tzinfo=ZoneInfo("Europe/London"))
    assert law["SEQUENCE"] == 1


def test_a_zone_with_the_same_clock_sends_nothing(
    workshop, taught, django_capture_on_commit_callbacks, mailoutbox
):
    # Hong Kong kept Shanghai's +08:00 in 2007: nobody's calendar moves.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop=workshop, data=services.WorkshopData.of(workshop, timezone="Asia/Hong_Kong")
        )

    assert mailoutbox == []


def test_a_drafts_new_zone_sends_nothing(
    workshop, taught, django_capture_on_commit_callbacks, mailoutbox
):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DRAFT)
    workshop.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop=workshop, data=services.WorkshopData.of(workshop, timezone="Europe/London")
        )

    assert mailoutbox == []


def test_a_copy_moved_to_another_venue_drops_the_old_venues_rooms(
    client, organiser, workshop, make_session
):
    workshop.venue = "Guanfang Hotel"
    workshop.save()
    hall = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel")
    elsewhere = Room.objects.create(name="Field site", venue="Lijiang Old Town")
    make_session(workshop, title="In the hall", starts_at=at(27, 9), ends_at=at(27, 10), room=hall)
    make_session(workshop, title="On site", starts_at=at(28, 9), ends_at=at(28, 10), room=elsewhere)
    copy = services.copy_workshop(source=workshop, start_date=date(2008, 8, 24), by=organiser)
    client.force_login(organiser)
    form = client.get(reverse("events:workshop_edit", args=[copy.slug])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data |= {
        "venue": "Kunming Conference Centre",
        "start_date": "2008-08-24",
        "end_date": "2008-08-29",
        "programme": "",
    }

    response = client.post(reverse("events:workshop_edit", args=[copy.slug]), data, follow=True)

    rooms = dict(copy.sessions.values_list("title", "room__name"))
    assert rooms == {"In the hall": None, "On site": "Field site"}
    assert (
        "The venue changed: 1 session no longer has a room of the old venue. Choose its room "
        "at Kunming Conference Centre on the timetable."
    ) in [str(m) for m in response.context["messages"]]
    # The original keeps its hall.
    assert workshop.sessions.get(title="In the hall").room == hall


def test_the_same_venue_keeps_every_room(workshop, make_session):
    hall = Room.objects.create(name="Jade Hall", venue="")
    make_session(workshop, title="In the hall", room=hall)

    update = services.update_workshop(
        workshop=workshop, data=services.WorkshopData.of(workshop, city="Dali")
    )

    assert update.rooms_dropped == 0
    assert workshop.sessions.get().room == hall

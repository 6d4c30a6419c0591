"""A participant's personal calendar feed and the organisers' power to replace its link."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from events.models import Session, Workshop
from participants.models import Participant, Registration
from participants.services import revoke_registration_link
from tests.conftest import at
from tests.events.calendar_support import (
    assert_wire_format,
    bulk_sessions,
    events_by_uid,
    lijiang_cast,
    parse,
)


def feed_url(participant) -> str:
    return reverse("participants:participant_feed", kwargs={"token": participant.feed_token})


def register(workshop, participant, status=Registration.Status.CONFIRMED):
    return Registration.objects.create(
        workshop=workshop,
        participant=participant,
        status=status,
        source=Registration.Source.ORGANISER,
    )


@pytest.fixture
def person(participant_registration):
    return participant_registration.participant


@pytest.fixture
def calendars(workshop, person, make_workshop, make_session):
    """Li Mei is confirmed in two workshops, pending in one, cancelled in one; Wang Fang
    shares her workshop and is confirmed alone in another."""
    other = Participant.objects.create(
        name="Wang Fang", name_local="王芳", email="wang.fang@example.org", phone="+86 871 555"
    )
    register(workshop, other)
    kunming = make_workshop(
        title="Kunming Follow-up",
        slug="kunming",
        start_date=date(2007, 9, 3),
        end_date=date(2007, 9, 5),
    )
    register(kunming, person)
    pending = make_workshop(title="Pending", slug="pending")
    register(pending, person, Registration.Status.PENDING)
    left = make_workshop(title="Left", slug="left")
    register(left, person, Registration.Status.CANCELLED)
    only_other = make_workshop(title="Wang's own", slug="wangs-own")
    register(only_other, other)
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    register(draft, person)
    return {
        "other": other,
        "mine": [
            make_session(workshop, title="Lijiang opening"),
            make_session(
                kunming,
                title="Kunming review",
                starts_at=at(4, 9, month=9),
                ends_at=at(4, 10, month=9),
            ),
        ],
        "not_mine": [
            make_session(pending, title="Pending session"),
            make_session(left, title="Left session"),
            make_session(only_other, title="Wang's session"),
            make_session(draft, title="Draft session"),
        ],
    }


def test_participant_feed_holds_sessions_of_confirmed_workshops_only(client, person, calendars):
    response = client.get(feed_url(person))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="workshop-sessions.ics"'
    assert "private" in response["Cache-Control"]
    assert_wire_format(response.content)
    calendar = parse(response.content)
    assert set(events_by_uid(calendar)) == {s.uid for s in calendars["mine"]}
    assert str(calendar["X-WR-CALNAME"]) == "My workshop sessions"
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_participant_feed_holds_nothing_of_other_participants(client, person, calendars):
    body = client.get(feed_url(person)).content.decode()

    for secret in ("Wang Fang", "王芳", "wang.fang@example.org", "+86 871 555"):
        assert secret not in body
    # Nor of the person themself: the link may be shared with a calendar service.
    for own in ("Li Mei", "李梅", "li.mei@example.org"):
        assert own not in body
    assert "ATTENDEE" not in body
    assert "Wang's session" not in body


def test_participant_feed_keeps_a_cancelled_session(client, person, calendars):
    session = calendars["mine"][0]
    session.status = Session.Status.CANCELLED
    session.save()

    events = events_by_uid(parse(client.get(feed_url(person)).content))

    assert str(events[session.uid]["STATUS"]) == "CANCELLED"
    assert events[session.uid]["SEQUENCE"] == 1


def test_participant_feed_answers_304_to_its_etag(client, person, calendars):
    first = client.get(feed_url(person))

    again = client.get(feed_url(person), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304


def test_participant_feed_download_is_an_attachment(client, person, calendars):
    response = client.get(feed_url(person), {"download": "1"})

    assert response["Content-Disposition"] == 'attachment; filename="workshop-sessions.ics"'


def test_participant_feed_revoked_link_is_404_at_once(client, person, calendars, organiser):
    old = feed_url(person)
    assert client.get(old).status_code == 200

    client.force_login(organiser)
    response = client.post(
        reverse("participants:participant_feed_reissue", kwargs={"pk": person.pk}),
        {"next": "/organise/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/organise/"
    person.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(person)).status_code == 200


def test_participant_feed_reissue_permissions(client, person, calendars, other_organiser, funder):
    url = reverse("participants:participant_feed_reissue", kwargs={"pk": person.pk})
    token = person.feed_token

    anonymous = client.post(url)
    client.force_login(other_organiser)
    other = client.post(url)
    client.force_login(funder)
    funding = client.post(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert other.status_code == 404
    assert funding.status_code == 404
    person.refresh_from_db()
    assert person.feed_token == token


def test_new_personal_link_replaces_the_calendar_link_with_it(
    client, person, participant_registration, calendars
):
    """The personal page shows the calendar link: a leaked page link leaked both, so the
    one service the roster, the admin and the API call replaces both at once."""
    old_page, old_feed = participant_registration.token, feed_url(person)

    revoke_registration_link(registration=participant_registration, notify=False)

    participant_registration.refresh_from_db()
    person.refresh_from_db()
    assert client.get(f"/r/{old_page}/").status_code == 404
    assert client.get(old_feed).status_code == 404
    assert client.get(f"/r/{participant_registration.token}/").status_code == 200
    assert client.get(feed_url(person)).status_code == 200
    assert feed_url(person) != old_feed


def test_new_personal_links_are_one_change(person, participant_registration):
    page, feed = participant_registration.token, person.feed_token

    def revoke_then_fail():
        with transaction.atomic():
            revoke_registration_link(registration=participant_registration, notify=False)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        revoke_then_fail()

    person.refresh_from_db()
    participant_registration.refresh_from_db()
    assert (participant_registration.token, person.feed_token) == (page, feed)


def test_participant_feed_of_unknown_token_is_404(client, db):
    url = reverse("participants:participant_feed", kwargs={"token": "y" * 43})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 3000])
def test_participant_feed_query_count_is_constant(
    client, workshop, person, count, django_assert_num_queries
):
    trainer, room, topics = lijiang_cast()
    bulk_sessions(workshop, count, trainer=trainer, room=room, topics=topics)
    url = feed_url(person)
    client.get(url)

    # The participant by token; the sessions of their confirmed workshops with workshop and
    # room; their trainers with agencies; their topics; both cache entries.
    with django_assert_num_queries(4 + 2):
        response = client.get(url)

    assert len(parse(response.content).walk("VEVENT")) == count

"""A participant's personal calendar feed and the organisers' power to replace its link."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from events.models import Session, Workshop
from participants.models import Participant, Registration
from participants.services import revoke_registration_link
from tests import factories
from tests.conftest import at
from tests.events.calendar_support import (
    assert_wire_format,
    events_by_uid,
    parse,
    taught_programme,
)


def feed_url(registration) -> str:
    return reverse("participants:participant_feed", kwargs={"token": registration.feed_token})


def register(workshop, person, status=Registration.Status.CONFIRMED, name="Li Mei"):
    return factories.registration(workshop, name, participant=person, status=status)


@pytest.fixture
def person(participant_registration):
    return participant_registration


@pytest.fixture
def calendars(workshop, participant_registration, make_workshop, make_session):
    """Li Mei is confirmed in two workshops, pending in one, cancelled in one, confirmed in a
    draft; Wang Fang shares her workshop and is confirmed alone in another."""
    li = participant_registration.participant
    other = Participant.objects.create(email="wang.fang@example.org")
    register(workshop, other, name="Wang Fang")
    kunming = make_workshop(
        title="Kunming Follow-up",
        slug="kunming",
        start_date=date(2007, 9, 3),
        end_date=date(2007, 9, 5),
    )
    pending = make_workshop(title="Pending", slug="pending")
    left = make_workshop(title="Left", slug="left")
    only_other = make_workshop(title="Wang's own", slug="wangs-own")
    register(only_other, other, name="Wang Fang")
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    return {
        "other": other,
        "kunming": register(kunming, li),
        "pending": register(pending, li, Registration.Status.PENDING),
        "left": register(left, li, Registration.Status.CANCELLED),
        "draft": register(draft, li),
        "mine": [make_session(workshop, title="Lijiang opening")],
        "kunming_sessions": [
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


def test_participant_feed_holds_its_own_workshops_sessions_only(client, person, calendars):
    response = client.get(feed_url(person))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="workshop-sessions.ics"'
    assert "private" in response["Cache-Control"]
    assert_wire_format(response.content)
    calendar = parse(response.content)
    # Not Kunming, where the same person is confirmed too: each registration has its own link.
    assert set(events_by_uid(calendar)) == {s.uid for s in calendars["mine"]}
    assert str(calendar["X-WR-CALNAME"]) == "My workshop sessions"
    assert len(calendar.walk("VTIMEZONE")) == 1
    kunming = parse(client.get(feed_url(calendars["kunming"])).content)
    assert set(events_by_uid(kunming)) == {s.uid for s in calendars["kunming_sessions"]}


@pytest.mark.parametrize("which", ["pending", "left", "draft"])
def test_participant_feed_of_an_unconfirmed_or_draft_registration_is_empty(
    client, calendars, which
):
    response = client.get(feed_url(calendars[which]))
    assert response.status_code == 200
    assert parse(response.content).walk("VEVENT") == []


def test_a_later_workshop_of_the_same_address_stays_out_of_an_earlier_link(
    client, make_workshop, make_session, participant_registration
):
    # Someone registered the address on a public form; later another organiser adds the
    # address's owner to a closed meeting. The first link shows nothing of it.
    meeting = make_workshop(title="Closed meeting", slug="closed", status=Workshop.Status.CLOSED)
    make_session(meeting, title="Closed meeting session", room=None)
    register(meeting, participant_registration.participant)

    feed = client.get(feed_url(participant_registration)).content.decode()
    page = client.get(f"/r/{participant_registration.token}/").content.decode()

    for secret in ("Closed meeting", "closed"):
        assert secret not in feed
        assert secret not in page


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


def test_new_personal_link_replaces_the_calendar_link_with_it(
    client, person, participant_registration, calendars
):
    """The personal page shows the calendar link: a leaked page link leaked both, so the
    one service the roster, the admin and the API call replaces both at once."""
    old_page, old_feed = participant_registration.token, feed_url(person)

    revoke_registration_link(registration=participant_registration, notify=False)

    participant_registration.refresh_from_db()
    assert client.get(f"/r/{old_page}/").status_code == 404
    assert client.get(old_feed).status_code == 404
    assert client.get(f"/r/{participant_registration.token}/").status_code == 200
    assert client.get(feed_url(person)).status_code == 200
    assert feed_url(person) != old_feed


def test_new_personal_links_are_one_change(person, participant_registration):
    page, feed = participant_registration.token, participant_registration.feed_token

    def revoke_then_fail():
        with transaction.atomic():
            revoke_registration_link(registration=participant_registration, notify=False)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        revoke_then_fail()

    participant_registration.refresh_from_db()
    assert (participant_registration.token, participant_registration.feed_token) == (page, feed)


def test_participant_feed_of_unknown_token_is_404(client, db):
    url = reverse("participants:participant_feed", kwargs={"token": "y" * 43})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 3000])
def test_participant_feed_query_count_is_constant(
    client, workshop, person, count, django_assert_num_queries
):
    taught_programme(workshop, count)
    url = feed_url(person)
    client.get(url)

    # The registration with its workshop by token; the sessions with workshop and room;
    # their trainers with agencies; their topics; both cache entries.
    with django_assert_num_queries(4 + 2):
        response = client.get(url)

    assert len(parse(response.content).walk("VEVENT")) == count

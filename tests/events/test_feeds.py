"""Calendar feeds over HTTP: content, headers, conditional requests, visibility, secret links."""

import time
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from events.models import Session, Trainer, Workshop
from tests import factories
from tests.conftest import at
from tests.events.calendar_support import (
    assert_wire_format,
    events_by_uid,
    parse,
    taught_lecture,
    taught_programme,
)


@pytest.fixture
def programme(workshop, make_session):
    """The published workshop with a taught session, a cancelled one and a plain one."""
    taught, trainer, room, _topics = taught_lecture(workshop)
    cancelled = make_session(
        workshop, title="Field visit", starts_at=at(28, 9), ends_at=at(28, 12), room=room
    )
    cancelled.status = Session.Status.CANCELLED
    cancelled.save()
    plain = make_session(workshop, title="Closing", starts_at=at(31, 15), ends_at=at(31, 16))
    return {"trainer": trainer, "taught": taught, "cancelled": cancelled, "plain": plain}


def feed_url(workshop) -> str:
    return reverse("events:workshop_feed", kwargs={"slug": workshop.slug})


# --- the workshop's feed ------------------------------------------------------------------


def test_workshop_feed_serves_every_session_with_calendar_headers(client, workshop, programme):
    response = client.get(feed_url(workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{workshop.slug}.ics"'
    assert response["ETag"].startswith('"')
    assert parse_http_date(response["Last-Modified"]) > 0
    assert "no-cache" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]
    body = response.content
    assert_wire_format(body)
    calendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) == "National Anti-Trafficking Workshop"
    events = events_by_uid(calendar)
    assert set(events) == {
        programme["taught"].uid,
        programme["cancelled"].uid,
        programme["plain"].uid,
    }
    assert str(events[programme["cancelled"].uid]["STATUS"]) == "CANCELLED"
    assert str(events[programme["taught"].uid]["STATUS"]) == "CONFIRMED"
    assert "Prof. Zhang Wei" in str(events[programme["taught"].uid]["DESCRIPTION"])


def test_workshop_feed_download_is_an_attachment(client, workshop, programme):
    response = client.get(feed_url(workshop), {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{workshop.slug}.ics"'


def test_workshop_feed_carries_no_participant_data(
    client, workshop, programme, participant_registration
):
    body = client.get(feed_url(workshop)).content.decode()

    assert "Li Mei" not in body
    assert "李梅" not in body
    assert "li.mei@example.org" not in body
    assert "ATTENDEE" not in body


def test_workshop_feed_of_a_draft_is_not_public(client, make_workshop, make_user, make_session):
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    make_session(draft)
    organiser = make_user("draft-organiser")
    draft.organisers.add(organiser)
    stranger_organiser = make_user("stranger-organiser")

    assert client.get(feed_url(draft)).status_code == 404
    client.force_login(stranger_organiser)
    assert client.get(feed_url(draft)).status_code == 404
    client.force_login(organiser)
    response = client.get(feed_url(draft))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    client.force_login(make_user("root", is_superuser=True))
    assert client.get(feed_url(draft)).status_code == 200


def test_workshop_feed_of_unknown_workshop_is_404(client, db):
    assert client.get(feed_url(Workshop(slug="nowhere"))).status_code == 404


def test_workshop_feed_answers_304_to_its_etag(client, workshop, programme):
    first = client.get(feed_url(workshop))

    again = client.get(feed_url(workshop), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_workshop_feed_etag_changes_with_anything_the_calendar_shows(client, workshop, programme):
    etag = client.get(feed_url(workshop))["ETag"]

    # A trainer's new title touches no session, yet the description changes. (Saved, as
    # every page, the admin and the API save: events.calendar_versions counts it.)
    trainer = Trainer.objects.get(pk=programme["trainer"].pk)
    trainer.position = "Director-General"
    trainer.save()
    changed = client.get(feed_url(workshop), headers={"if-none-match": etag})

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert b"Prof. Zhang Wei (\xe5\xbc\xa0\xe4\xbc\x9f)\\, Director-General" in changed.content


def test_workshop_feed_answers_304_to_if_modified_since(client, workshop, programme):
    # Sessions last changed long ago; this version was first served a minute ago.
    Session.objects.update(updated_at=at(1, 9))
    Workshop.objects.update(updated_at=at(1, 9))
    etag = client.get(feed_url(workshop))["ETag"].strip('"')
    served = int(time.time()) - 60
    cache.set(f"calendar:seen:{etag}", served)

    response = client.get(feed_url(workshop))
    assert parse_http_date(response["Last-Modified"]) == served
    current = client.get(feed_url(workshop), headers={"if-modified-since": http_date(served)})
    older = client.get(feed_url(workshop), headers={"if-modified-since": http_date(served - 1)})
    # Deleting a session touches no remaining row: the new version is new from now.
    programme["plain"].delete()
    after_delete = client.get(feed_url(workshop), headers={"if-modified-since": http_date(served)})

    assert current.status_code == 304
    assert older.status_code == 200
    assert after_delete.status_code == 200
    assert parse_http_date(after_delete["Last-Modified"]) > served
    assert programme["plain"].uid.encode() not in after_delete.content


def test_workshop_feed_keeps_uid_and_grows_sequence_after_a_move(client, workshop, programme):
    before = events_by_uid(parse(client.get(feed_url(workshop)).content))
    session = Session.objects.get(pk=programme["taught"].pk)
    session.starts_at, session.ends_at = at(29, 9), at(29, 10)
    session.save()

    after = events_by_uid(parse(client.get(feed_url(workshop)).content))

    uid = programme["taught"].uid
    assert set(before) == set(after)
    assert (before[uid]["SEQUENCE"], after[uid]["SEQUENCE"]) == (0, 1)


@pytest.mark.parametrize("count", [3, 3000])
def test_workshop_feed_query_count_is_constant(client, workshop, count, django_assert_num_queries):
    taught_programme(workshop, count)
    url = feed_url(workshop)

    # The workshop (with its calendar version); when this version was first served (get,
    # add: SAVEPOINT, count, select, insert, RELEASE); its sessions with room; their
    # trainers with agencies; their topics; the body (get, set: SAVEPOINT, count, select,
    # insert, RELEASE).
    with django_assert_num_queries(1 + 6 + 3 + 6):
        first = client.get(url)
    # The same, both cache entries found.
    with django_assert_num_queries(1 + 1 + 3 + 1):
        second = client.get(url)
    # The workshop and the first-served time: a 304 reads neither the sessions nor the body.
    with django_assert_num_queries(1 + 1):
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert not_modified.status_code == 304
    assert len(parse(first.content).walk("VEVENT")) == count


# --- one session --------------------------------------------------------------------------


def test_session_ics_downloads_one_session(client, workshop, programme):
    session = programme["taught"]
    url = reverse("events:session_ics", kwargs={"slug": workshop.slug, "pk": session.pk})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{workshop.slug}-identifying-victims.ics"'
    )
    (event,) = parse(response.content).walk("VEVENT")
    assert str(event["UID"]) == session.uid
    assert str(event["SUMMARY"]) == "Identifying victims"
    assert_wire_format(response.content)


def test_session_ics_needs_the_right_workshop_and_no_draft(
    client, workshop, programme, make_workshop, make_session
):
    other = make_workshop(title="Other", slug="other")
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    draft_session = make_session(draft)

    wrong_slug = reverse(
        "events:session_ics", kwargs={"slug": other.slug, "pk": programme["taught"].pk}
    )
    of_draft = reverse("events:session_ics", kwargs={"slug": draft.slug, "pk": draft_session.pk})

    assert client.get(wrong_slug).status_code == 404
    assert client.get(of_draft).status_code == 404


@pytest.mark.parametrize("count", [3, 3000])
def test_session_ics_query_count_is_constant(client, workshop, count, django_assert_num_queries):
    sessions, _trainer = taught_programme(workshop, count)
    url = reverse("events:session_ics", kwargs={"slug": workshop.slug, "pk": sessions[-1].pk})
    client.get(url)

    # The session with workshop and room; its trainers with agencies; its topics; both
    # cache entries.
    with django_assert_num_queries(3 + 2):
        response = client.get(url)

    assert len(parse(response.content).walk("VEVENT")) == 1


# --- a trainer's feed ---------------------------------------------------------------------


def trainer_url(trainer) -> str:
    return reverse("events:trainer_feed", kwargs={"token": trainer.feed_token})


def test_trainer_feed_holds_their_sessions_in_every_workshop_but_drafts(
    client, workshop, programme, make_workshop, make_session
):
    trainer = programme["trainer"]
    elsewhere = make_workshop(
        title="Kunming Workshop",
        slug="kunming",
        start_date=date(2007, 9, 3),
        end_date=date(2007, 9, 5),
    )
    there = make_session(
        elsewhere,
        title="Kunming lecture",
        starts_at=at(4, 9, month=9),
        ends_at=at(4, 10, month=9),
        trainers=[trainer],
    )
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    hidden = make_session(draft, title="Draft lecture", trainers=[trainer])

    response = client.get(trainer_url(trainer))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="zhang-wei.ics"'
    assert "private" in response["Cache-Control"]
    calendar = parse(response.content)
    assert set(events_by_uid(calendar)) == {programme["taught"].uid, there.uid}
    assert hidden.uid.encode() not in response.content
    assert str(calendar["X-WR-CALNAME"]) == "Prof. Zhang Wei: teaching"


def test_trainer_feed_revoked_link_is_404_at_once(client, workshop, programme, organiser):
    trainer = programme["trainer"]
    old = trainer_url(trainer)
    assert client.get(old).status_code == 200

    client.force_login(organiser)
    response = client.post(
        reverse("events:trainer_feed_reissue", kwargs={"pk": trainer.pk}),
        {"next": "/organise/trainers/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/organise/trainers/"
    trainer.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(trainer_url(trainer)).status_code == 200
    assert len(trainer.feed_token) >= 43  # 256 random bits, URL-safe


def test_trainer_feed_reissue_permissions(
    client, workshop, programme, organiser, other_organiser, make_user, participant_registration
):
    trainer = programme["trainer"]
    url = reverse("events:trainer_feed_reissue", kwargs={"pk": trainer.pk})
    token = trainer.feed_token

    anonymous = client.post(url)
    client.force_login(other_organiser)
    other = client.post(url)
    client.force_login(organiser)
    wrong_method = client.get(url)
    unsafe_next = client.post(url, {"next": "https://evil.example/"})

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert other.status_code == 404
    assert wrong_method.status_code == 405
    assert unsafe_next.status_code == 302
    assert "evil.example" not in unsafe_next["Location"]
    trainer.refresh_from_db()
    assert trainer.feed_token != token


def test_trainer_feed_reissue_allowed_to_superuser(client, db, make_user):
    trainer = Trainer.objects.create(name="Unassigned")
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(reverse("events:trainer_feed_reissue", kwargs={"pk": trainer.pk}))

    assert response.status_code == 302
    assert Trainer.objects.get(pk=trainer.pk).feed_token != trainer.feed_token


def test_trainer_feed_of_unknown_token_is_404(client, db):
    assert client.get(reverse("events:trainer_feed", kwargs={"token": "x" * 43})).status_code == 404


@pytest.mark.parametrize("count", [3, 3000])
def test_trainer_feed_query_count_is_constant(client, workshop, count, django_assert_num_queries):
    _sessions, trainer = taught_programme(workshop, count)
    url = trainer_url(trainer)
    client.get(url)

    # The trainer by token; the sessions with workshop and room; their trainers with
    # agencies; their topics; both cache entries.
    with django_assert_num_queries(4 + 2):
        response = client.get(url)

    assert len(parse(response.content).walk("VEVENT")) == count


def test_feeds_answer_get_only(client, workshop, programme):
    assert client.post(feed_url(workshop)).status_code == 405


def test_participant_data_never_reaches_trainer_feed(client, workshop, programme):
    factories.registration(workshop, "Wang Fang", email="wang.fang@example.org")

    body = client.get(trainer_url(programme["trainer"])).content

    assert b"Wang Fang" not in body
    assert b"wang.fang" not in body


# --- where the links are offered ----------------------------------------------------------


def test_subscribe_snippet_offers_webcal_download_and_address(rf, settings):
    from django.template.loader import render_to_string

    settings.ALLOWED_HOSTS = ["workshops.example.org"]
    request = rf.get("/w/lijiang/", secure=True, headers={"host": "workshops.example.org"})
    html = render_to_string(
        "events/calendar/_subscribe.html",
        {"feed_url": "/w/lijiang/calendar.ics", "request": request},
    )

    assert 'href="webcal://workshops.example.org/w/lijiang/calendar.ics"' in html
    assert 'href="https://workshops.example.org/w/lijiang/calendar.ics?download=1"' in html
    assert 'value="https://workshops.example.org/w/lijiang/calendar.ics"' in html
    assert "Subscribe in your calendar" in html


def test_public_workshop_page_offers_the_feed_and_each_session(client, workshop, programme):
    response = client.get(reverse("participants:public_workshop", kwargs={"slug": workshop.slug}))

    html = response.content.decode()
    assert f'href="webcal://testserver/w/{workshop.slug}/calendar.ics"' in html
    assert f'href="http://testserver/w/{workshop.slug}/calendar.ics?download=1"' in html
    for session in programme.values():
        if isinstance(session, Session):
            assert f'href="/w/{workshop.slug}/sessions/{session.pk}.ics"' in html


def test_organiser_pages_offer_calendar_links(client, workshop, programme, organiser):
    client.force_login(organiser)
    trainer = programme["trainer"]

    timetable = client.get(reverse("events:timetable", kwargs={"slug": workshop.slug}))
    detail = client.get(reverse("events:trainer_detail", kwargs={"pk": trainer.pk}))

    taught = programme["taught"]
    timetable_html = timetable.content.decode()
    assert f'href="/w/{workshop.slug}/sessions/{taught.pk}.ics"' in timetable_html
    assert f'href="webcal://testserver/w/{workshop.slug}/calendar.ics"' in timetable_html
    detail_html = detail.content.decode()
    assert f"webcal://testserver/feeds/trainers/{trainer.feed_token}.ics" in detail_html
    assert reverse("events:trainer_feed_reissue", kwargs={"pk": trainer.pk}) in detail_html

"""Polling feeds: every change that alters what a feed shows changes its ETag (the workshop's
and trainer's calendar versions), and a 304 costs the same queries for 30 and 3,000 sessions."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events import services
from events.duplicates import merge_agencies, merge_trainers
from events.models import Agency, Room, Session, Topic, Trainer, Workshop
from participants.services import cancel_registration
from tests import factories
from tests.conftest import at
from tests.events.calendar_support import (
    taught_lecture,
    taught_programme,
)


def workshop_feed(workshop):
    return reverse("events:workshop_feed", kwargs={"slug": workshop.slug})


def trainer_feed(trainer):
    return reverse("events:trainer_feed", kwargs={"token": trainer.feed_token})


def personal_feed(registration):
    return reverse("participants:participant_feed", kwargs={"token": registration.feed_token})


@pytest.fixture
def cast(workshop, make_session):
    session, trainer, room, topics = taught_lecture(workshop, ends_at=at(27, 10))
    return {"trainer": trainer, "room": room, "topics": topics, "session": session}


def fresh(model, pk):
    return model.objects.get(pk=pk)


def rename_agency(cast, workshop):
    agency = fresh(Agency, cast["trainer"].agency_id)
    agency.acronym = "MPS-PRC"
    agency.save()


def rename_room(cast, workshop):
    room = fresh(Room, cast["room"].pk)
    room.name = "Jade Hall East"
    room.save()


def rename_topic(cast, workshop):
    topic = fresh(Topic, cast["topics"][0].pk)
    topic.name = "Identifying victims early"
    topic.save()


def retitle_trainer(cast, workshop):
    trainer = fresh(Trainer, cast["trainer"].pk)
    services.update_trainer(
        trainer=trainer, data=services.TrainerData.of(trainer, position="Director-General")
    )


def move_session(cast, workshop):
    services.move_session(
        session=fresh(Session, cast["session"].pk), starts_at=at(28, 9), ends_at=at(28, 10)
    )


def cancel_session(cast, workshop):
    services.cancel_session(session=fresh(Session, cast["session"].pk))


def delete_session(cast, workshop):
    fresh(Session, cast["session"].pk).delete()


def add_session(cast, workshop):
    Session.objects.create(
        workshop=workshop, title="Closing", starts_at=at(31, 15), ends_at=at(31, 16)
    ).trainers.add(cast["trainer"])


def take_trainer_off(cast, workshop):
    fresh(Session, cast["session"].pk).trainers.remove(cast["trainer"])


def drop_topics(cast, workshop):
    fresh(Session, cast["session"].pk).topics.clear()


def retitle_workshop(cast, workshop):
    workshop = fresh(Workshop, workshop.pk)
    workshop.title_local = "全国反拐培训班"
    workshop.title = "National Workshop on Trafficking"
    workshop.save()


def move_workshop_zone(cast, workshop):
    workshop = fresh(Workshop, workshop.pk)
    workshop.timezone = "Asia/Bangkok"
    workshop.save()


def cancel_workshop(cast, workshop):
    services.change_workshop_status(
        workshop=fresh(Workshop, workshop.pk), status=Workshop.Status.CANCELLED
    )


def merge_a_duplicate_trainer(cast, workshop):
    duplicate = Trainer.objects.create(name="zhang  wei", created_by=None)
    Session.objects.create(
        workshop=workshop, title="Extra", starts_at=at(29, 9), ends_at=at(29, 10)
    ).trainers.add(duplicate)
    # The etag before was taken without the duplicate's session: take it again, then merge.
    return lambda by: merge_trainers(
        keep=fresh(Trainer, cast["trainer"].pk), duplicate=duplicate, by=by
    )


CHANGES = [
    rename_agency,
    rename_room,
    rename_topic,
    retitle_trainer,
    move_session,
    cancel_session,
    delete_session,
    add_session,
    take_trainer_off,
    drop_topics,
    retitle_workshop,
    move_workshop_zone,
    cancel_workshop,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_every_change_a_feed_shows_changes_its_etag(client, workshop, cast, change):
    registration = factories.registration(workshop, "Li Mei")
    urls = [workshop_feed(workshop), trainer_feed(cast["trainer"]), personal_feed(registration)]
    before = {url: client.get(url) for url in urls}
    for url, response in before.items():
        assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304

    change(cast, workshop)

    for url, response in before.items():
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 200, (change.__name__, url)
        assert again["ETag"] != response["ETag"]
        # Only the workshop's feed is named after its title: for the others a version counted
        # once too often costs one download, never a stale copy.
        if not (change is retitle_workshop and url != urls[0]):
            assert again.content != response.content, (change.__name__, url)


def test_a_merge_changes_the_feeds_of_the_trainer_kept(client, workshop, cast, organiser):
    merge = merge_a_duplicate_trainer(cast, workshop)
    urls = [workshop_feed(workshop), trainer_feed(cast["trainer"])]
    before = {url: client.get(url)["ETag"] for url in urls}

    merge(organiser)

    for url, etag in before.items():
        assert client.get(url, headers={"if-none-match": etag}).status_code == 200
    assert b"Extra" in client.get(trainer_feed(cast["trainer"])).content


def test_an_agency_merge_changes_its_trainers_feeds(client, workshop, cast, organiser):
    kept = Agency.objects.create(name="Ministry of Public Security (PRC)", acronym="MPS-PRC")
    etag = client.get(trainer_feed(cast["trainer"]))["ETag"]
    root = get_user_model().objects.create_superuser("root", password=None)

    merge_agencies(keep=kept, duplicate=fresh(Agency, cast["trainer"].agency_id), by=root)

    again = client.get(trainer_feed(cast["trainer"]), headers={"if-none-match": etag})
    assert again.status_code == 200
    assert b"MPS-PRC" in again.content


def test_the_personal_feed_changes_with_the_registration(client, workshop, cast):
    registration = factories.registration(workshop, "Li Mei")
    etag = client.get(personal_feed(registration))["ETag"]

    cancel_registration(registration=registration)

    again = client.get(personal_feed(registration), headers={"if-none-match": etag})
    assert again.status_code == 200
    assert b"Identifying victims" not in again.content


def test_the_etag_is_per_language(client, workshop, cast):
    english = client.get(workshop_feed(workshop))
    chinese = client.get(
        workshop_feed(workshop),
        headers={"if-none-match": english["ETag"], "accept-language": "zh-hans"},
    )

    assert chinese.status_code == 200
    assert chinese["ETag"] != english["ETag"]


@pytest.mark.parametrize("count", [30, 3000])
def test_a_304_runs_the_same_two_queries_for_30_and_3000_sessions(
    client, workshop, count, django_assert_num_queries
):
    _sessions, trainer = taught_programme(workshop, count)
    Workshop.objects.filter(pk=workshop.pk).update(
        end_date=workshop.start_date + timedelta(days=90)
    )
    registration = factories.registration(workshop, "Li Mei")
    for url in (workshop_feed(workshop), trainer_feed(trainer), personal_feed(registration)):
        etag = client.get(url)["ETag"]

        # The workshop, trainer or registration (with its calendar version), and when this
        # version was first served: never the sessions.
        with django_assert_num_queries(2):
            response = client.get(url, headers={"if-none-match": etag})

        assert response.status_code == 304


def test_an_import_changes_the_feeds_etag(client, workshop):
    from events.ical_import import import_sessions, preview_import
    from tests.events.test_ical_import import outlook_file

    etag = client.get(workshop_feed(workshop))["ETag"]
    events = preview_import(workshop, outlook_file())
    import_sessions(
        workshop=workshop, events=events, chosen={e.uid for e in events if e.importable}
    )

    again = client.get(workshop_feed(workshop), headers={"if-none-match": etag})
    assert again.status_code == 200
    assert b"Identifying victims" in again.content


def test_an_admin_edit_of_a_room_changes_the_feeds_etag(client, admin_client, workshop, cast):
    etag = client.get(workshop_feed(workshop))["ETag"]
    room = cast["room"]

    admin_client.post(
        reverse("admin:events_room_change", args=[room.pk]),
        {"name": "Jade Hall (east wing)", "venue": room.venue, "city": room.city, "capacity": ""},
    )

    again = client.get(workshop_feed(workshop), headers={"if-none-match": etag})
    assert again.status_code == 200
    assert b"east wing" in again.content

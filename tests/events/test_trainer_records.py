"""Who may change a trainer's record and see its contacts and calendar link: the organisers
of a workshop the trainer teaches, whoever added the record, and superusers."""

import pytest
from django.urls import reverse

from events.models import Trainer
from events.queries import trainer_teaching

pytestmark = pytest.mark.django_db


@pytest.fixture
def liang(workshop, make_session):
    trainer = Trainer.objects.create(
        name="Liang ShuYing", honorific="Prof.", email="liang@example.org"
    )
    make_session(workshop, trainers=[trainer])
    return trainer


def detail(client, trainer):
    return client.get(reverse("events:trainer_detail", args=[trainer.pk])).content.decode()


def test_trainer_detail_shows_contacts_and_link_to_an_organiser_of_a_workshop_they_teach(
    client, organiser, liang
):
    client.force_login(organiser)

    page = detail(client, liang)

    assert "liang@example.org" in page
    assert liang.feed_token in page
    assert reverse("events:trainer_edit", args=[liang.pk]) in page


def test_trainer_detail_hides_contacts_and_link_from_another_organiser(
    client, other_organiser, liang
):
    client.force_login(other_organiser)

    page = detail(client, liang)

    assert "Liang ShuYing" in page
    assert "liang@example.org" not in page
    assert liang.feed_token not in page
    assert reverse("events:trainer_edit", args=[liang.pk]) not in page
    assert "Only the organisers of a workshop this trainer teaches" in page


def test_another_organiser_cannot_rename_a_trainer_or_change_their_email(
    client, other_organiser, liang
):
    client.force_login(other_organiser)
    url = reverse("events:trainer_edit", args=[liang.pk])

    response = client.post(url, {"name": "Someone Else", "email": "attacker@example.org"})

    assert response.status_code == 404
    liang.refresh_from_db()
    assert (liang.name, liang.email) == ("Liang ShuYing", "liang@example.org")


def test_whoever_adds_a_trainer_may_change_them_before_they_teach(client, other_organiser):
    client.force_login(other_organiser)

    added = client.post(
        reverse("events:trainer_create"), {"name": "Huang TaiYun", "email": "huang@example.org"}
    )
    trainer = Trainer.objects.get(name="Huang TaiYun")
    assert added.status_code == 302
    assert trainer.created_by == other_organiser

    edited = client.post(
        reverse("events:trainer_edit", args=[trainer.pk]),
        {"name": "Huang Taiyun", "email": "huang@example.org"},
    )
    assert edited.status_code == 302
    trainer.refresh_from_db()
    assert trainer.name == "Huang Taiyun"
    assert "huang@example.org" in detail(client, trainer)


def test_another_organiser_cannot_replace_a_trainers_calendar_link(client, other_organiser, liang):
    client.force_login(other_organiser)
    before = liang.feed_token

    response = client.post(reverse("events:trainer_feed_reissue", args=[liang.pk]))

    assert response.status_code == 404
    liang.refresh_from_db()
    assert liang.feed_token == before


def test_trainer_detail_links_the_timetables_its_reader_organises_only(
    client, organiser, workshop, make_workshop, make_session, liang
):
    kunming = make_workshop(title="Kunming Workshop", slug="kunming", status="published")
    make_session(kunming, title="Kunming lecture", trainers=[liang])
    client.force_login(organiser)

    page = detail(client, liang)

    assert reverse("events:timetable", args=[workshop.slug]) in page
    assert reverse("events:timetable", args=[kunming.slug]) not in page
    assert "Kunming Workshop" in page


def test_trainer_teaching_answers_rows_and_leaves_the_workshops_as_read(organiser, liang):
    # A result of its own (workshop, sessions, organised), not an attribute glued onto the
    # workshop instance.
    (taught,) = trainer_teaching(liang, organiser)
    assert (taught.workshop.slug, [s.title for s in taught.sessions], taught.organised) == (
        "national-anti-trafficking-workshop-2007",
        ["Session"],
        True,
    )
    assert not hasattr(taught.workshop, "is_organised")

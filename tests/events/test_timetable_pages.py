"""The organiser's timetable and session pages: what they show and what they change."""

import pytest
from django.urls import reverse

from events.models import Session
from tests.conftest import at
from tests.events.conftest import post_new_session

# Day, start and end of a new session that overlaps ``session`` (27 August, 9:00 to 10:30).
OVERLAPPING = ("2007-08-27", "10:00", "11:00")


@pytest.mark.django_db
def test_timetable_shows_local_times_in_the_workshops_time_zone(
    organiser_client, workshop, session
):
    response = organiser_client.get(reverse("events:timetable", args=[workshop.slug]))
    html = response.content.decode()
    # 09:00 in Lijiang is 01:00 UTC: the page must show the wall-clock time where it happens.
    assert 'datetime="2007-08-27T09:00:00+08:00">09:00</time>' in html
    assert ">01:00<" not in html
    assert "Monday 27 August 2007" in html
    assert "Trafficking definitions" in html
    assert "Prof. Liang ShuYing" in html
    assert "Jade Hall, Guanfang Hotel" in html
    # Every day of the workshop has its section, sessions or not.
    assert "Sunday 26 August 2007" in html
    assert "Friday 31 August 2007" in html
    assert "No sessions on this day yet." in html


@pytest.mark.django_db
def test_timetable_shows_cancelled_sessions_struck_through(organiser_client, workshop, session):
    organiser_client.post(reverse("events:session_cancel", args=[workshop.slug, session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    html = organiser_client.get(reverse("events:timetable", args=[workshop.slug])).content.decode()
    assert "<s>Trafficking definitions</s>" in html
    assert '<span class="badge bad">Cancelled</span>' in html
    assert "Schedule again" in html


@pytest.mark.django_db
def test_timetable_lists_existing_clashes_naming_both_sessions(
    organiser_client, workshop, session, trainer, make_session
):
    # Saved behind the forms' back (an import, the admin): the timetable must still say so.
    make_session(
        workshop,
        title="Victim protection",
        starts_at=at(27, 10),
        ends_at=at(27, 11),
        trainers=[trainer],
    )
    html = organiser_client.get(reverse("events:timetable", args=[workshop.slug])).content.decode()
    assert "1 clash" in html
    assert "Prof. Liang ShuYing also teaches “Victim protection”" in html
    assert html.count('<span class="badge bad">Clash</span>') == 2


@pytest.mark.django_db
def test_session_form_makes_local_times_aware_in_the_workshops_zone(
    organiser_client, workshop, trainer
):
    response = post_new_session(
        organiser_client,
        workshop,
        "2007-08-28",
        "14:00",
        "15:30",
        title="Prosecution of traffickers",
        new_room="Jade Hall",
        trainers=[trainer.pk],
    )
    assert response.status_code == 302
    created = Session.objects.get(title="Prosecution of traffickers")
    assert created.starts_at == at(28, 14)
    assert created.ends_at == at(28, 15, 30)
    assert list(created.trainers.all()) == [trainer]
    assert created.room.name == "Jade Hall"
    assert created.room.venue == workshop.venue


@pytest.mark.django_db
def test_session_form_refuses_a_trainer_clash_naming_trainer_and_other_session(
    organiser_client, workshop, session, trainer
):
    response = post_new_session(
        organiser_client, workshop, *OVERLAPPING, title="Victim protection", trainers=[trainer.pk]
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["trainers"] == [
        "Prof. Liang ShuYing also teaches “Trafficking definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]
    assert "Nothing was saved" in response.content.decode()
    assert not Session.objects.filter(title="Victim protection").exists()


@pytest.mark.django_db
def test_session_form_refuses_a_room_clash(organiser_client, workshop, session):
    response = post_new_session(
        organiser_client,
        workshop,
        *OVERLAPPING,
        title="Group work",
        kind=Session.Kind.GROUP_WORK,
        room=session.room_id,
    )
    assert response.context["form"].errors["room"] == [
        "Jade Hall, Guanfang Hotel is also booked for “Trafficking definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_session_form_refuses_an_end_before_the_start(organiser_client, workshop):
    response = post_new_session(
        organiser_client, workshop, "2007-08-27", "11:00", "10:00", title="Backwards"
    )
    assert response.context["form"].errors["end_time"] == ["A session must end after it starts."]
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_session_edit_moves_and_raises_the_calendar_revision(organiser_client, workshop, session):
    response = organiser_client.post(
        reverse("events:session_edit", args=[workshop.slug, session.pk]),
        {
            "title": "Trafficking definitions",
            "kind": Session.Kind.LECTURE,
            "day": "2007-08-29",
            "start_time": "09:30",
            "end_time": "11:00",
            "room": session.room_id,
            "trainers": [t.pk for t in session.trainers.all()],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (at(29, 9, 30), at(29, 11))
    assert session.sequence == 1


@pytest.mark.django_db
def test_session_move_refuses_a_clash_and_keeps_the_old_time(
    organiser_client, workshop, session, trainer, make_session
):
    make_session(
        workshop,
        title="Victim protection",
        starts_at=at(28, 9),
        ends_at=at(28, 10),
        trainers=[trainer],
    )
    response = organiser_client.post(
        reverse("events:session_move", args=[workshop.slug, session.pk]),
        {"day": "2007-08-28", "start_time": "09:30", "end_time": "10:30"},
    )
    assert response.status_code == 200
    assert "also teaches “Victim protection”" in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == at(27, 9)


@pytest.mark.django_db
def test_timetable_shows_every_change_at_once_despite_its_cache(
    organiser_client, workshop, session, trainer, make_workshop, make_session
):
    url = reverse("events:timetable", args=[workshop.slug])
    assert "Trafficking definitions" in organiser_client.get(url).content.decode()

    session.title = "Definitions of trafficking"
    session.save()
    assert "Definitions of trafficking" in organiser_client.get(url).content.decode()

    trainer.name = "Liang Shuying"
    trainer.save()
    assert "Prof. Liang Shuying" in organiser_client.get(url).content.decode()

    session.room.name = "Jade Room"
    session.room.save()
    assert "Jade Room, Guanfang Hotel" in organiser_client.get(url).content.decode()

    # Another workshop books the same trainer at the same time: the clash shows here.
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    make_session(elsewhere, title="Kunming lecture", starts_at=at(27, 10), ends_at=at(27, 11),
                 trainers=[trainer])  # fmt: skip
    html = organiser_client.get(url).content.decode()
    # Another organiser's workshop and session are not named, only that the trainer is busy.
    assert "Prof. Liang Shuying is busy in another workshop at that time" in html
    assert "Kunming" not in html

    # The workshop moves to another time zone: the same instants, other wall-clock times.
    workshop.timezone = "Asia/Bangkok"
    workshop.save()
    html = organiser_client.get(url).content.decode()
    assert 'datetime="2007-08-27T08:00:00+07:00">08:00</time>' in html

    # A cancelled session, elsewhere: the clash goes.
    Session.objects.filter(title="Kunming lecture").get().delete()
    assert "Kunming lecture" not in organiser_client.get(url).content.decode()


@pytest.mark.django_db
def test_session_reinstate_asks_then_schedules_again(organiser_client, workshop, session):
    organiser_client.post(reverse("events:session_cancel", args=[workshop.slug, session.pk]))
    url = reverse("events:session_reinstate", args=[workshop.slug, session.pk])
    html = organiser_client.get(url).content.decode()
    assert "Schedule “Trafficking definitions” again?" in html
    assert "Monday 27 August 2007, 09:00\N{EN DASH}10:30" in html
    session.refresh_from_db()
    assert session.is_cancelled
    response = organiser_client.post(url, follow=True)
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    assert "“Trafficking definitions” is scheduled again." in response.content.decode()

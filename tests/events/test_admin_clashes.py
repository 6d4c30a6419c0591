"""The admin refuses what the organiser's form refuses: no trainer and no room in two places
at once, with the same message on the same field, and nothing saved."""

import pytest
from django.contrib.auth import get_user_model

from events.models import Room, Session, Workshop
from tests.conftest import at
from tests.events.conftest import post_new_session
from tests.test_admin import session_form, url, workshop_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(client):
    client.force_login(
        get_user_model().objects.create_superuser("site-admin", "site-admin@example.org", None)
    )
    return client


@pytest.fixture
def hall():
    return Room.objects.create(name="Hall A", venue="Guesthouse")


def organisers_form_errors(client, make_user, workshop, day, start, end, **fields) -> dict:
    """What the organiser's session form says of a new lecture with these values."""
    organiser = make_user("planner")
    workshop.organisers.add(organiser)
    client.force_login(organiser)
    response = post_new_session(client, workshop, day, start, end, title="Prevention", **fields)
    assert response.status_code == 200
    return response.context["form"].errors


def inline_errors(response) -> list[dict]:
    formsets = response.context["inline_admin_formsets"]
    (sessions,) = [f.formset for f in formsets if f.formset.prefix == "sessions"]
    return sessions.errors


def test_workshop_admin_refuses_an_inline_session_booking_a_trainer_twice(
    site_admin, client, workshop, make_workshop, make_session, make_user, huang
):
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    make_session(
        elsewhere,
        title="Kunming lecture",
        starts_at=at(27, 10),
        ends_at=at(27, 12),
        trainers=[huang],
    )
    response = site_admin.post(
        url(type(workshop), "change", workshop.pk),
        workshop_form(
            workshop,
            sessions=[
                {
                    "title": "Prevention",
                    "day": "2007-08-27",
                    "start": "11:00",
                    "end": "12:00",
                    "trainers": [huang],
                },
            ],
        ),
    )
    assert response.status_code == 200
    message = (
        "Huang TaiYun is busy in another workshop at that time "
        "(Monday 27 August 2007, 10:00 Asia/Shanghai)."
    )
    assert inline_errors(response) == [{"trainers": [message]}]
    assert not workshop.sessions.exists()
    # The organiser's form says the same, of the same values.
    errors = organisers_form_errors(
        client, make_user, workshop, "2007-08-27", "11:00", "12:00", trainers=[huang.pk]
    )
    assert errors["trainers"] == [message]


def test_workshop_admin_refuses_two_new_rows_in_one_room_at_once(
    site_admin, workshop, make_session, hall
):
    data = workshop_form(
        workshop,
        sessions=[
            {"title": "Definitions", "day": "2007-08-27", "start": "09:00", "end": "11:00"},
            {"title": "Prevention", "day": "2007-08-27", "start": "10:00", "end": "12:00"},
        ],
    )
    data.update({"sessions-0-room": hall.pk, "sessions-1-room": hall.pk})
    response = site_admin.post(url(type(workshop), "change", workshop.pk), data)
    assert response.status_code == 200
    assert inline_errors(response) == [
        {
            "room": [
                "Hall A, Guesthouse is also booked for “Prevention” "
                "(National Anti-Trafficking Workshop, Monday 27 August 2007, 10:00)."
            ]
        },
        {
            "room": [
                "Hall A, Guesthouse is also booked for “Definitions” "
                "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
            ]
        },
    ]
    assert not workshop.sessions.exists()


def test_workshop_admin_lets_two_sessions_swap_their_times(
    site_admin, workshop, make_session, hall, huang
):
    # Back to back in the hall, both taught by Huang: 9:00 to 10:00, then 10:00 to 11:00.
    first, second = (
        make_session(
            workshop,
            title=title,
            starts_at=at(27, hour),
            ends_at=at(27, hour + 1),
            room=hall,
            trainers=[huang],
        )
        for title, hour in [("First", 9), ("Second", 10)]
    )
    data = workshop_form(workshop)
    data.update({"sessions-TOTAL_FORMS": "2", "sessions-INITIAL_FORMS": "2"})
    for i, (session, start, end) in enumerate(
        [(first, "10:00", "11:00"), (second, "09:00", "10:00")]
    ):
        data.update(
            {
                f"sessions-{i}-id": session.pk,
                f"sessions-{i}-workshop": workshop.pk,
                f"sessions-{i}-title": session.title,
                f"sessions-{i}-kind": "lecture",
                f"sessions-{i}-starts_at_0": "2007-08-27",
                f"sessions-{i}-starts_at_1": start,
                f"sessions-{i}-ends_at_0": "2007-08-27",
                f"sessions-{i}-ends_at_1": end,
                f"sessions-{i}-room": hall.pk,
                f"sessions-{i}-trainers": [huang.pk],
            }
        )
    response = site_admin.post(url(type(workshop), "change", workshop.pk), data)
    assert response.status_code == 302, inline_errors(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.starts_at, second.starts_at) == (at(27, 10), at(27, 9))


def move_into_definitions(
    client, workshop, make_session, hall, huang, *, definitions_end, moved_end
):
    """“Definitions” from 09:00 in the hall with Huang; “Legislation” moved by the session
    admin to 10:00-``moved_end`` in the same hall with the same trainer."""
    make_session(
        workshop,
        title="Definitions",
        starts_at=at(27, 9),
        ends_at=at(27, definitions_end),
        room=hall,
        trainers=[huang],
    )
    moved = make_session(workshop, title="Legislation", starts_at=at(27, 14), ends_at=at(27, 15))
    response = client.post(
        url(Session, "change", moved.pk),
        session_form(
            moved, starts_at_1="10:00", ends_at_1=moved_end, room=hall.pk, trainers=[huang.pk]
        ),
    )
    return moved, response


def test_session_admin_refuses_a_trainer_and_a_room_booked_twice(
    site_admin, client, workshop, make_session, make_user, huang, hall
):
    moved, response = move_into_definitions(
        site_admin, workshop, make_session, hall, huang, definitions_end=11, moved_end="12:00"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    trainer_message = (
        "Huang TaiYun also teaches “Definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    )
    room_message = (
        "Hall A, Guesthouse is also booked for “Definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    )
    assert (errors["trainers"], errors["room"]) == ([trainer_message], [room_message])
    moved.refresh_from_db()
    assert (moved.starts_at, moved.room, list(moved.trainers.all())) == (at(27, 14), None, [])
    # The organiser's form: the same messages on the same fields.
    errors = organisers_form_errors(
        client,
        make_user,
        workshop,
        "2007-08-27",
        "10:00",
        "12:00",
        room=hall.pk,
        trainers=[huang.pk],
    )
    assert (errors["trainers"], errors["room"]) == ([trainer_message], [room_message])


def test_session_admin_add_page_refuses_a_room_booked_twice(
    site_admin, workshop, make_session, hall
):
    make_session(workshop, title="Definitions", starts_at=at(27, 9), ends_at=at(27, 11), room=hall)
    data = {
        "workshop": workshop.pk,
        "title": "Prevention",
        "kind": "lecture",
        "status": "scheduled",
        "starts_at_0": "2007-08-27",
        "starts_at_1": "10:30",
        "ends_at_0": "2007-08-27",
        "ends_at_1": "11:30",
        "room": hall.pk,
    }
    response = site_admin.post(url(Session, "add") + f"?workshop={workshop.pk}", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["room"] == [
        "Hall A, Guesthouse is also booked for “Definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]
    assert list(Session.objects.values_list("title", flat=True)) == ["Definitions"]


def test_session_admin_saves_a_session_that_clashes_with_nothing(
    site_admin, workshop, make_session, hall, huang
):
    moved, response = move_into_definitions(
        site_admin, workshop, make_session, hall, huang, definitions_end=10, moved_end="11:00"
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert (moved.starts_at, moved.room, moved.sequence) == (at(27, 10), hall, 1)


def test_admin_refuses_to_change_a_completed_workshops_timetable(
    site_admin, workshop, make_session
):
    session = make_session(workshop, title="Definitions", starts_at=at(27, 9), ends_at=at(27, 10))
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.COMPLETED)
    workshop.refresh_from_db()
    refusal = (
        "This workshop is completed: its timetable is read-only. Reopen the workshop "
        "(on its overview) to correct it."
    )
    response = site_admin.post(
        url(Session, "change", session.pk),
        session_form(session, starts_at_1="11:00", ends_at_1="12:00"),
    )
    assert response.context["adminform"].form.non_field_errors() == [refusal]
    data = workshop_form(
        workshop,
        sessions=[
            {"title": "Late addition", "day": "2007-08-28", "start": "09:00", "end": "10:00"}
        ],
    )
    data["sessions-INITIAL_FORMS"] = "0"
    response = site_admin.post(url(Workshop, "change", workshop.pk), data)
    (sessions,) = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "sessions"
    ]
    assert sessions.non_form_errors() == [refusal]
    assert list(Session.objects.values_list("title", "starts_at")) == [("Definitions", at(27, 9))]


def test_session_admin_saves_through_the_service_and_tells_the_webhooks(
    site_admin, workshop, make_session, hall, huang
):
    from integrations.models import Webhook, WebhookDelivery

    owner = get_user_model().objects.get(username="site-admin")
    Webhook.objects.create(
        owner=owner, workshop=workshop, url="https://example.org/hook", events=["session.moved"]
    )
    moved, response = move_into_definitions(
        site_admin, workshop, make_session, hall, huang, definitions_end=10, moved_end="11:00"
    )
    assert response.status_code == 302
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.event, delivery.payload["data"]["session"]) == ("session.moved", moved.pk)


def test_workshop_admin_adds_a_workshop_as_a_draft_whatever_is_posted(site_admin):
    response = site_admin.post(url(Workshop, "add"), workshop_form(status="published"))
    assert response.status_code == 302
    assert Workshop.objects.get(slug="lijiang").status == Workshop.Status.DRAFT

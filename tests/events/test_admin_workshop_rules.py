"""The workshop admin refuses what the organisers' form refuses, with the same messages beside
the same fields, and saves through the same services (``create_workshop``,
``update_workshop``): nothing is saved when a rule says no."""

from datetime import date

import pytest
from django.urls import reverse

from events.models import Room, Session, Workshop
from tests import factories
from tests.conftest import at
from tests.events.conftest import workshop_form

pytestmark = pytest.mark.django_db

CAPACITY_REFUSAL = (
    "3 seats are already confirmed: the capacity cannot be lower than 3. Cancel "
    "registrations first to lower it."
)


def change_url(workshop):
    return reverse("admin:events_workshop_change", args=[workshop.pk])


def admin_post(workshop, **fields) -> dict:
    """The admin's change page for ``workshop`` posted back as it stands, but ``fields``:
    the organisers' fields, the admin's own, and its empty inlines."""
    return workshop_form(
        workshop,
        **{
            "venue": workshop.venue,
            "city": workshop.city,
            "completion_share": str(workshop.completion_share),
            "retention_months": str(workshop.retention_months),
            **{f"registration_{end}_at_{i}": "" for end in ("opens", "closes") for i in (0, 1)},
            **{
                f"{inline}-{count}_FORMS": "0"
                for inline in ("agency_roles", "sessions")
                for count in ("TOTAL", "INITIAL")
            },
            **fields,
        },
    )


def test_capacity_below_the_confirmed_seats_is_refused_in_the_admin_as_in_the_form(
    admin_client, client, workshop, organiser
):
    for number in range(3):
        factories.registration(workshop, f"Person {number}")
    client.force_login(organiser)

    organisers = client.post(
        reverse("events:workshop_edit", args=[workshop.slug]),
        workshop_form(workshop, capacity="2"),
    )
    admins = admin_client.post(change_url(workshop), admin_post(workshop, capacity="2"))

    assert organisers.context["form"].errors["capacity"] == [CAPACITY_REFUSAL]
    assert admins.status_code == 200
    assert admins.context["adminform"].form.errors == {"capacity": [CAPACITY_REFUSAL]}
    assert Workshop.objects.get(pk=workshop.pk).capacity == 30
    # The seats taken exactly is allowed, in the admin too.
    assert admin_client.post(change_url(workshop), admin_post(workshop, capacity="3")).url
    assert Workshop.objects.get(pk=workshop.pk).capacity == 3


def test_dates_that_leave_a_session_outside_are_refused_and_nothing_is_saved(
    admin_client, workshop, make_session
):
    make_session(workshop, title="Closing", starts_at=at(31, 9), ends_at=at(31, 10))

    response = admin_client.post(
        change_url(workshop), admin_post(workshop, end_date="2007-08-30", title="Renamed")
    )

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["start_date"]
    assert message.startswith("These sessions would fall outside the new dates; move them first")
    assert "“Closing”" in message
    assert Workshop.objects.filter(pk=workshop.pk, title=workshop.title).exists()


def test_a_new_zone_keeps_the_sessions_local_times_through_the_service(
    admin_client, workshop, make_session
):
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))

    response = admin_client.post(
        change_url(workshop), admin_post(workshop, timezone="Europe/Paris"), follow=True
    )

    assert any(
        str(m).startswith("The time zone changed from Asia/Shanghai to Europe/Paris.")
        for m in response.context["messages"]
    )
    session.refresh_from_db()
    assert session.workshop.local(session.starts_at).strftime("%d %H:%M") == "27 09:00"
    assert session.sequence == 1


def test_a_new_venue_takes_the_old_venues_rooms_off_the_sessions(
    admin_client, make_workshop, make_session
):
    workshop = make_workshop(venue="Guanfang Hotel")
    room = Room.objects.create(name="Hall A", venue="Guanfang Hotel")
    session = make_session(workshop, room=room)

    response = admin_client.post(
        change_url(workshop), admin_post(workshop, venue="Lijiang Hotel"), follow=True
    )

    assert any(
        "1 session no longer has a room of the old venue" in str(m)
        for m in response.context["messages"]
    )
    assert Session.objects.get(pk=session.pk).room is None


def test_a_workshop_added_in_the_admin_is_a_draft_made_by_the_service(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:events_workshop_add"),
        {
            **admin_post(Workshop(**WORKSHOP_FIELDS)),
            "is_sample": "on",
            "organisers": [admin_user.pk],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    made = Workshop.objects.get()
    assert (made.status, made.is_sample, made.slug) == ("draft", True, "lijiang-2007")
    assert list(made.organisers.all()) == [admin_user]


WORKSHOP_FIELDS = {
    "title": "Lijiang Workshop",
    "slug": "lijiang-2007",
    "start_date": date(2007, 8, 26),
    "end_date": date(2007, 8, 31),
    "timezone": "Asia/Shanghai",
    "capacity": 30,
}

"""The roster's actions on one or many registrations."""

import re

import pytest
from django.core import mail

from tests.participants.roster_support import (
    Status,
    messages_of,
    roster_url,
    statuses,
)

# --- Actions on one or many ----------------------------------------------------------------


def post_action(client, workshop, action, registrations, **extra):
    return client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": action, "registration": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_bulk_approve_fills_seats_in_order_then_waitlists(
    client, workshop, organiser, register, django_capture_on_commit_callbacks
):
    workshop.capacity = 3
    workshop.requires_approval = True
    workshop.save()
    register("Already In")
    pending = [
        register(name, Status.PENDING, email=f"{name.lower()}@example.org")
        for name in ("Ana", "Bea", "Cai")
    ]
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, workshop, "approve", reversed(pending))

    # Two seats were left: the two who registered first take them, whatever the order posted.
    assert statuses(*pending) == ["confirmed", "confirmed", "waitlisted"]
    assert messages_of(response) == [
        "2 approved; 1 could not be approved (Cai): the workshop is full or people are "
        "waiting, so they joined the waiting list."
    ]
    # The services' e-mails went out, one to each person acted on.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "bea@example.org",
        "cai@example.org",
    ]
    assert response.redirect_chain[-1][0] == roster_url(workshop)


def test_bulk_approve_reports_refusals_by_reason(client, workshop, organiser, register):
    workshop.requires_approval = True
    workshop.capacity = 1
    workshop.save()
    pending = register("Pending Person", Status.PENDING)
    confirmed = register("Confirmed Person")
    waitlisted = register("Waiting Person", Status.WAITLISTED)
    client.force_login(organiser)

    response = post_action(client, workshop, "approve", [pending, confirmed, waitlisted])

    # The one seat is taken: the approved registration queues behind the one waiting.
    assert statuses(pending, confirmed, waitlisted) == ["waitlisted", "confirmed", "waitlisted"]
    assert messages_of(response) == [
        "1 could not be approved (Pending Person): the workshop is full or people are "
        "waiting, so they joined the waiting list; 1 could not be approved (Confirmed "
        "Person): they already are “Confirmed”; 1 could not be approved (Waiting Person): "
        "A registration that is “On the waiting list” cannot be approved."
    ]


def test_bulk_decline_frees_seat_for_the_waiting_list(client, workshop, organiser, register):
    workshop.capacity = 1
    workshop.save()
    seated = register("Seated")
    first = register("First Waiting", Status.WAITLISTED, waited=1)
    second = register("Second Waiting", Status.WAITLISTED, waited=2)
    client.force_login(organiser)

    response = post_action(client, workshop, "decline", [seated])

    assert statuses(seated, first, second) == ["declined", "confirmed", "waitlisted"]
    assert messages_of(response) == ["1 declined."]


def test_bulk_cancel_many(client, workshop, organiser, register):
    people = [register(f"Person {n}") for n in range(3)]
    gone = register("Gone", Status.CANCELLED)
    client.force_login(organiser)

    response = post_action(client, workshop, "cancel", [*people, gone])

    assert statuses(*people, gone) == ["cancelled"] * 4
    assert messages_of(response) == [
        "3 cancelled; 1 could not be cancelled (Gone): they already are “Cancelled”."
    ]


def test_bulk_waitlist_confirms_when_a_seat_is_free(client, workshop, organiser, register):
    workshop.requires_approval = True
    workshop.save()
    pending = register("Lucky", Status.PENDING)
    client.force_login(organiser)

    response = post_action(client, workshop, "waitlist", [pending])

    assert statuses(pending) == ["confirmed"]
    assert messages_of(response) == [
        "1 could not be moved to the waiting list (Lucky): a seat was free, so they were confirmed."
    ]


def test_bulk_ignores_other_workshops_registrations(
    client, workshop, organiser, register, make_workshop
):
    mine = register("Mine")
    theirs = register("Theirs", to=make_workshop(slug="theirs"))
    client.force_login(organiser)

    response = post_action(client, workshop, "cancel", [mine, theirs])

    assert statuses(mine, theirs) == ["cancelled", "confirmed"]
    assert messages_of(response) == ["1 cancelled."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "cancel"}, "Select at least one registration first."),
        (
            {"action": "explode", "registration": ["1"]},
            "Choose what to do with the selected registrations.",
        ),
        (
            {"action": "cancel", "registration": ["x", "999999"]},
            "Select at least one registration first.",
        ),
    ],
)
def test_bulk_without_a_choice_says_what_is_missing(client, workshop, organiser, data, message):
    client.force_login(organiser)

    response = client.post(roster_url(workshop, "registrations_bulk"), data, follow=True)

    assert messages_of(response) == [message]


def test_bulk_returns_to_the_filtered_roster(client, workshop, organiser, register):
    person = register("Filtered", Status.PENDING)
    client.force_login(organiser)

    response = client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": "decline", "registration": [person.pk], "filters": "status=pending&gender="},
    )

    assert response["Location"] == roster_url(workshop) + "?status=pending&gender="


def test_bulk_from_the_page_round_trip(client, workshop, organiser, register):
    """The roster's own form posts what the bulk view reads."""
    workshop.requires_approval = True
    workshop.save()
    person = register("Round Trip", Status.PENDING)
    client.force_login(organiser)
    page = client.get(roster_url(workshop), {"status": "pending"}).content.decode()

    form = re.search(r'<form method="post" action="([^"]+)" id="roster">', page)
    filters = re.search(r'name="filters" value="([^"]*)"', page).group(1)
    assert form.group(1) == roster_url(workshop, "registrations_bulk")
    assert f'name="registration" value="{person.pk}"' in page
    assert 'name="action" value="approve"' in page

    response = client.post(
        form.group(1), {"action": "approve", "registration": [person.pk], "filters": filters}
    )

    assert statuses(person) == ["confirmed"]
    assert response["Location"] == roster_url(workshop) + "?status=pending"

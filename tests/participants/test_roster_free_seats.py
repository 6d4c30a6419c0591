"""Seats freed by a capacity raise, offered to the waiting list from the roster."""

import html
import re

import pytest
from django.core import mail

from tests.participants.roster_support import (
    Status,
    messages_of,
    roster_url,
    statuses,
)

# --- Seats freed by a capacity raise ----------------------------------------------------------


@pytest.fixture
def raised(workshop, register):
    """Two seats, both taken, four waiting; then the capacity goes up to five. The queue is
    by the time each joined it, not by arrival: Dan (created last) joined first."""
    workshop.capacity = 2
    workshop.save()
    register("Ann")
    register("Bob")
    waiting = {
        "cat": register("Cat", Status.WAITLISTED, waited=2),
        "eve": register("Eve", Status.WAITLISTED, waited=3),
        "fay": register("Fay", Status.WAITLISTED, waited=4),
        "dan": register("Dan", Status.WAITLISTED, waited=1, preferred_language="zh-hans"),
    }
    workshop.capacity = 5
    workshop.save()
    return waiting


def free_seats_banner(response) -> str | None:
    found = re.search(r'<section[^>]*id="free-seats".*?</section>', response.content.decode(), re.S)
    return (
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()) if found else None
    )


def test_roster_offers_free_seats_to_the_waiting_list(client, workshop, organiser, raised):
    client.force_login(organiser)

    response = client.get(roster_url(workshop), {"status": "waitlisted"})

    assert free_seats_banner(response) == (
        "3 seats are free and 4 people are waiting "
        "The capacity was raised while people were on the waiting list. Offering the seats "
        "confirms the first 3 people on the list, in the order they joined it, and tells them "
        "by e-mail. Offer the free seats to the waiting list"
    )
    page = response.content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
                     r'name="csrfmiddlewaretoken"[^>]*>\s*<input type="hidden" name="filters" '
                     r'value="([^"]*)">', page)  # fmt: skip
    assert form.groups() == (roster_url(workshop, "registrations_promote"), "status=waitlisted")


def test_offering_free_seats_promotes_the_queue_in_order_and_tells_them(
    client, workshop, organiser, raised, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roster_url(workshop, "registrations_promote"),
            {"filters": "status=waitlisted"},
            follow=True,
        )

    assert statuses(raised["dan"], raised["cat"], raised["eve"], raised["fay"]) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert messages_of(response) == [
        "3 people moved from the waiting list to confirmed, in the order they joined it: "
        "Dan, Cat, Eve. They are told by e-mail if they have an address."
    ]
    assert response.redirect_chain[-1][0] == roster_url(workshop) + "?status=waitlisted"
    # Every seat taken now: nothing left to offer.
    assert free_seats_banner(response) is None
    assert response.context["counts"].confirmed == 5
    assert [r.waitlist_position for r in response.context["registrations"]] == [1]
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {r.participant.email for r in (raised["dan"], raised["cat"], raised["eve"])}
    assert sent[raised["cat"].participant.email].subject == (
        "A seat is yours: National Anti-Trafficking Workshop"
    )
    assert "you have moved from the waiting list to confirmed" in " ".join(
        sent[raised["cat"].participant.email].body.split()
    )
    # Each in their own language, with the sessions' invitation attached.
    assert sent[raised["dan"].participant.email].subject.startswith("您已获得座位")
    assert all("text/calendar" in str(m.message()) for m in sent.values())


def test_offering_more_seats_than_people_waiting(client, workshop, organiser, register):
    workshop.capacity = 10
    workshop.save()
    register("Ann")
    waiting = register("Cat", Status.WAITLISTED)
    client.force_login(organiser)

    banner = free_seats_banner(client.get(roster_url(workshop)))
    response = client.post(roster_url(workshop, "registrations_promote"), follow=True)

    assert banner.startswith(
        "9 seats are free and 1 person is waiting The capacity was raised while people were "
        "on the waiting list. Offering the seats confirms the first person on the list and "
        "tells them by e-mail."
    )
    assert statuses(waiting) == ["confirmed"]
    assert messages_of(response) == [
        "1 person moved from the waiting list to confirmed: Cat. They are told by e-mail if "
        "they have an address."
    ]
    assert free_seats_banner(response) is None


@pytest.mark.parametrize(
    "situation",
    ["nobody waits", "full with a queue", "workshop cancelled", "workshop completed"],
)
def test_no_free_seats_offer_when_there_is_nothing_to_do(
    client, workshop, organiser, register, situation, mailoutbox
):
    workshop.capacity = 2
    workshop.save()
    register("Ann")
    waiting = []
    if situation != "nobody waits":
        waiting.append(register("Cat", Status.WAITLISTED))
    if situation == "full with a queue":
        register("Bob")
    if situation.startswith("workshop"):
        workshop.status = situation.removeprefix("workshop ")
        workshop.save()
    client.force_login(organiser)

    response = client.get(roster_url(workshop))
    # A stale page (or a second click) changes nothing and says so.
    posted = client.post(roster_url(workshop, "registrations_promote"), follow=True)

    assert free_seats_banner(response) is None
    assert "Offer the free seats" not in response.content.decode()
    assert messages_of(posted) == ["No seat is free for the waiting list: nothing changed."]
    assert statuses(*waiting) == ["waitlisted"] * len(waiting)
    assert mailoutbox == []


def test_free_seats_offer_in_chinese(client, workshop, organiser, raised):
    client.force_login(organiser)

    response = client.get(roster_url(workshop), HTTP_ACCEPT_LANGUAGE="zh-hans")

    banner = free_seats_banner(response)
    assert banner.startswith("有 3 个空余名额，4 人正在候补")  # noqa: RUF001
    assert banner.endswith("将空余名额提供给候补名单")

"""The organisers' registrations pages: who may see them and who may act on them."""

import pytest
from django.urls import reverse

from tests.participants.roster_support import Status, roster_url, statuses

# --- Who may see the pages ----------------------------------------------------------------

GET_PAGES = [
    ("registrations", {}),
    ("registrations_export", {}),
    ("nominations_import", {}),
    ("nominations_template", {"fmt": "csv"}),
]


@pytest.mark.parametrize(("page", "kwargs"), GET_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("organiser", 200),
        ("superuser", 200),
        ("other_organiser", 404),
        ("funder", 404),
        ("stranger", 404),
        ("anonymous", 302),
        ("participant", 302),
    ],
)
def test_pages_answer_each_persona(
    request, client, workshop, participant_registration, make_user, page, kwargs, persona, expected
):
    if persona == "superuser":
        client.force_login(make_user("root", is_superuser=True, is_staff=True))
    elif persona == "stranger":
        client.force_login(make_user("stranger"))
    elif persona == "participant":
        # A participant holds only their personal link: no account, no way in here.
        client.get(f"/r/{participant_registration.token}/")
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = roster_url(workshop, page, **kwargs)

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if expected == 404:
        assert b"Li Mei" not in response.content
        assert b"li.mei@example.org" not in response.content


@pytest.mark.parametrize("persona", ["other_organiser", "funder", "anonymous"])
def test_actions_refused_to_others_change_nothing(
    request, client, workshop, participant_registration, register, persona, mailoutbox
):
    # A seat is free while someone waits: the offer to the waiting list would move them.
    waiting = register("Waiting", Status.WAITLISTED)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    token = participant_registration.token
    feed_token = participant_registration.feed_token

    bulk = client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": "cancel", "registration": [participant_registration.pk]},
    )
    new_link = client.post(
        roster_url(workshop, "registration_new_link", pk=participant_registration.pk)
    )
    promote = client.post(roster_url(workshop, "registrations_promote"))

    expected = 302 if persona == "anonymous" else 404
    assert (bulk.status_code, new_link.status_code, promote.status_code) == (expected,) * 3
    participant_registration.refresh_from_db()
    assert participant_registration.status == Status.CONFIRMED
    assert participant_registration.token == token
    assert participant_registration.feed_token == feed_token
    assert statuses(waiting) == ["waitlisted"]
    assert mailoutbox == []


def test_actions_answer_get_with_method_not_allowed(client, workshop, organiser):
    client.force_login(organiser)

    assert client.get(roster_url(workshop, "registrations_bulk")).status_code == 405
    assert client.get(roster_url(workshop, "registrations_promote")).status_code == 405

"""A new personal link, sent from the roster."""

from django.core import mail

from tests.participants.roster_support import messages_of, roster_url

# --- A new personal link ------------------------------------------------------------------


def test_new_link_replaces_the_token_and_mails_it(
    client, workshop, organiser, participant_registration, django_capture_on_commit_callbacks
):
    old = participant_registration.token
    client.force_login(organiser)

    old_feed = participant_registration.feed_token

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roster_url(workshop, "registration_new_link", pk=participant_registration.pk),
            {"filters": "status=confirmed"},
            follow=True,
        )

    participant_registration.refresh_from_db()
    new = participant_registration.token
    new_feed = participant_registration.feed_token
    assert new != old
    assert new_feed != old_feed
    assert len(new) >= 43
    assert len(new_feed) >= 43
    assert messages_of(response) == [
        "Li Mei has new personal links, sent to li.mei@example.org; the old personal page and "
        "calendar links no longer work."
    ]
    page = response.content.decode()
    assert new not in page
    assert new_feed not in page
    (sent,) = mail.outbox
    assert sent.to == ["li.mei@example.org"]
    assert f"/r/{new}/" in sent.body
    assert "Your calendar link has been replaced too" in " ".join(sent.body.split())
    assert response.redirect_chain[-1][0] == roster_url(workshop) + "?status=confirmed"
    client.logout()
    assert client.get(f"/r/{old}/").status_code == 404
    assert client.get(f"/feeds/people/{old_feed}.ics").status_code == 404
    personal = client.get(f"/r/{new}/")
    assert personal.status_code == 200
    # The new page shows the new calendar link, and that link answers.
    assert f"/feeds/people/{new_feed}.ics" in personal.content.decode()
    feed = client.get(f"/feeds/people/{new_feed}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"


def test_new_link_without_email_is_shown_to_the_organiser(client, workshop, organiser, register):
    registration = register("No Mail", email="")
    client.force_login(organiser)

    response = client.post(
        roster_url(workshop, "registration_new_link", pk=registration.pk), follow=True
    )

    registration.refresh_from_db()
    assert messages_of(response) == [
        "No Mail has new personal links; the old personal page and calendar links no longer "
        "work. They have no e-mail address, so give them the new page link yourself: "
        f"http://testserver/r/{registration.token}/"
    ]


def test_new_link_for_another_workshops_registration_is_404(
    client, workshop, organiser, register, make_workshop
):
    theirs = register("Theirs", to=make_workshop(slug="theirs"))
    token = theirs.token
    feed_token = theirs.feed_token
    client.force_login(organiser)

    response = client.post(roster_url(workshop, "registration_new_link", pk=theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.token == token
    assert theirs.feed_token == feed_token

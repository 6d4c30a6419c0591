"""Every public form and the API go through one limiter (config/rate_limit.py)."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from feedback.models import Questionnaire
from integrations.tokens import create_token
from tests import factories
from tests.conftest import at_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_caches")]


LOW = {
    f"{scope}_RATE_LIMIT_{part}": value
    for scope in ("REGISTRATION", "FEEDBACK", "VERIFICATION", "PASSWORD_RESET", "API")
    for part, value in (("COUNT", 2), ("WINDOW", 600))
}


def _third_is_refused(send):
    first, second, third = send(), send(), send()
    assert first.status_code != 429
    assert second.status_code != 429
    assert third.status_code == 429, third.content[:300]
    assert 1 <= int(third["Retry-After"]) <= 600
    return third


@override_settings(**LOW)
def test_feedback_form(client, participant_registration):
    questionnaire = Questionnaire.objects.create(
        workshop=participant_registration.workshop, title="Evaluation"
    )
    url = reverse("feedback:respond", args=[participant_registration.token, questionnaire.pk])
    refused = _third_is_refused(lambda: client.post(url, {}))
    assert "Too many requests have been sent from your network" in refused.content.decode()


@override_settings(**LOW)
def test_certificate_verification(client):
    url = reverse("reports:verify_certificate", args=["ABCD-EFGH"])
    _third_is_refused(lambda: client.get(url))


@override_settings(**LOW)
def test_password_reset(client, mailoutbox):
    url = reverse("password_reset")
    _third_is_refused(lambda: client.post(url, {"email": "someone@example.org"}))


@override_settings(**LOW)
def test_registration_and_my_registrations_share_the_registration_limit(client, workshop):
    public = reverse("participants:public_workshop", args=[workshop.slug])
    mine = reverse("participants:my_registrations")
    assert client.post(public, {}).status_code != 429
    assert client.post(mine, {"email": "x@example.org"}).status_code != 429
    assert client.post(mine, {"email": "x@example.org"}).status_code == 429


@override_settings(**LOW, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_proxys_entry_counts_not_the_clients(client):
    url = reverse("reports:verify_certificate", args=["ABCD-EFGH"])

    def from_address(address, forged):
        return client.get(url, HTTP_X_FORWARDED_FOR=f"{forged}, {address}")

    # A client writing a new left-hand entry each time is still one address.
    assert from_address("203.0.113.7", "1.1.1.1").status_code == 404
    assert from_address("203.0.113.7", "2.2.2.2").status_code == 404
    assert from_address("203.0.113.7", "3.3.3.3").status_code == 429
    # Another address has its own count.
    assert from_address("203.0.113.8", "1.1.1.1").status_code == 404


@override_settings(**LOW)
def test_api_counts_per_token(client, organiser):
    _one, first = create_token(user=organiser, name="one")
    _two, second = create_token(user=organiser, name="two")

    def get(secret):
        return client.get("/api/v1/workshops/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    refused = _third_is_refused(lambda: get(first))
    assert refused.json()
    assert get(second).status_code == 200


@override_settings(**LOW)
def test_a_personal_page_is_not_limited(client, participant_registration):
    url = reverse("participants:personal", args=[participant_registration.token])
    assert {client.get(url).status_code for _ in range(4)} == {200}
    factories.registration(participant_registration.workshop, "Wang Fang")


def test_database_counter_counts_in_one_statement_and_deletes_past_windows(monkeypatch):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import config.cache

    counter = caches["rate_limit"]
    monkeypatch.setattr(config.cache, "PURGE_ONE_IN", 10**12)  # no purge by chance here
    later = timezone.now() + timedelta(minutes=10)
    counter.hit("ended", timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        counts = [counter.hit("open", later) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert len(captured.captured_queries) == 3

    monkeypatch.setattr(config.cache, "PURGE_ONE_IN", 1)  # this hit purges
    assert counter.hit("open", later) == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM rate_limit_entries")
        assert cursor.fetchall() == [(":1:open", "4")]


@pytest.mark.django_db(transaction=True)
def test_database_counter_loses_no_hit_when_servers_count_at_once(monkeypatch):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    import config.cache

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time; the race needs PostgreSQL's concurrent writers")
    monkeypatch.setattr(config.cache, "PURGE_ONE_IN", 10**12)
    later = timezone.now() + timedelta(minutes=10)

    def server():
        for _ in range(25):
            caches["rate_limit"].hit("busy", later)

    at_once([server] * 8)
    assert caches["rate_limit"].hit("busy", later) == 8 * 25 + 1

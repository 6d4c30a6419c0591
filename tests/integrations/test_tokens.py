"""API tokens: stored hashed, shown once, named, read-only, revocable, last use recorded."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.models import ApiToken
from integrations.tokens import create_token, revoke_token
from tests import factories

pytestmark = pytest.mark.django_db


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_stored_as_its_hash_only(organiser):
    token, secret = create_token(user=organiser, name="scanner")

    assert secret.startswith("wst_")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert token.prefix == secret[:8]


def test_a_token_acts_as_its_user_and_records_its_last_use(organiser, workshop):
    factories.registration(workshop, "Li Mei")
    token, secret = create_token(user=organiser, name="roster")

    response = bearer(secret).get("/api/v1/registrations/")

    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["Li Mei"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_read_only_token_reads_only(organiser, workshop):
    _token, secret = create_token(user=organiser, name="reader", read_only=True)
    client = bearer(secret)

    assert client.get("/api/v1/sessions/").status_code == 200
    response = client.post("/api/v1/agencies/", {"name": "New Agency"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"field": None, "code": "permission_denied", "message": "This token is read-only."}
    ]


def test_a_revoked_or_unknown_token_is_refused(organiser):
    token, secret = create_token(user=organiser, name="old")
    revoke_token(token=token)

    for value in (secret, "wst_made-up", "x\u00e9"):
        response = bearer(value).get("/api/v1/registrations/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_token_page_shows_a_new_secret_once_and_revokes(client, organiser):
    client.force_login(organiser)
    url = reverse("integrations:tokens")

    response = client.post(url, {"name": "Attendance scanner", "read_only": "on"}, follow=True)
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret in response.content.decode()
    assert "Attendance scanner" in response.content.decode()
    assert token.read_only

    again = client.get(url).content.decode()
    assert secret not in again
    assert token.prefix in again

    client.post(reverse("integrations:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(secret).get("/api/v1/registrations/").status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, organiser, other_organiser):
    token, _secret = create_token(user=organiser, name="mine")
    client.force_login(other_organiser)
    response = client.post(reverse("integrations:token_revoke", args=[token.pk]))
    assert response.status_code == 404

"""Registering through the API: the public form's rules, through the same service."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Session
from integrations.models import IdempotencyKey
from participants.models import Registration
from tests.conftest import at_once

PERSON = {
    "workshop": "national-anti-trafficking-workshop-2007",
    "name": "Zhao Lei",
    "gender": "male",
    "email": "zhao.lei@example.org",
}
SAME_ANSWER = {
    "workshop": "national-anti-trafficking-workshop-2007",
    "detail": "Thank you. The personal link has been sent to the e-mail address given.",
}


def post(client, data, **headers):
    return client.post(
        "/api/v1/registrations/", json.dumps(data), content_type="application/json", **headers
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``post`` whose after-commit work (the e-mails) runs, as when the request commits."""

    def send(client, data, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, data, **headers)

    return send


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.mark.django_db
def test_anonymous_registration_is_confirmed_and_told_nothing_of_the_person(
    anonymous, workshop, committed
):
    response = committed(anonymous, PERSON)

    assert response.status_code == 202
    assert response.json() == SAME_ANSWER
    registration = Registration.objects.get(participant__email="zhao.lei@example.org")
    assert (registration.status, registration.source) == ("confirmed", "api")
    assert [m.subject for m in mail.outbox] == [
        "Registration confirmed: National Anti-Trafficking Workshop"
    ]


@pytest.mark.django_db
def test_registering_again_gets_the_same_answer_and_changes_nothing(anonymous, workshop, committed):
    committed(anonymous, PERSON)
    response = committed(anonymous, {**PERSON, "name": "Someone Else"})

    assert response.status_code == 202
    assert response.json() == SAME_ANSWER
    assert Registration.objects.get().name == "Zhao Lei"
    # As on the public form: the address is told its link again.
    assert [m.subject for m in mail.outbox][1] == (
        "Your registration: National Anti-Trafficking Workshop"
    )


@pytest.mark.django_db
def test_the_window_capacity_and_approval_rules_apply(anonymous, workshop):
    workshop.capacity = 1
    workshop.save()
    post(anonymous, PERSON)
    post(anonymous, {**PERSON, "email": "wang.fang@example.org", "name": "Wang Fang"})
    assert dict(Registration.objects.values_list("name", "status")) == {
        "Zhao Lei": "confirmed",
        "Wang Fang": "waitlisted",
    }

    workshop.requires_approval = True
    workshop.save()
    post(anonymous, {**PERSON, "email": "li.na@example.org", "name": "Li Na"})
    assert Registration.objects.get(name="Li Na").status == "pending"

    workshop.registration_closes_at = timezone.now() - timedelta(hours=1)
    workshop.save()
    response = post(anonymous, {**PERSON, "email": "chen.jie@example.org"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (None, "registration_closed")
    assert error["message"].startswith("Registration closed on ")


@pytest.mark.django_db
def test_a_draft_is_not_found_and_an_organiser_registers_anyone(anonymous, workshop, organiser):
    workshop.status = "draft"
    workshop.save()
    response = post(anonymous, PERSON)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"

    client = APIClient()
    client.force_authenticate(organiser)
    response = post(client, {**PERSON, "position": "Inspector"})
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["email"], body["position"], body["source"]) == (
        "Zhao Lei",
        "zhao.lei@example.org",
        "Inspector",
        "organiser",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": None}, "name", "null"),
        ({"name": ""}, "name", "blank"),
        ({"name": "Zhao\x00Lei"}, "name", "null_characters_not_allowed"),
        ({"email": "not an address"}, "email", "invalid"),
        ({"gender": "robot"}, "gender", "invalid_choice"),
        ({"phone": "call me"}, "phone", "invalid"),
        ({"name": "x" * 256}, "name", "max_length"),
    ],
)
def test_bad_input_names_the_field_and_the_rule(anonymous, workshop, change, field, code):
    response = post(anonymous, {**PERSON, **change})

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_counts_api_registrations(anonymous, workshop, settings):
    settings.REGISTRATION_RATE_LIMIT_COUNT = 1
    assert post(anonymous, PERSON).status_code == 202
    response = post(anonymous, {**PERSON, "email": "other@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "rate_limited"


# --- Idempotency-Key ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_gets_the_first_answer_and_changes_nothing(
    anonymous, workshop, committed
):
    first = committed(anonymous, PERSON, HTTP_IDEMPOTENCY_KEY="k-1")
    again = committed(anonymous, PERSON, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Registration.objects.count() == 1
    # The repeat did not run: no second e-mail (a plain repeat would send the link again).
    assert len(mail.outbox) == 1

    other = committed(anonymous, {**PERSON, "name": "Changed"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 400
    assert other.json()["errors"][0] == {
        "field": "Idempotency-Key",
        "code": "idempotency_mismatch",
        "message": "This Idempotency-Key was used for another request.",
    }


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_with_one_key_create_one_registration(workshop):
    responses = at_once([lambda: post(APIClient(), PERSON, HTTP_IDEMPOTENCY_KEY="same")] * 2)

    assert sorted(r.status_code for r in responses) == [202, 202]
    assert responses[0].content == responses[1].content
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1
    assert IdempotencyKey.objects.filter(key="same").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_session_posts_at_once_with_one_key_create_one_session(workshop, organiser):
    body = {
        "workshop": workshop.slug,
        "title": "Opening",
        "starts_at": "2007-08-27T09:00:00+08:00",
        "ends_at": "2007-08-27T10:00:00+08:00",
    }

    def create():
        client = APIClient()
        client.force_authenticate(organiser)
        return client.post(
            "/api/v1/sessions/",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="session-1",
        )

    responses = at_once([create, create])

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Session.objects.count() == 1

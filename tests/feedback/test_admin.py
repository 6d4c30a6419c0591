"""The feedback admin: its actions go through the services; anonymous rows show no person."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from feedback.anonymity import flush
from feedback.models import Answer, Response, SealedResponse
from feedback.services import submit_response
from tests.conftest import at
from tests.feedback.conftest import answered, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", None))
    return client


def _act(client, model, action, objects):
    name = f"admin:feedback_{model._meta.model_name}_changelist"
    return client.post(
        reverse(name), {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )


def test_close_now_moves_the_waiting_answers_and_a_comment_can_be_marked(
    admin_client, evaluation, people
):
    for n, person in enumerate(people[:3]):
        submit_response(
            questionnaire=evaluation,
            registration=person,
            answers=answers_for(evaluation, text=f"Comment {n}"),
            now=at(31, 15),
        )
    page = _act(admin_client, type(evaluation), "close_now", [evaluation])
    assert "3 waiting responses joined the results." in page.content.decode()
    assert not SealedResponse.objects.exists()
    comments = Answer.objects.exclude(text="")
    ratings = Answer.objects.filter(rating__isnull=False)
    page = _act(admin_client, Answer, "mark_quotable", [*comments, *ratings])
    assert "3 comments changed." in page.content.decode()
    assert set(Answer.objects.filter(quotable=True)) == set(comments)


def test_an_anonymous_response_page_names_nobody(admin_client, evaluation, people):
    answered(evaluation, people[:5])
    flush(evaluation, now=at(31, 15))
    response = Response.objects.first()
    page = admin_client.get(
        reverse("admin:feedback_response_change", args=[response.pk])
    ).content.decode()
    assert "given by" not in page
    for person in people[:5]:
        assert person.participant.email not in page

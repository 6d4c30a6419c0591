"""Deleting a trainer never deletes what participants answered about them: refused, in the
model and in the admin, which names what protects the trainer."""

from datetime import date

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from events.models import Trainer
from feedback.models import Answer, Question, Questionnaire, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_trainer(workshop):
    trainer = Trainer.objects.create(name="Zhang Jun")
    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    question = Question.objects.create(
        questionnaire=evaluation, text="How clear was the trainer?", trainer=trainer
    )
    response = Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))
    Answer.objects.create(response=response, question=question, rating=5)
    return trainer


def test_trainer_with_feedback_cannot_be_deleted(answered_trainer):
    with pytest.raises(ProtectedError):
        answered_trainer.delete()

    assert Answer.objects.filter(rating=5).count() == 1


def test_admin_refuses_to_delete_a_trainer_with_feedback_naming_the_question(
    admin_client, answered_trainer
):
    url = reverse("admin:events_trainer_delete", args=[answered_trainer.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"post": "yes"})

    text = page.content.decode()
    assert "would require deleting the following protected related objects" in text
    assert "How clear was the trainer?" in text
    assert posted.status_code == 200
    assert Trainer.objects.filter(pk=answered_trainer.pk).exists()
    assert Answer.objects.count() == 1

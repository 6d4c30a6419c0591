# ruff: noqa: RUF001
"""Questionnaires and people to answer them, for the feedback tests."""

import pytest

from feedback.models import Choice, Question, Questionnaire
from feedback.services import submit_response
from participants.models import Registration
from tests import factories
from tests.conftest import at

QK = Question.Kind
# While ``evaluation`` is open.
DURING = at(31, 15)


@pytest.fixture
def make_registration(db):
    def make(workshop, number: int, *, status=Registration.Status.CONFIRMED, **fields):
        name = fields.pop("name", f"Person {number}")
        email = f"person{number}@example.org"
        return factories.registration(workshop, name, email=email, status=status, **fields)

    return make


@pytest.fixture
def people(workshop, make_registration):
    return [make_registration(workshop, n) for n in range(1, 13)]


@pytest.fixture
def evaluation(workshop):
    """Open from 31 August 12:00 to 7 September; four questions, one of each kind."""
    questionnaire = Questionnaire.objects.create(
        workshop=workshop,
        title="Workshop evaluation",
        title_local="培训评估表",
        opens_at=at(31, 12),
        closes_at=at(7, 18, month=9),
    )
    Question.objects.create(
        questionnaire=questionnaire, order=1, kind=QK.RATING, text="Overall?", text_local="总体？"
    )
    topic = Question.objects.create(
        questionnaire=questionnaire, order=2, kind=QK.CHOICE, text="Most useful topic?"
    )
    for n, text in enumerate(["Law", "Victims", "Borders"], start=1):
        Choice.objects.create(question=topic, order=n, text=text, text_local=f"专题{n}")
    methods = Question.objects.create(
        questionnaire=questionnaire,
        order=3,
        kind=QK.MULTIPLE,
        text="Which methods worked?",
        required=False,
    )
    for n, text in enumerate(["Lectures", "Group work", "Field visit"], start=1):
        Choice.objects.create(question=methods, order=n, text=text)
    Question.objects.create(
        questionnaire=questionnaire, order=4, kind=QK.TEXT, text="Suggestions?", required=False
    )
    return questionnaire


def questions_of(questionnaire) -> dict[int, Question]:
    return {q.order: q for q in questionnaire.questions.all()}


def choice_of(question, order: int) -> Choice:
    return question.choices.get(order=order)


def answers_for(questionnaire, *, rating=4, topic=1, methods=(), text=""):
    """A submission's answers as the form sends them: {"q<pk>": [values]}."""
    q = questions_of(questionnaire)
    answers = {f"q{q[1].pk}": [str(rating)], f"q{q[2].pk}": [str(choice_of(q[2], topic).pk)]}
    answers[f"q{q[3].pk}"] = [str(choice_of(q[3], m).pk) for m in methods]
    answers[f"q{q[4].pk}"] = [text]
    return answers


def answered(evaluation, people, *, now=DURING, **answers) -> None:
    """Each of ``people`` submits ``answers_for(evaluation, **answers)`` at ``now``."""
    for person in people:
        submit_response(
            questionnaire=evaluation,
            registration=person,
            answers=answers_for(evaluation, **answers),
            now=now,
        )

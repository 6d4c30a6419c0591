"""An evaluation with any number of responses, built with bulk inserts, for the query-count
tests and the benchmark: the same shape whatever the size (ratings, choices, comments,
per-session and per-trainer items), so page costs can be compared between sizes."""

import random
import uuid
from datetime import date

from feedback.models import Answer, Choice, Question, Questionnaire, Response, Submission
from tests.conftest import at
from tests.factories import bulk_registrations

QK = Question.Kind


def build_evaluation(workshop, *, responses: int, questions: int = 30, seed: int = 1):
    """``questions`` questions (a text every tenth, a choice every seventh, several choices
    every thirteenth, else ratings;
    the first ratings about sessions and trainers when the workshop has them) and
    ``responses`` flushed anonymous responses, each answering every question, plus as many
    confirmed registrations with their Submission."""
    rng = random.Random(seed)
    questionnaire = Questionnaire.objects.create(
        workshop=workshop, title="Evaluation", opens_at=at(31, 12), closes_at=at(7, 12, month=9)
    )
    sessions = list(workshop.sessions.all()[:5])
    trainers = list({t for s in sessions for t in s.trainers.all()})
    made = []
    for order in range(1, questions + 1):
        kind = (
            QK.TEXT
            if order % 10 == 0
            else QK.CHOICE
            if order % 7 == 0
            else QK.MULTIPLE
            if order % 13 == 0
            else QK.RATING
        )
        about = {}
        if kind == QK.RATING and sessions and order <= len(sessions):
            about = {"session": sessions[order - 1], "is_generated": True}
        elif (
            kind == QK.RATING
            and trainers
            and order - len(sessions) <= len(trainers)
            and order > len(sessions)
        ):
            about = {"trainer": trainers[order - len(sessions) - 1], "is_generated": True}
        made.append(
            Question(
                questionnaire=questionnaire,
                order=order,
                kind=kind,
                text=f"Question {order}?",
                text_local=f"问题{order}",
                required=kind != QK.TEXT,
                **about,
            )
        )
    made = Question.objects.bulk_create(made)
    choices = {}
    for question in made:
        if question.kind in (QK.CHOICE, QK.MULTIPLE):
            choices[question.pk] = Choice.objects.bulk_create(
                Choice(question=question, order=n, text=f"Choice {n}") for n in range(1, 5)
            )
    rows, answers = [], []
    for _ in range(responses):
        response = Response(
            id=uuid.uuid4(), questionnaire=questionnaire, submitted_on=date(2007, 8, 31)
        )
        rows.append(response)
        for question in made:
            if question.kind == QK.RATING:
                answers.append(
                    Answer(response=response, question=question, rating=rng.randint(1, 5))
                )
            elif question.kind == QK.MULTIPLE:
                answers += [
                    Answer(response=response, question=question, choice=choice)
                    for choice in rng.sample(choices[question.pk], rng.randint(1, 2))
                ]
            elif question.kind == QK.CHOICE:
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        choice=rng.choice(choices[question.pk]),
                    )
                )
            elif rng.random() < 0.3:
                answers.append(
                    Answer(response=response, question=question, text=f"Comment {rng.random():.6f}")
                )
    Response.objects.bulk_create(rows, batch_size=1000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    registrations = bulk_registrations(
        workshop, responses, email="respondent{n}@example.org", name="Respondent {n}"
    )
    Submission.objects.bulk_create(
        Submission(questionnaire=questionnaire, registration=registration)
        for registration in registrations
    )
    return questionnaire

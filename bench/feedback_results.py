"""Feedback: the results of 2,000 responses to 30 questions, and accepting one submission.

Results: ``feedback.statistics.questionnaire_results`` (what the results page, the trainer's
page and the exports read), median time, against the floor: one hand-written SQL aggregate
of the same figures (every rating's and choice's count per question, in one GROUP BY), run
through the same connection. Target: within 3x.

Submission: ``submit_response`` for an anonymous evaluation of 30 questions (checks, the
Submission, the sealed box, and every fifth time the flush that moves five boxes to the
results, in its own transaction) against a plain insert of the same rows (a Submission, a
Response and its 30 Answers with bulk_create, in one transaction): what storing them costs
at least.
"""

from datetime import date, timedelta
from itertools import count

from bench._harness import against_floor, analyze, setup_django

RESPONSES = 2000
QUESTIONS = 30
TARGET = 3.0
REPEAT = 15


def build():
    from tests import factories
    from tests.feedback.builders import build_evaluation

    workshop = factories.workshop(title="Regional Anti-Trafficking Workshop", capacity=5000)
    results = build_evaluation(workshop, responses=RESPONSES, questions=QUESTIONS)
    return workshop, results


def floor_sql(questionnaire) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.question_id, a.rating, a.choice_id, COUNT(*) "
            "FROM feedback_answer a JOIN feedback_question q ON q.id = a.question_id "
            "WHERE q.questionnaire_id = %s AND (a.rating IS NOT NULL OR a.choice_id IS NOT NULL) "
            "GROUP BY a.question_id, a.rating, a.choice_id",
            [questionnaire.pk],
        )
        return cursor.fetchall()


def main() -> None:
    setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from feedback.models import Answer, Questionnaire, Response, Submission
    from feedback.services import submit_response
    from feedback.statistics import questionnaire_results

    workshop, questionnaire = build()
    analyze()

    # The same figures, both ways, before timing either.
    figures = questionnaire_results(questionnaire)
    floor_rows = floor_sql(questionnaire)
    assert sum(item.count for item in figures.ratings) == sum(
        n for _q, rating, _c, n in floor_rows if rating is not None
    )
    size = f"{RESPONSES} responses to {QUESTIONS} questions, {connection.vendor}"
    against_floor(
        f"results ({size})",
        lambda: questionnaire_results(questionnaire),
        lambda: floor_sql(questionnaire),
        baseline_name="one hand-written SQL aggregate",
        target=TARGET,
        repeat=REPEAT,
    )

    # Accepting one submission: a fresh open questionnaire with the same 30 questions.
    from tests import factories
    from tests.feedback.builders import build_evaluation

    open_one = build_evaluation(workshop, responses=0, questions=QUESTIONS, seed=2)
    Questionnaire.objects.filter(pk=open_one.pk).update(
        opens_at=timezone.now() - timedelta(days=1), closes_at=None
    )
    open_one.refresh_from_db()
    questions = list(open_one.questions.prefetch_related("choices").order_by("order"))
    answers = {}
    for question in questions:
        if question.kind == "rating":
            answers[question.pk] = "4"
        elif question.kind in ("choice", "multiple"):
            answers[question.pk] = str(question.choices.all()[0].pk)
        else:
            answers[question.pk] = "A comment about the workshop."
    registrations = iter(
        factories.bulk_registrations(workshop, 400, email="bench{n}@example.org", name="Bench {n}")
    )
    numbers = count()

    def submit():
        submit_response(questionnaire=open_one, registration=next(registrations), answers=answers)

    def plain_insert():
        registration = next(registrations)
        next(numbers)
        with transaction.atomic():
            Submission.objects.create(questionnaire=open_one, registration=registration)
            response = Response.objects.create(questionnaire=open_one, submitted_on=date.today())
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    question_id=question.pk,
                    rating=4 if question.kind == "rating" else None,
                    choice_id=int(answers[question.pk])
                    if question.kind in ("choice", "multiple")
                    else None,
                    text=answers[question.pk] if question.kind == "text" else "",
                )
                for question in questions
            )

    against_floor(
        f"accept one submission ({QUESTIONS} answers, sealed; flush every 5th)",
        submit,
        plain_insert,
        baseline_name="plain insert of the same rows",
        repeat=100,
        warmup=5,
    )


if __name__ == "__main__":
    main()

"""Migration 0004: answers with ordinal keys become answers with random keys, none lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events.models import Workshop

BEFORE = [("feedback", "0003_constraint_messages")]
AFTER = [("feedback", "0004_anonymous_answers")]


@pytest.mark.django_db(transaction=True)
def test_answers_keep_their_values_and_get_random_keys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Questionnaire = old.get_model("feedback", "Questionnaire")
    Question = old.get_model("feedback", "Question")
    Response = old.get_model("feedback", "Response")
    Answer = old.get_model("feedback", "Answer")
    # Only feedback goes back: the workshop is written with today's model, by its key.
    workshop = Workshop.objects.create(
        title="W", slug="w", start_date="2007-08-26", end_date="2007-08-31", timezone="UTC"
    )
    questionnaire = Questionnaire.objects.create(workshop_id=workshop.pk, title="Evaluation")
    question = Question.objects.create(questionnaire=questionnaire, text="Overall?")
    for n in range(12):
        response = Response.objects.create(questionnaire=questionnaire, submitted_on="2007-08-31")
        Answer.objects.create(response=response, question=question, rating=1 + n % 5)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Answer = new.get_model("feedback", "Answer")
    rows = list(Answer.objects.values_list("id", "rating"))
    assert sorted(rating for _id, rating in rows) == sorted(1 + n % 5 for n in range(12))
    assert {key.version for key, _rating in rows} == {4}

    # And back, for a rollback.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    Answer = executor.loader.project_state(BEFORE).apps.get_model("feedback", "Answer")
    assert Answer.objects.count() == 12
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

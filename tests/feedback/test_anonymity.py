"""Anonymous answers against an attacker who reads every table (feedback.anonymity).

The submissions here are committed one by one (``transactional_db``), as they would be on a
server, so that PostgreSQL's ``xmin`` (the writing transaction) and ``ctid`` (the physical
place) mean what they mean in production. The attacker knows who answered in which order
(the ``Submission`` rows); each person's comment carries a random marker, so an ordering
that put the anonymous rows in submission order would show as the markers in that order.
"""

import random
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from feedback import anonymity
from feedback.models import Answer, Response, SealedResponse, Submission
from feedback.services import close_questionnaire, submit_response
from tests.conftest import at, at_once
from tests.feedback.conftest import DURING, answered, answers_for

PEOPLE = 15  # three batches of five

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="xmin and ctid are PostgreSQL's"
)


@pytest.fixture
def submitted(transactional_db, workshop, evaluation, make_registration):
    """15 people answer in a known order; returns {marker: position in submission order}."""
    rng = random.Random(7)
    markers = {}
    for position in range(PEOPLE):
        registration = make_registration(workshop, position + 1)
        marker = uuid.uuid4().hex
        markers[marker] = position
        submit_response(
            questionnaire=evaluation,
            registration=registration,
            answers=answers_for(
                evaluation,
                rating=rng.randint(1, 5),
                topic=rng.randint(1, 3),
                methods=rng.sample([1, 2, 3], rng.randint(0, 3)),
                text=f"comment {marker}",
            ),
            now=DURING,
        )
    return markers


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _order_of(markers, texts) -> list[int]:
    return [markers[text.removeprefix("comment ")] for text in texts]


RESPONSE_COLUMNS = ["id", "questionnaire_id", "registration_id", "submitted_on", "language"]
ANSWER_COLUMNS = ["id", "response_id", "question_id", "rating", "choice_id", "text", "quotable"]


def test_anonymous_rows_hold_no_key_time_or_language(submitted, evaluation):
    responses = list(Response.objects.filter(questionnaire=evaluation).values())
    assert len(responses) == PEOPLE
    assert {r["registration_id"] for r in responses} == {None}
    assert {r["language"] for r in responses} == {""}
    assert {r["id"].version for r in responses} == {4}
    assert {a.version for a in Answer.objects.values_list("id", flat=True)} == {4}
    # No box is left, and no table holds a moment finer than the day for an answer.
    assert not SealedResponse.objects.exists()
    assert {f.get_internal_type() for f in Response._meta.fields} >= {"DateField"}
    assert "DateTimeField" not in {f.get_internal_type() for f in Response._meta.fields}
    assert "DateTimeField" not in {f.get_internal_type() for f in Answer._meta.fields}


@on_postgres
@pytest.mark.postgres
def test_no_ordering_of_the_stored_rows_follows_the_submitters(submitted, evaluation):
    """Order the rows by every column, by ctid and by xmin: the comments never come out in
    the order people submitted them (the chance that three shuffled batches of five all
    come out in order is (1/120)³, one in 1.7 million)."""
    in_order = list(range(PEOPLE))
    join = (
        "FROM feedback_answer a JOIN feedback_response r ON r.id = a.response_id "
        f"WHERE a.text <> '' AND r.questionnaire_id = {evaluation.pk}"
    )
    orderings = [f"r.{c}" for c in RESPONSE_COLUMNS] + [f"a.{c}" for c in ANSWER_COLUMNS]
    orderings += ["r.ctid", "a.ctid", "r.xmin::text::bigint", "a.xmin::text::bigint"]
    for ordering in orderings:
        for tie in ("r.ctid", "a.ctid"):
            texts = [row[0] for row in _rows(f"SELECT a.text {join} ORDER BY {ordering}, {tie}")]
            assert len(texts) == PEOPLE
            assert _order_of(submitted, texts) != in_order, ordering
    # The physical order of the tables alone, as a sequential scan returns them.
    texts = [row[0] for row in _rows(f"SELECT a.text {join}")]
    assert _order_of(submitted, texts) != in_order


@on_postgres
@pytest.mark.postgres
def test_anonymous_rows_never_share_a_transaction_with_a_submission(submitted, evaluation):
    submission_xmins = {
        row[0]
        for row in _rows(
            f"SELECT xmin::text FROM feedback_submission WHERE questionnaire_id = {evaluation.pk}"
        )
    }
    assert len(submission_xmins) == PEOPLE  # one transaction per person
    response_xmins = [
        row[0]
        for row in _rows(
            f"SELECT xmin::text FROM feedback_response WHERE questionnaire_id = {evaluation.pk}"
        )
    ]
    answer_xmins = {row[0] for row in _rows("SELECT xmin::text FROM feedback_answer")}
    assert not submission_xmins & (set(response_xmins) | answer_xmins)
    # Every transaction that wrote responses wrote at least a batch of them.
    sizes = sorted(response_xmins.count(xmin) for xmin in set(response_xmins))
    assert sizes == [5, 5, 5]
    assert answer_xmins == set(response_xmins)


@on_postgres
@pytest.mark.postgres
def test_the_last_small_batch_is_hidden_among_rewritten_earlier_responses(
    transactional_db, workshop, evaluation, make_registration
):
    for position in range(7):
        submit_response(
            questionnaire=evaluation,
            registration=make_registration(workshop, position + 1),
            answers=answers_for(evaluation),
            now=DURING,
        )
    # Five were flushed at the fifth; two wait until the close.
    assert (Response.objects.count(), SealedResponse.objects.count()) == (5, 2)
    assert close_questionnaire(questionnaire=evaluation, now=at(1, 9, month=9)) == 2
    xmins = [row[0] for row in _rows("SELECT xmin::text FROM feedback_response")]
    assert sorted(xmins.count(x) for x in set(xmins)) == [2, 5]  # 3 old rewritten + 2 new


@on_postgres
@pytest.mark.postgres
def test_the_sealed_box_is_written_with_the_submission_and_holds_nothing_in_clear(
    transactional_db, workshop, evaluation, make_registration
):
    registration = make_registration(workshop, 1)
    answered(evaluation, [registration], text="a secret suggestion")
    ((box_xmin, sealed),) = _rows("SELECT xmin::text, sealed FROM feedback_sealedresponse")
    ((submission_xmin,),) = _rows("SELECT xmin::text FROM feedback_submission")
    # The same transaction (so a crash loses neither), which is why the box is sealed.
    assert box_xmin == submission_xmin
    assert b"secret" not in bytes(sealed)
    assert registration.token.encode() not in bytes(sealed)
    # And it opens only for its own questionnaire.
    with pytest.raises(InvalidTag):
        anonymity.unseal(evaluation.pk + 1, bytes(sealed))
    assert Submission.objects.count() == 1


@on_postgres
@pytest.mark.postgres
def test_two_submissions_at_once_give_one_answer(
    transactional_db, workshop, evaluation, make_registration
):
    """Released together: whether the second is stopped by the check or, when both pass it
    before either writes, by the unique constraint, it is told that the person has
    answered, and one answer is kept."""
    from feedback.services import FeedbackError

    registration = make_registration(workshop, 1)

    def submit():
        try:
            submit_response(
                questionnaire=evaluation,
                registration=registration,
                answers=answers_for(evaluation),
                now=DURING,
            )
        except FeedbackError as refused:
            return refused.code
        return "accepted"

    outcomes = at_once([submit, submit])
    assert sorted(outcomes) == ["accepted", "already_answered"]
    assert Submission.objects.count() == SealedResponse.objects.count() == 1

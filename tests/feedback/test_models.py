"""The invariants of questionnaires and answers, as the database holds them."""

from datetime import date

import pytest

from feedback.models import Answer, Choice, Question, Questionnaire, Response, Submission
from tests.conftest import assert_refused_in_both_languages, at, refusals, refused_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(workshop):
    return Questionnaire.objects.create(workshop=workshop, title="Evaluation")


@pytest.fixture
def rating(evaluation):
    return Question.objects.create(questionnaire=evaluation, text="How useful was the workshop?")


@pytest.fixture
def response(evaluation):
    return Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))


def test_questionnaire_closes_after_opens_is_enforced_by_the_database(workshop):
    with refused_by("questionnaire_closes_after_opens"):
        Questionnaire.objects.create(
            workshop=workshop, title="Backwards", opens_at=at(31, 9), closes_at=at(31, 9)
        )
    Questionnaire.objects.create(
        workshop=workshop,
        title="Open a day",
        opens_at=at(31, 9),
        closes_at=at(31, 9).replace(day=1, month=9),
    )
    Questionnaire.objects.create(workshop=workshop, title="Open ended", opens_at=at(31, 9))
    assert workshop.questionnaires.count() == 2


@pytest.mark.parametrize("kind", [Questionnaire.Kind.PRE_TEST, Questionnaire.Kind.POST_TEST])
def test_questionnaire_tests_not_anonymous_is_enforced_by_the_database(workshop, kind):
    with refused_by("questionnaire_tests_not_anonymous"):
        Questionnaire.objects.create(workshop=workshop, kind=kind, title="Test", is_anonymous=True)
    Questionnaire.objects.create(workshop=workshop, kind=kind, title="Test", is_anonymous=False)


def test_questionnaire_evaluation_may_be_anonymous_or_not(workshop):
    Questionnaire.objects.create(workshop=workshop, title="Anonymous", is_anonymous=True)
    Questionnaire.objects.create(workshop=workshop, title="Named", is_anonymous=False)
    assert workshop.questionnaires.count() == 2


def test_response_unique_per_registration_is_enforced_by_the_database(
    workshop, participant_registration
):
    named = Questionnaire.objects.create(workshop=workshop, title="Named", is_anonymous=False)
    Response.objects.create(
        questionnaire=named, registration=participant_registration, submitted_on=date(2007, 8, 31)
    )
    with refused_by("response_unique_per_registration"):
        Response.objects.create(
            questionnaire=named,
            registration=participant_registration,
            submitted_on=date(2007, 8, 31),
        )


def test_anonymous_responses_are_many_with_no_registration(evaluation):
    for _ in range(3):
        Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))
    assert evaluation.responses.filter(registration=None).count() == 3


@pytest.mark.parametrize("value", [0, 6])
def test_answer_rating_in_range_is_enforced_by_the_database(response, rating, value):
    with refused_by("answer_rating_in_range"):
        Answer.objects.create(response=response, question=rating, rating=value)


@pytest.mark.parametrize("value", [1, 5])
def test_answer_rating_at_either_end_of_the_scale_is_accepted(response, rating, value):
    Answer.objects.create(response=response, question=rating, rating=value)


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"rating": 4, "text": "Useful"},
        {"rating": 4, "choice": True},
        {"choice": True, "text": "Other"},
    ],
    ids=["nothing", "rating-and-text", "rating-and-choice", "choice-and-text"],
)
def test_answer_exactly_one_value_is_enforced_by_the_database(response, rating, values):
    choice = Choice.objects.create(question=rating, text="Yes")
    if values.get("choice"):
        values = {**values, "choice": choice}
    with refused_by("answer_exactly_one_value"):
        Answer.objects.create(response=response, question=rating, **values)


def test_answer_holds_a_rating_a_choice_or_a_text(response, evaluation):
    multiple = Question.objects.create(questionnaire=evaluation, kind="multiple", text="Topics?")
    legal, prevention = (Choice.objects.create(question=multiple, text=t) for t in ("Law", "Pre"))
    comment = Question.objects.create(questionnaire=evaluation, kind="text", text="Comments?")
    Answer.objects.create(response=response, question=multiple, choice=legal)
    Answer.objects.create(response=response, question=multiple, choice=prevention)
    Answer.objects.create(response=response, question=comment, text="More case studies.")
    assert response.answers.count() == 3


def test_answer_choice_once_per_response_is_enforced_by_the_database(response, evaluation):
    multiple = Question.objects.create(questionnaire=evaluation, kind="multiple", text="Topics?")
    legal = Choice.objects.create(question=multiple, text="Legal assistance")
    Answer.objects.create(response=response, question=multiple, choice=legal)
    with refused_by("answer_choice_once_per_response"):
        Answer.objects.create(response=response, question=multiple, choice=legal)


@pytest.mark.parametrize(
    ("first", "second"),
    [({"rating": 4}, {"rating": 2}), ({"text": "Good"}, {"text": "Bad"})],
    ids=["ratings", "texts"],
)
def test_answer_once_per_question_is_enforced_by_the_database(response, rating, first, second):
    Answer.objects.create(response=response, question=rating, **first)
    with refused_by("answer_once_per_question"):
        Answer.objects.create(response=response, question=rating, **second)


def test_answers_of_different_responses_to_one_question_are_many(evaluation, rating):
    for value in (3, 4, 5):
        response = Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))
        Answer.objects.create(response=response, question=rating, rating=value)
    assert rating.answers.count() == 3


def test_submission_once_per_questionnaire_is_enforced_by_the_database(
    evaluation, participant_registration
):
    Submission.objects.create(questionnaire=evaluation, registration=participant_registration)
    with refused_by("submission_once_per_questionnaire"):
        Submission.objects.create(questionnaire=evaluation, registration=participant_registration)


# What validation says when a constraint would refuse: the field and the rule, with a code.


def test_questionnaire_closes_after_opens_names_the_closing(workshop):
    backwards = Questionnaire(
        workshop=workshop, title="Backwards", opens_at=at(31, 9), closes_at=at(31, 9)
    )
    assert refusals(backwards.full_clean) == {
        "closes_at": [("A questionnaire must close after it opens.", "closes_before_opens")]
    }


def test_questionnaire_tests_not_anonymous_names_anonymity(workshop):
    test = Questionnaire(workshop=workshop, kind="pre_test", title="Test", is_anonymous=True)
    message = (
        "A knowledge test cannot be anonymous: its scores are compared person by person, "
        "before and after."
    )
    in_chinese = "知识测试不能匿名：测试前后的成绩要逐人比较。"  # noqa: RUF001
    assert_refused_in_both_languages(
        test.full_clean, "is_anonymous", "test_anonymous", message, in_chinese
    )


def test_response_unique_per_registration_names_the_registration(
    workshop, participant_registration
):
    named = Questionnaire.objects.create(workshop=workshop, title="Named", is_anonymous=False)
    Response.objects.create(
        questionnaire=named, registration=participant_registration, submitted_on=date(2007, 8, 31)
    )
    again = Response(
        questionnaire=named, registration=participant_registration, submitted_on=date(2007, 8, 31)
    )
    assert refusals(again.full_clean) == {
        "registration": [("This registration has already answered this questionnaire.", "unique")]
    }


def test_answer_rating_in_range_names_the_rating(response, rating):
    answer = Answer(response=response, question=rating, rating=6)
    assert refusals(answer.full_clean) == {
        "rating": [("A rating must be from 1 to 5.", "rating_out_of_range")]
    }


def test_answer_exactly_one_value_is_about_the_whole_answer(response, rating):
    empty = Answer(response=response, question=rating)
    assert refusals(empty.full_clean) == {
        "__all__": [
            ("An answer holds exactly one of a rating, a choice or a text.", "not_one_value")
        ]
    }


def test_answer_choice_once_per_response_names_the_choice(response, evaluation):
    multiple = Question.objects.create(questionnaire=evaluation, kind="multiple", text="Topics?")
    legal = Choice.objects.create(question=multiple, text="Legal assistance")
    Answer.objects.create(response=response, question=multiple, choice=legal)
    again = Answer(response=response, question=multiple, choice=legal)
    assert refusals(again.full_clean) == {
        "choice": [("This choice is already ticked in this response.", "unique")]
    }


def test_answer_once_per_question_names_the_question(response, rating):
    Answer.objects.create(response=response, question=rating, rating=4)
    again = Answer(response=response, question=rating, rating=2)
    assert refusals(again.full_clean) == {
        "question": [("This question already has an answer in this response.", "unique")]
    }


def test_submission_once_per_questionnaire_names_the_registration(
    evaluation, participant_registration
):
    Submission.objects.create(questionnaire=evaluation, registration=participant_registration)
    again = Submission(questionnaire=evaluation, registration=participant_registration)
    assert refusals(again.full_clean) == {
        "registration": [("This registration has already answered this questionnaire.", "unique")]
    }

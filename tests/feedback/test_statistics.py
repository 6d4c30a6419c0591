"""The results against figures worked out by hand (feedback.statistics)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from events.models import Agency
from feedback.models import Question, Questionnaire
from feedback.services import QuestionData, add_question, close_questionnaire, submit_response
from feedback.statistics import (
    ChoiceResult,
    RatingResult,
    TextResult,
    knowledge_test_results,
    median_of,
    person_score,
    questionnaire_results,
    response_rates,
    result_rows,
)
from tests.conftest import at
from tests.feedback.conftest import DURING, answers_for, questions_of

pytestmark = pytest.mark.django_db
QK = Question.Kind

# Six people: (rating, topic, methods ticked, comment). Only four tick a method and three
# write a comment: fewer than five, so those two questions stay hidden.
SIX = [
    (5, 1, (1, 2), "More cases"),
    (4, 1, (2,), ""),
    (4, 2, (), "Fewer lectures"),
    (3, 1, (2, 3), ""),
    (5, 2, (1,), "Send materials"),
    (2, 3, (), ""),
]


@pytest.fixture
def answered(evaluation, people, django_capture_on_commit_callbacks):
    for person, (rating, topic, methods, text) in zip(people, SIX, strict=False):
        with django_capture_on_commit_callbacks(execute=True):
            submit_response(
                questionnaire=evaluation,
                registration=person,
                answers=answers_for(
                    evaluation, rating=rating, topic=topic, methods=methods, text=text
                ),
                now=DURING,
            )
    return evaluation


def test_median_of_a_distribution():
    assert median_of({1: 0, 2: 1, 3: 1, 4: 2, 5: 2}) == 4.0
    assert median_of({1: 1, 2: 0, 3: 0, 4: 0, 5: 1}) == 3.0
    assert median_of({1: 1, 2: 1, 3: 1, 4: 0, 5: 0}) == 2.0
    assert median_of({1: 0, 2: 0, 3: 0, 4: 0, 5: 0}) is None


def test_results_count_only_flushed_answers_and_say_how_many_wait(answered):
    results = questionnaire_results(answered)
    # Five left the box with the fifth submission; the sixth waits for a batch or the close.
    assert (results.invited, results.answered, results.responses, results.pending) == (12, 6, 5, 1)
    assert results.response_rate == 0.5
    overall = results.items[0]
    assert isinstance(overall, RatingResult)
    assert overall.distribution == {1: 0, 2: 0, 3: 1, 4: 2, 5: 2}
    assert (overall.count, overall.mean, overall.median) == (5, 4.2, 4.0)


def test_results_of_each_kind_with_the_small_group_rule(answered):
    close_questionnaire(questionnaire=answered, now=at(1, 9, month=9))
    results = questionnaire_results(answered)
    assert (results.responses, results.pending) == (6, 0)
    overall, topic, methods, comments = results.items

    assert overall.shown
    assert overall.distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 2}
    assert overall.count == 6
    assert overall.mean == pytest.approx(23 / 6)
    assert overall.median == 4.0
    assert [(v, n) for v, n, _share in overall.bars()] == [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2)]

    assert isinstance(topic, ChoiceResult)
    assert topic.shown
    assert topic.respondents == 6
    assert [(c.text, n) for c, n in topic.counts] == [("Law", 3), ("Victims", 2), ("Borders", 1)]

    # Four people ticked a method, three wrote a comment: fewer than five, not shown.
    assert isinstance(methods, ChoiceResult)
    assert (methods.respondents, methods.shown) == (4, False)
    assert isinstance(comments, TextResult)
    assert (comments.shown, comments.comments) == (False, [])


@override_settings(FEEDBACK_MIN_GROUP=3)
def test_comments_shown_once_the_group_is_large_enough(answered):
    close_questionnaire(questionnaire=answered, now=at(1, 9, month=9))
    results = questionnaire_results(answered)
    (comments,) = results.comments
    assert comments.shown
    assert sorted(c.text for c in comments.comments) == [
        "Fewer lectures",
        "More cases",
        "Send materials",
    ]
    assert results.items[2].shown  # four ticked a method: enough for a group of three


def test_result_rows_for_the_exports(answered):
    close_questionnaire(questionnaire=answered, now=at(1, 9, month=9))
    rows = list(result_rows(questionnaire_results(answered)))
    assert rows[0][:5] == ["Question", "About", "Answers", "Mean", "Median"]
    assert rows[1] == ["Overall?", "", 6, 3.83, 4.0, 0, 1, 1, 2, 2]
    assert rows[2][-2:] == ["Law", 3]
    assert rows[5] == ["Which methods worked?", "", "fewer than 5"]
    assert rows[6] == ["Suggestions?", "", "fewer than 5"]
    assert not any("More cases" in str(cell) for row in rows for cell in row)


# --- Knowledge tests ---------------------------------------------------------------------

# (gender, agency, pre answers, post answers); each test has Q1 (one choice, "a" right)
# and Q2 (several choices, exactly "a" and "b" right). Scores worked out by hand:
#   pre: 0 1 0 1 0 2 (and a seventh person who took only the test before: 1)
#   post: 2 2 1 1 2 2
RIGHT, WRONG = ("a",), ("b",)
BOTH, ONE = ("a", "b"), ("a",)
PAIRS = [
    ("female", "A", (WRONG, ONE), (RIGHT, BOTH)),
    ("female", "A", (RIGHT, ONE), (RIGHT, BOTH)),
    ("female", "A", (WRONG, ("a", "b", "c")), (RIGHT, ONE)),
    ("male", "A", (WRONG, BOTH), (WRONG, BOTH)),
    ("male", "B", (WRONG, ()), (RIGHT, BOTH)),
    ("male", "B", (RIGHT, BOTH), (RIGHT, BOTH)),
]


def _test(workshop, kind, pre=None):
    test = Questionnaire.objects.create(
        workshop=workshop,
        kind=kind,
        title=kind,
        is_anonymous=False,
        opens_at=at(26, 8),
        pre_test=pre,
    )
    add_question(
        questionnaire=test,
        data=QuestionData(kind=QK.CHOICE, text="Q1", choices=[("a", "", True), ("b", "", False)]),
    )
    add_question(
        questionnaire=test,
        data=QuestionData(
            kind=QK.MULTIPLE,
            text="Q2",
            required=False,
            choices=[("a", "", True), ("b", "", True), ("c", "", False)],
        ),
    )
    return test


def _answer(test, registration, ticks):
    q = questions_of(test)
    answers = {}
    for order, chosen in enumerate(ticks, start=1):
        choices = {c.text: c.pk for c in q[order].choices.all()}
        answers[q[order].pk] = [choices[t] for t in chosen]
    return submit_response(
        questionnaire=test, registration=registration, answers=answers, now=at(26, 9)
    )


@pytest.fixture
def tests_taken(workshop, make_registration):
    agencies = {key: Agency.objects.create(name=f"Agency {key}") for key in "AB"}
    pre = _test(workshop, Questionnaire.Kind.PRE_TEST)
    post = _test(workshop, Questionnaire.Kind.POST_TEST, pre)
    for n, (gender, agency, before, after) in enumerate(PAIRS, start=1):
        registration = make_registration(workshop, n, gender=gender, agency=agencies[agency])
        _answer(pre, registration, before)
        _answer(post, registration, after)
    _answer(pre, make_registration(workshop, 7, gender="female", agency=agencies["A"]), (RIGHT, ()))
    return post


def test_person_score_counts_a_question_when_exactly_its_right_choices_are_ticked(tests_taken):
    pre = tests_taken.pre_test
    scores = [person_score(r) for r in pre.responses.order_by("registration__participant__email")]
    assert scores == [(0, 2), (1, 2), (0, 2), (1, 2), (0, 2), (2, 2), (1, 2)]


def test_learning_gain_of_the_workshop_with_small_groups_hidden(tests_taken):
    results = knowledge_test_results(tests_taken)
    whole = results.workshop
    assert (results.maximum, whole.pairs, whole.shown) == (2, 6, True)
    assert whole.pre_mean == pytest.approx(4 / 6)
    assert whole.post_mean == pytest.approx(10 / 6)
    assert whole.gain == pytest.approx(1.0)
    assert whole.normalised_gain == pytest.approx(0.75)
    # Every agency and gender group is smaller than five: none shows a figure.
    assert [(r.label, r.pairs, r.shown, r.pre_mean) for r in results.by_agency] == [
        ("Agency A", 4, False, None),
        ("Agency B", 2, False, None),
    ]
    assert {(r.pairs, r.shown, r.gain) for r in results.by_gender} == {(3, False, None)}


@override_settings(FEEDBACK_MIN_GROUP=3)
def test_learning_gain_by_agency_and_gender(tests_taken):
    results = knowledge_test_results(tests_taken)
    by_gender = {row.label: row for row in results.by_gender}
    female, male = by_gender["Female"], by_gender["Male"]
    assert (female.pre_mean, female.post_mean) == (pytest.approx(1 / 3), pytest.approx(5 / 3))
    assert female.gain == pytest.approx(4 / 3)
    assert female.normalised_gain == pytest.approx(0.8)
    assert (male.pre_mean, male.post_mean) == (pytest.approx(1.0), pytest.approx(5 / 3))
    assert male.normalised_gain == pytest.approx(2 / 3)
    agency_a, agency_b = results.by_agency
    assert (agency_a.label, agency_a.pairs) == ("Agency A", 4)
    assert agency_a.gain == pytest.approx(1.0)
    assert agency_a.normalised_gain == pytest.approx(2 / 3)
    assert (agency_b.label, agency_b.shown, agency_b.gain) == ("Agency B", False, None)


def test_the_results_page_of_a_test_after_shows_the_gains_not_the_people(
    client, organiser, tests_taken
):
    client.force_login(organiser)
    url = reverse("feedback:results", args=[tests_taken.workshop.slug, tests_taken.pk])
    page = client.get(url).content.decode()
    gains = page.split('id="gains"')[1].split("</table>")[0]
    assert '<td class="num">6</td><td class="num">0.67</td><td class="num">1.67</td>' in gains
    assert '<td class="num">1.00</td><td class="num">0.75</td>' in gains
    assert gains.count("fewer than 5") == 4  # two agencies, two genders
    for n in range(1, 8):
        assert f"Person {n}<" not in page


def test_response_rates_by_agency_and_gender_hide_small_groups(
    workshop, evaluation, make_registration
):
    a, b = (Agency.objects.create(name=f"Agency {key}") for key in "AB")
    group_a = [make_registration(workshop, n, gender="female", agency=a) for n in range(1, 8)]
    group_b = [make_registration(workshop, n, gender="male", agency=b) for n in range(8, 11)]
    for person in group_a[:5] + group_b[:2]:
        submit_response(
            questionnaire=evaluation,
            registration=person,
            answers=answers_for(evaluation),
            now=DURING,
        )
    rates = response_rates(evaluation)
    assert [(r.label, r.invited, r.answered, r.shown) for r in rates["agency"]] == [
        ("Agency A", 7, 5, True),
        ("Agency B", 3, None, False),
    ]
    assert rates["agency"][0].rate == pytest.approx(5 / 7)
    assert [(r.label, r.answered, r.rate) for r in rates["gender"]] == [
        ("Female", 5, pytest.approx(5 / 7)),
        ("Male", None, None),
    ]

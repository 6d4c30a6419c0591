# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001
"""The feedback pages: the participant's form, the organisers' pages, the trainer's page."""

import csv
import io
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Trainer
from feedback.models import Answer, Question, Questionnaire, Response, Submission
from feedback.services import close_questionnaire, submit_response
from tests.conftest import at
from tests.feedback.builders import build_evaluation
from tests.feedback.conftest import DURING, answered, answers_for, choice_of, questions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_during():
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        yield


def respond_url(registration, questionnaire):
    return reverse("feedback:respond", args=[registration.token, questionnaire.pk])


def results_url(questionnaire):
    return reverse("feedback:results", args=[questionnaire.workshop.slug, questionnaire.pk])


# --- The participant ---------------------------------------------------------------------


def test_personal_page_links_to_the_open_questionnaire(client, evaluation, people, now_during):
    page = client.get(reverse("participants:personal", args=[people[0].token]))
    assert respond_url(people[0], evaluation) in page.content.decode()


def test_form_is_in_the_persons_language(client, evaluation, people, now_during):
    person = people[0]
    person.preferred_language = "zh-hans"
    person.save()
    page = client.get(respond_url(person, evaluation))
    html = page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    assert "<h1>培训评估表</h1>" in html
    assert "总体？" in html
    assert "专题1" in html


def test_a_refused_form_keeps_what_was_typed_and_names_each_question(
    client, evaluation, people, now_during
):
    q = questions_of(evaluation)
    data = {
        f"q{q[1].pk}": "9",
        f"q{q[3].pk}": [str(choice_of(q[3], 2).pk)],
        f"q{q[4].pk}": "Kept <b>text</b>",
    }
    page = client.post(respond_url(people[0], evaluation), data)
    assert page.status_code == 400
    html = page.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "Question 1: Overall?</a> – A rating must be a whole number from 1 to 5." in summary
    assert (
        "Question 2: Most useful topic?</a> – This question is required: please answer it."
        in summary
    )
    # What was typed and ticked is still there, escaped.
    assert "Kept &lt;b&gt;text&lt;/b&gt;</textarea>" in html
    assert f'value="{choice_of(q[3], 2).pk}" checked' in html
    assert not Submission.objects.exists()


def test_answering_then_a_second_attempt_is_refused(client, evaluation, people, now_during):
    url = respond_url(people[0], evaluation)
    answers = answers_for(evaluation, rating=5, text="Good")
    response = client.post(url, answers)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[people[0].token, evaluation.pk])
    assert "your answers have been received" in client.get(response["Location"]).content.decode()
    again = client.post(url, answers_for(evaluation, rating=1))
    assert "You have already answered this questionnaire" in again.content.decode()
    assert 'name="q' not in again.content.decode()
    assert Submission.objects.count() == 1
    # The personal page no longer offers it.
    page = client.get(reverse("participants:personal", args=[people[0].token]))
    assert url not in page.content.decode()


def test_a_closed_questionnaire_shows_no_form(client, evaluation, people):
    with mock.patch("django.utils.timezone.now", return_value=at(8, 9, month=9)):
        page = client.get(respond_url(people[0], evaluation))
    assert "This questionnaire has closed" in page.content.decode()
    assert '<form method="post" class="answer-form"' not in page.content.decode()


def test_another_workshops_questionnaire_or_a_bad_token_is_404(
    client, evaluation, people, make_workshop
):
    other = Questionnaire.objects.create(
        workshop=make_workshop(title="Other", slug="other"), title="X"
    )
    assert client.get(respond_url(people[0], other)).status_code == 404
    assert client.get(reverse("feedback:respond", args=["nope", evaluation.pk])).status_code == 404


def test_a_knowledge_test_shows_the_person_their_score(client, workshop, people, now_during):
    test = Questionnaire.objects.create(
        workshop=workshop, kind="pre_test", title="Before", is_anonymous=False, opens_at=at(26, 8)
    )
    question = Question.objects.create(questionnaire=test, kind="choice", text="Which?")
    right = question.choices.create(order=1, text="Right", is_correct=True)
    question.choices.create(order=2, text="Wrong")
    client.post(respond_url(people[0], test), {f"q{question.pk}": right.pk})
    page = client.get(reverse("feedback:thanks", args=[people[0].token, test.pk]))
    assert "Your score: 1 of 1." in page.content.decode()


# --- Organisers ----------------------------------------------------------------------------


ORGANISER_PAGES = [
    ("feedback:list", False),
    ("feedback:questionnaire_create", False),
    ("feedback:questionnaire", True),
    ("feedback:results", True),
]


@pytest.mark.parametrize(("name", "with_pk"), ORGANISER_PAGES)
def test_organiser_pages_are_404_to_other_organisers(
    client, evaluation, organiser, other_organiser, name, with_pk
):
    args = [evaluation.workshop.slug] + ([evaluation.pk] if with_pk else [])
    client.force_login(other_organiser)
    assert client.get(reverse(name, args=args)).status_code == 404
    client.force_login(organiser)
    assert client.get(reverse(name, args=args)).status_code == 200


def test_the_feedback_tab_lists_questionnaires_and_adds_the_default(client, workshop, organiser):
    client.force_login(organiser)
    page = client.get(reverse("events:workshop_detail", args=[workshop.slug]))
    assert reverse("feedback:list", args=[workshop.slug]) in page.content.decode()
    response = client.post(reverse("feedback:add_default", args=[workshop.slug]))
    questionnaire = workshop.questionnaires.get()
    assert response["Location"] == reverse(
        "feedback:questionnaire", args=[workshop.slug, questionnaire.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "How relevant was the workshop to your work?" in page
    assert "本次培训与您的工作相关程度如何？" in page


def test_copy_only_from_workshops_one_organises(client, evaluation, organiser, make_workshop):
    mine = make_workshop(title="Mine", slug="mine")
    mine.organisers.add(organiser)
    strangers = Questionnaire.objects.create(
        workshop=make_workshop(title="Theirs", slug="theirs"), title="T"
    )
    client.force_login(organiser)
    client.post(reverse("feedback:copy", args=[mine.slug]), {"source": strangers.pk})
    assert not mine.questionnaires.exists()
    client.post(reverse("feedback:copy", args=[mine.slug]), {"source": evaluation.pk})
    assert list(mine.questionnaires.values_list("title", flat=True)) == ["Workshop evaluation"]


def test_adding_a_question_with_choices_in_both_languages(client, evaluation, organiser):
    client.force_login(organiser)
    url = reverse("feedback:questionnaire", args=[evaluation.workshop.slug, evaluation.pk])
    client.post(
        url,
        {
            "add_question": "1",
            "kind": "choice",
            "text": "Which day?",
            "text_local": "哪一天？",
            "required": "on",
            "choices": "Monday | 星期一\nTuesday | 星期二",
        },
    )
    question = evaluation.questions.get(text="Which day?")
    assert list(question.choices.values_list("text", "text_local")) == [
        ("Monday", "星期一"),
        ("Tuesday", "星期二"),
    ]
    refused = client.post(
        url, {"add_question": "1", "kind": "choice", "text": "One?", "choices": "Only"}
    )
    assert "A choice question needs at least two choices." in refused.content.decode()


def test_send_now_emails_the_link(
    client, evaluation, organiser, people, now_during, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("feedback:send", args=[evaluation.workshop.slug, evaluation.pk]))
    assert len(mail.outbox) == 12
    assert respond_url(people[0], evaluation) in next(
        m.body for m in mail.outbox if m.to == [people[0].participant.email]
    )


def _submit_six(evaluation, people):
    for n, person in enumerate(people[:6]):
        submit_response(
            questionnaire=evaluation,
            registration=person,
            answers=answers_for(evaluation, rating=1 + n % 5, text=f"Comment {n}"),
            now=DURING,
        )
    close_questionnaire(questionnaire=evaluation, now=at(1, 9, month=9))


def test_results_page_marks_a_quote(client, evaluation, organiser, people):
    _submit_six(evaluation, people)
    client.force_login(organiser)
    page = client.get(results_url(evaluation)).content.decode()
    assert 'data-figure="answered">6<' in page
    assert "<svg" in page
    assert 'style="' not in page
    assert "Comment 3" in page
    comment = Answer.objects.get(text="Comment 3")
    response = client.post(
        reverse("feedback:quote", args=[evaluation.workshop.slug, evaluation.pk, comment.pk]),
        {"quotable": "1"},
    )
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.quotable


def test_results_exports_read_back(client, evaluation, organiser, people):
    _submit_six(evaluation, people)
    client.force_login(organiser)
    text = client.get(results_url(evaluation) + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["Overall?", "", "6", "2.67", "2.5", "2", "1", "1", "1", "1"]
    book = load_workbook(io.BytesIO(client.get(results_url(evaluation) + "?format=xlsx").content))
    sheet = book.active
    assert [c.value for c in sheet[2]][:5] == ["Overall?", None, 6, 2.67, 2.5]
    assert client.get(results_url(evaluation) + "?format=pdf").status_code == 400


@pytest.mark.parametrize("responses", [10, 2000])
def test_results_page_query_count_is_flat(
    client, workshop, organiser, responses, django_assert_num_queries
):
    questionnaire = build_evaluation(workshop, responses=responses)
    client.force_login(organiser)
    # The session and the user; the workshop; the questionnaire; any generated items (no:
    # nothing to sync); the counts (confirmed, answered, waiting, responses); the questions
    # with sessions and trainers; every rating's and choice's count; the respondents of the
    # several-choice questions; the choices; the comments; who answered by agency and by
    # gender.
    with django_assert_num_queries(13):
        page = client.get(results_url(questionnaire))
    assert f'data-figure="responses">{responses}<' in page.content.decode()


# --- Trainers ------------------------------------------------------------------------------


def test_a_trainer_sees_their_results_only_when_allowed(
    client, evaluation, workshop, people, make_session
):
    trainer = Trainer.objects.create(name="Liang ShuYing")
    make_session(workshop, title="The law", trainers=[trainer])
    about_them = Question.objects.create(
        questionnaire=evaluation,
        order=9,
        kind="rating",
        text="Liang's sessions?",
        trainer=trainer,
        required=False,
    )
    _submit_six(evaluation, people)
    Answer.objects.bulk_create(
        Answer(response=r, question=about_them, rating=4) for r in Response.objects.all()
    )
    url = reverse("feedback:trainer_results", args=[trainer.feed_token, evaluation.pk])
    assert client.get(url).status_code == 404
    evaluation.trainers_see_results = True
    evaluation.save()
    page = client.get(url).content.decode()
    assert "Liang&#x27;s sessions?" in page
    assert "Overall?" not in page  # the workshop's own questions are the organisers'
    assert 'data-figure="mean">4.00<' in page


def test_settings_refusal_is_shown_on_its_field_and_saves_nothing(client, evaluation, organiser):
    client.force_login(organiser)
    url = reverse("feedback:questionnaire", args=[evaluation.workshop.slug, evaluation.pk])
    page = client.post(
        url,
        {
            "save_questionnaire": "1",
            "title": "Renamed",
            "opens_at": "2007-08-31T12:00",
            "closes_at": "2007-08-30T12:00",
        },
    ).content.decode()
    assert "Closes</a>: A questionnaire must close after it opens." in page
    evaluation.refresh_from_db()
    assert evaluation.title == "Workshop evaluation"
    client.post(
        url,
        {
            "save_questionnaire": "1",
            "title": "Renamed",
            "opens_at": "2007-08-31T13:00",
            "closes_at": "2007-09-08T12:00",
            "trainers_see_results": "on",
        },
    )
    evaluation.refresh_from_db()
    assert evaluation.title == "Renamed"
    assert evaluation.workshop.local(evaluation.opens_at) == at(31, 13)
    assert evaluation.trainers_see_results


def test_timetable_items_generated_from_the_page_and_shown_in_the_results(
    client, evaluation, organiser, people, workshop, make_session
):
    trainer = Trainer.objects.create(name="Tong JiYu")
    session = make_session(workshop, title="Field visit", trainers=[trainer])
    client.force_login(organiser)
    client.post(reverse("feedback:generate", args=[workshop.slug, evaluation.pk]))
    about_session = evaluation.questions.get(session=session)
    about_trainer = evaluation.questions.get(trainer=trainer)
    for n, person in enumerate(people[:5]):
        answers = answers_for(evaluation) | {
            f"q{about_session.pk}": [str(1 + n)],
            f"q{about_trainer.pk}": ["5"],
        }
        submit_response(questionnaire=evaluation, registration=person, answers=answers, now=DURING)
    close_questionnaire(questionnaire=evaluation, now=at(1, 9, month=9))
    # The session is renamed: opening the results brings the question in step.
    session.title = "The field visit to the border"
    session.save()
    page = client.get(results_url(evaluation)).content.decode()
    sessions = page.split('id="sessions"')[1].split("</table>")[0]
    assert "How useful was the session “The field visit to the border”?" in sessions
    assert 'data-figure="mean">3.00<' in sessions
    trainers = page.split('id="trainers"')[1].split("</table>")[0]
    assert "sessions given by Tong JiYu" in trainers
    assert 'data-figure="mean">5.00<' in trainers
    # Trainers' links are listed for the organiser once they may see their results.
    evaluation.trainers_see_results = True
    evaluation.save()
    detail = client.get(reverse("feedback:questionnaire", args=[workshop.slug, evaluation.pk]))
    assert f"/t/{trainer.feed_token}/feedback/{evaluation.pk}/" in detail.content.decode()


def test_daily_command_sends_due_invitations_and_flushes(
    evaluation, people, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    answered(evaluation, people[:2])
    out = io.StringIO()
    with (
        mock.patch("django.utils.timezone.now", return_value=at(1, 9, month=9)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_feedback", stdout=out)
    assert (
        out.getvalue().strip()
        == "12 invitations and 0 reminders sent; 0 sealed responses moved to the results."
    )
    assert len(mail.outbox) == 12
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=at(8, 9, month=9)):
        call_command("flush_feedback", stdout=out)
    assert out.getvalue().strip() == "2 sealed responses moved to the results."
    assert Response.objects.count() == 2


def test_question_edit_move_and_remove_pages(client, evaluation, organiser):
    client.force_login(organiser)
    slug = evaluation.workshop.slug
    q = questions_of(evaluation)
    edit_url = reverse("feedback:question_edit", args=[slug, evaluation.pk, q[2].pk])
    assert "Law | 专题1" in client.get(edit_url).content.decode()
    client.post(
        edit_url,
        {
            "kind": "choice",
            "text": "Most useful topic, then?",
            "text_local": "最有用的专题？",
            "required": "on",
            "choices": "Law | 法律\nVictims | 受害者\nBorders | 边境",
        },
    )
    assert list(q[2].choices.values_list("text_local", flat=True)) == ["法律", "受害者", "边境"]
    client.post(
        reverse("feedback:question_move", args=[slug, evaluation.pk, q[4].pk]), {"by": "up"}
    )
    client.post(reverse("feedback:question_delete", args=[slug, evaluation.pk, q[1].pk]))
    assert list(evaluation.questions.order_by("order").values_list("text", flat=True)) == [
        "Most useful topic, then?",
        "Suggestions?",
        "Which methods worked?",
    ]
    # Another questionnaire's question through this questionnaire's address: 404.
    other = Questionnaire.objects.create(workshop=evaluation.workshop, title="Other")
    stranger = Question.objects.create(questionnaire=other, text="Elsewhere?")
    assert (
        client.get(
            reverse("feedback:question_edit", args=[slug, evaluation.pk, stranger.pk])
        ).status_code
        == 404
    )

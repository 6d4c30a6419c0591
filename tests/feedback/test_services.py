"""The rules of answering, editing and sending questionnaires (feedback.services)."""

from datetime import date, timedelta

import pytest
from django.core import mail

from events.models import Session, Trainer
from feedback import anonymity
from feedback.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
    Submission,
)
from feedback.services import (
    FeedbackError,
    QuestionData,
    SubmissionRefused,
    add_default_evaluation,
    add_question,
    close_questionnaire,
    copy_questionnaire,
    create_questionnaire,
    delete_question,
    move_question,
    send_due,
    send_invitations,
    submit_response,
    sync_timetable_items,
    update_question,
    update_questionnaire,
)
from participants.models import Registration
from tests.conftest import at
from tests.feedback.conftest import DURING, answered, answers_for, choice_of, questions_of

pytestmark = pytest.mark.django_db
QK = Question.Kind


def nothing_saved(questionnaire):
    assert not Submission.objects.filter(questionnaire=questionnaire).exists()
    assert not SealedResponse.objects.filter(questionnaire=questionnaire).exists()
    assert not Response.objects.filter(questionnaire=questionnaire).exists()


def refused(questionnaire, registration, answers) -> dict[str, str]:
    with pytest.raises(SubmissionRefused) as refusal:
        submit_response(
            questionnaire=questionnaire, registration=registration, answers=answers, now=DURING
        )
    nothing_saved(questionnaire)
    return {error.field: error.code for error in refusal.value.errors}


def refusal_of(questionnaire, registration, *, now=DURING, **answer_values) -> FeedbackError:
    """What ``submit_response`` raises for a submission refused as a whole (valid answers)."""
    with pytest.raises(FeedbackError) as refusal:
        submit_response(
            questionnaire=questionnaire,
            registration=registration,
            answers=answers_for(questionnaire, **answer_values),
            now=now,
        )
    return refusal.value


def test_submit_response_seals_anonymous_answers_and_records_who(evaluation, people):
    submitted = submit_response(
        questionnaire=evaluation,
        registration=people[0],
        answers=answers_for(evaluation, rating=5, topic=2, methods=(1, 3), text="More cases"),
        now=DURING,
    )
    assert submitted.sealed
    assert Submission.objects.get(questionnaire=evaluation).registration == people[0]
    # Nothing in the results yet: one sealed box holding the five answers.
    assert not Response.objects.exists()
    (box,) = SealedResponse.objects.all()
    rows = anonymity.unseal(evaluation.pk, box.sealed)
    q = questions_of(evaluation)
    assert sorted((r.question_id, r.rating, r.choice_id, r.text) for r in rows) == sorted(
        [
            (q[1].pk, 5, None, ""),
            (q[2].pk, None, choice_of(q[2], 2).pk, ""),
            (q[3].pk, None, choice_of(q[3], 1).pk, ""),
            (q[3].pk, None, choice_of(q[3], 3).pk, ""),
            (q[4].pk, None, None, "More cases"),
        ]
    )
    assert b"More cases" not in bytes(box.sealed)


@pytest.mark.parametrize("rating", ["0", "6", "4.5", "four", "-1"])
def test_submit_response_refuses_a_rating_out_of_range(evaluation, people, rating):
    answers = answers_for(evaluation)
    q1 = questions_of(evaluation)[1]
    answers[f"q{q1.pk}"] = [rating]
    assert refused(evaluation, people[0], answers) == {f"q{q1.pk}": "rating_out_of_range"}


def test_submit_response_names_every_missing_required_answer(evaluation, people):
    q = questions_of(evaluation)
    answers = {f"q{q[4].pk}": ["only a comment"]}
    with pytest.raises(SubmissionRefused) as refusal:
        submit_response(
            questionnaire=evaluation, registration=people[0], answers=answers, now=DURING
        )
    errors = refusal.value.errors
    assert [(e.field, e.code, e.question) for e in errors] == [
        (f"q{q[1].pk}", "required", q[1]),
        (f"q{q[2].pk}", "required", q[2]),
    ]
    assert errors[0].message == "This question is required: please answer it."
    nothing_saved(evaluation)


def test_submit_response_refuses_answers_to_another_questionnaires_questions(
    evaluation, people, workshop
):
    other = Questionnaire.objects.create(workshop=workshop, title="Other", opens_at=at(31, 12))
    foreign = Question.objects.create(questionnaire=other, kind=QK.RATING, text="Elsewhere?")
    answers = answers_for(evaluation) | {f"q{foreign.pk}": ["5"]}
    assert refused(evaluation, people[0], answers) == {f"q{foreign.pk}": "unknown_question"}
    assert refused(evaluation, people[0], answers_for(evaluation) | {"qx": ["5"]}) == {
        "qx": "unknown_question"
    }


def test_submit_response_refuses_choices_of_another_question_and_two_for_one(evaluation, people):
    q = questions_of(evaluation)
    answers = answers_for(evaluation)
    answers[f"q{q[2].pk}"] = [str(choice_of(q[3], 1).pk)]
    assert refused(evaluation, people[0], answers) == {f"q{q[2].pk}": "unknown_choice"}
    answers[f"q{q[2].pk}"] = [str(choice_of(q[2], 1).pk), str(choice_of(q[2], 2).pk)]
    assert refused(evaluation, people[0], answers) == {f"q{q[2].pk}": "one_choice"}
    answers = answers_for(evaluation)
    answers[f"q{q[3].pk}"] = [str(choice_of(q[3], 1).pk)] * 2
    assert refused(evaluation, people[0], answers) == {f"q{q[3].pk}": "choice_twice"}


def test_submit_response_refuses_nul_and_overlong_text(evaluation, people):
    q4 = questions_of(evaluation)[4]
    assert refused(evaluation, people[0], answers_for(evaluation, text="a\x00b")) == {
        f"q{q4.pk}": "nul"
    }
    assert refused(evaluation, people[0], answers_for(evaluation, text="x" * 5001)) == {
        f"q{q4.pk}": "too_long"
    }


@pytest.mark.parametrize(
    ("now", "code"),
    [(at(31, 11), "not_open"), (at(7, 18, month=9), "closed"), (at(8, 9, month=9), "closed")],
)
def test_submit_response_refuses_outside_the_window(evaluation, people, now, code):
    refusal = refusal_of(evaluation, people[0], now=now)
    assert refusal.code == code
    nothing_saved(evaluation)


def test_submit_response_refuses_a_questionnaire_never_opened(evaluation, people):
    evaluation.opens_at = None
    evaluation.save()
    refusal = refusal_of(evaluation, people[0])
    assert refusal.code == "not_open"


def test_submit_response_refuses_a_second_submission(evaluation, people):
    answered(evaluation, people[:1])
    refusal = refusal_of(evaluation, people[0], rating=1)
    assert (refusal.code, refusal.field) == ("already_answered", "registration")
    assert SealedResponse.objects.count() == Submission.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [Registration.Status.DECLINED, Registration.Status.CANCELLED, Registration.Status.PENDING],
)
def test_submit_response_refuses_anyone_not_confirmed(
    evaluation, workshop, make_registration, status
):
    registration = make_registration(workshop, 99, status=status)
    refusal = refusal_of(evaluation, registration)
    assert refusal.code == "not_a_participant"


def test_submit_response_refuses_a_registration_of_another_workshop(
    evaluation, make_workshop, make_registration
):
    elsewhere = make_registration(make_workshop(title="Elsewhere", slug="elsewhere"), 98)
    refusal = refusal_of(evaluation, elsewhere)
    assert refusal.code == "not_a_participant"


def test_a_batch_of_five_flushes_after_the_fifth_commit(
    evaluation, people, django_capture_on_commit_callbacks
):
    for person in people[:4]:
        with django_capture_on_commit_callbacks(execute=True):
            submit_response(
                questionnaire=evaluation,
                registration=person,
                answers=answers_for(evaluation),
                now=DURING,
            )
    assert (SealedResponse.objects.count(), Response.objects.count()) == (4, 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit_response(
            questionnaire=evaluation,
            registration=people[4],
            answers=answers_for(evaluation),
            now=DURING,
        )
        # The flush waits for the commit: it is not part of the submission's transaction.
        assert SealedResponse.objects.count() == 5
    assert len(callbacks) == 1
    assert (SealedResponse.objects.count(), Response.objects.count()) == (0, 5)
    assert not Response.objects.filter(registration__isnull=False).exists()
    assert set(Response.objects.values_list("language", flat=True)) == {""}
    assert Answer.objects.count() == 5 * 2


def test_closing_flushes_what_is_left_and_covers_it_with_earlier_responses(evaluation, people):
    answered(evaluation, people[:7])
    assert anonymity.flush(evaluation, now=DURING) == 7
    answered(evaluation, people[7:9])
    assert anonymity.flush(evaluation, now=DURING) == 0  # two wait: fewer than a batch
    assert close_questionnaire(questionnaire=evaluation, now=at(1, 9, month=9)) == 2
    evaluation.refresh_from_db()
    assert evaluation.closes_at is not None
    assert (SealedResponse.objects.count(), Response.objects.count()) == (0, 9)
    # The last transaction wrote 2 and rewrote 3 earlier ones: 5 share its day (and xmin).
    assert Response.objects.filter(submitted_on=date(2007, 9, 1)).count() == 5


def test_named_responses_of_a_test_are_written_at_once(workshop, people):
    test = Questionnaire.objects.create(
        workshop=workshop,
        kind=Questionnaire.Kind.PRE_TEST,
        title="Before",
        is_anonymous=False,
        opens_at=at(26, 8),
    )
    question = add_question(
        questionnaire=test,
        data=QuestionData(
            kind=QK.CHOICE, text="2 + 2?", choices=[("4", "四", True), ("5", "五", False)]
        ),
    )
    right = question.choices.get(is_correct=True)
    submit_response(
        questionnaire=test,
        registration=people[0],
        answers={question.pk: right.pk},
        language="zh-hans",
        now=at(26, 9),
    )
    response = Response.objects.get()
    assert (response.registration, response.language) == (people[0], "zh-hans")
    assert response.answers.get().choice == right
    assert not SealedResponse.objects.exists()


def test_add_question_refuses_a_test_question_without_a_correct_choice(workshop):
    test = Questionnaire.objects.create(
        workshop=workshop, kind=Questionnaire.Kind.POST_TEST, title="After", is_anonymous=False
    )
    with pytest.raises(FeedbackError) as refusal:
        add_question(
            questionnaire=test,
            data=QuestionData(
                kind=QK.CHOICE, text="?", choices=[("a", "", False), ("b", "", False)]
            ),
        )
    assert (refusal.value.code, refusal.value.field) == ("no_correct_choice", "choices")
    with pytest.raises(FeedbackError) as refusal:
        add_question(questionnaire=test, data=QuestionData(kind=QK.CHOICE, text="?", choices=[]))
    assert refusal.value.code == "choices"


def test_questions_are_moved_edited_and_kept_once_answered(evaluation, people):
    q = questions_of(evaluation)
    move_question(question=q[4], by=-1)
    assert list(evaluation.questions.order_by("order").values_list("text", flat=True)) == [
        "Overall?",
        "Most useful topic?",
        "Suggestions?",
        "Which methods worked?",
    ]
    update_question(
        question=q[1], data=QuestionData(kind=QK.RATING, text="Overall, then?", text_local="总体")
    )
    answered(evaluation, people[:1])
    with pytest.raises(FeedbackError) as refusal:
        update_question(question=q[1], data=QuestionData(kind=QK.TEXT, text="Overall?"))
    assert refusal.value.code == "answered"
    with pytest.raises(FeedbackError):
        delete_question(question=q[4])
    # Texts may still change.
    update_question(
        question=q[2],
        data=QuestionData(
            kind=QK.CHOICE,
            text="Topic?",
            choices=[("Law", "法律", False), ("V", "", False), ("B", "", False)],
        ),
    )
    assert choice_of(q[2], 1).text_local == "法律"


def test_update_question_changes_whom_it_is_about_only_when_told(evaluation, people):
    huang = Trainer.objects.create(name="Huang TaiYun")
    liang = Trainer.objects.create(name="Liang ShuYing")
    q = questions_of(evaluation)
    data = QuestionData(kind=QK.RATING, text="How clear were Huang TaiYun's sessions?")
    update_question(question=q[1], data=data, trainer=liang)
    answered(evaluation, people[:1])
    # Its text says whom it is about: the link is corrected, answers or not.
    update_question(question=q[1], data=data, trainer=huang)
    update_question(question=q[1], data=data)
    q[1].refresh_from_db()
    assert q[1].trainer == huang
    update_question(question=q[1], data=data, trainer=None)
    q[1].refresh_from_db()
    assert q[1].trainer is None
    with pytest.raises(TypeError, match="not what a question is about"):
        update_question(question=q[1], data=data, workshop=evaluation.workshop)


def test_add_default_evaluation_in_one_call(workshop):
    questionnaire = add_default_evaluation(workshop=workshop)
    assert questionnaire.is_anonymous
    assert workshop.local(questionnaire.opens_at) == at(31, 12)
    assert questionnaire.closes_at - questionnaire.opens_at == timedelta(days=7)
    assert [(q.kind, q.required) for q in questionnaire.questions.order_by("order")] == [
        *[(QK.RATING, True)] * 5,
        (QK.TEXT, False),
    ]
    texts = list(questionnaire.questions.order_by("order").values_list("text", flat=True))
    for word in ("Overall", "relevant", "methods", "trainers", "organised", "suggest"):
        assert any(word in text for text in texts), word
    assert all(questionnaire.questions.values_list("text_local", flat=True))


def test_copy_questionnaire_copies_texts_and_choices_not_answers(evaluation, people, make_workshop):
    answered(evaluation, people[:1])
    target = make_workshop(title="Next year", slug="next-year")
    copy = copy_questionnaire(source=evaluation, workshop=target)
    assert copy.workshop == target
    assert (copy.opens_at, copy.closes_at) == (None, None)
    assert list(copy.questions.values_list("order", "kind", "text")) == list(
        evaluation.questions.values_list("order", "kind", "text")
    )
    assert Choice.objects.filter(question__questionnaire=copy).count() == 6
    assert not copy.submissions.exists()


def test_sync_timetable_items_follows_the_timetable(evaluation, workshop, make_session):
    li = Trainer.objects.create(name="Liang ShuYing", name_local="梁淑英")
    mi = Trainer.objects.create(name="Mi XiaoXiong")
    law = make_session(workshop, title="The law", title_local="法律", trainers=[li])
    field = make_session(
        workshop, title="Field visit", starts_at=at(28, 9), ends_at=at(28, 12), trainers=[li, mi]
    )
    make_session(workshop, title="Lunch", starts_at=at(28, 12), ends_at=at(28, 13))

    assert sync_timetable_items(questionnaire=evaluation) == (4, 0, 0)
    generated = evaluation.questions.filter(is_generated=True)
    assert sorted(generated.values_list("text", flat=True)) == [
        "How clear and useful were the sessions given by Liang ShuYing?",
        "How clear and useful were the sessions given by Mi XiaoXiong?",
        "How useful was the session “Field visit”?",
        "How useful was the session “The law”?",
    ]
    assert generated.get(session=law).text_local == "“法律”这一专题是否有用？"  # noqa: RUF001
    assert sync_timetable_items(questionnaire=evaluation) == (0, 0, 0)

    # The timetable changes: a session renamed, one cancelled (so Mi teaches nothing).
    law.title = "Criminal law"
    law.save()
    field.status = Session.Status.CANCELLED
    field.save()
    result = sync_timetable_items(questionnaire=evaluation)
    assert (result.added, result.updated, result.removed) == (0, 1, 2)
    assert sorted(generated.values_list("text", flat=True)) == [
        "How clear and useful were the sessions given by Liang ShuYing?",
        "How useful was the session “Criminal law”?",
    ]
    # The questions the organiser wrote are never touched.
    assert evaluation.questions.filter(is_generated=False).count() == 4


def test_send_invitations_and_reminders_in_each_persons_language(
    evaluation, people, django_capture_on_commit_callbacks
):
    people[1].preferred_language = "zh-hans"
    people[1].save()
    answered(evaluation, people[:1])
    # Queued when the transaction commits, sent by the worker (here the immediate backend).
    with django_capture_on_commit_callbacks(execute=True):
        assert send_invitations(questionnaire=evaluation, now=DURING) == 12
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address["person3@example.org"]
    assert english.subject == "Your feedback: Workshop evaluation"
    assert f"/r/{people[2].token}/feedback/{evaluation.pk}/" in english.body
    assert "anonymous" in english.body
    chinese = by_address["person2@example.org"]
    assert chinese.subject.endswith("培训评估表")
    mail.outbox.clear()
    # The reminder goes to those with no Submission: all but the one who answered.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_invitations(questionnaire=evaluation, reminder=True, now=DURING) == 11
    assert "person1@example.org" not in {m.to[0] for m in mail.outbox}
    reminders = {message.to[0]: message.subject for message in mail.outbox}
    assert reminders["person3@example.org"] == "Reminder: Workshop evaluation"
    assert reminders["person2@example.org"] == "提醒：培训评估表"  # noqa: RUF001


def test_send_due_invites_once_the_workshop_has_ended_then_reminds_once(
    evaluation, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due(now=at(30, 12)) == {"invited": 0, "reminded": 0}  # not open yet
        assert send_due(now=at(31, 13)) == {"invited": 12, "reminded": 0}
        assert send_due(now=at(1, 13, month=9)) == {"invited": 0, "reminded": 0}
        assert send_due(now=at(2, 14, month=9)) == {"invited": 0, "reminded": 12}
        assert send_due(now=at(3, 14, month=9)) == {"invited": 0, "reminded": 0}
    assert len(mail.outbox) == 24


def test_both_services_refuse_a_window_by_the_questionnaires_own_rule(monkeypatch, workshop):
    """Creating and changing a questionnaire refuse one closing before it opens with the
    model's constraint (its field, code and message): a rule edited there is seen by both."""
    rule = next(
        c for c in Questionnaire._meta.constraints if c.name == "questionnaire_closes_after_opens"
    )
    monkeypatch.setattr(rule, "violation_error_message", "Closes too early, says the model.")
    monkeypatch.setattr(rule, "violation_error_code", "model_rule")
    opens = at(25, 9)
    with pytest.raises(FeedbackError) as created:
        create_questionnaire(
            workshop=workshop,
            kind=Questionnaire.Kind.EVALUATION,
            title="Evaluation",
            opens_at=opens,
            closes_at=opens,
        )
    questionnaire = create_questionnaire(
        workshop=workshop, kind=Questionnaire.Kind.EVALUATION, title="Evaluation"
    )
    with pytest.raises(FeedbackError) as updated:
        update_questionnaire(
            questionnaire=questionnaire, opens_at=opens, closes_at=opens - timedelta(hours=1)
        )
    for refused in (created.value, updated.value):
        assert refused.rows() == [
            {
                "field": "closes_at",
                "code": "model_rule",
                "message": "Closes too early, says the model.",
            }
        ]


def test_a_question_is_never_about_another_workshops_session(evaluation, make_workshop):
    other = make_workshop(title="Another Workshop", slug="another")
    theirs = Session.objects.create(
        workshop=other,
        title="Their session",
        starts_at=at(27, 9),
        ends_at=at(27, 10),
    )
    data = QuestionData(kind=QK.RATING, text="How useful was this session?")
    with pytest.raises(FeedbackError, match="a session of its own workshop") as refused:
        add_question(questionnaire=evaluation, data=data, session=theirs)
    assert refused.value.field == "session"
    question = questions_of(evaluation)[1]
    with pytest.raises(FeedbackError, match="a session of its own workshop"):
        update_question(question=question, data=data, session=theirs)
    question.refresh_from_db()
    assert question.session is None
    with pytest.raises(TypeError, match="not what a question is about"):
        add_question(questionnaire=evaluation, data=data, workshop=other)

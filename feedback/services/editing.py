# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001

"""Editing questionnaires: create, change, order; the default evaluation; copies; the
timetable's session and trainer items; quotes."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from events.models import Session, Trainer, Workshop
from feedback.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    SealedResponse,
    Submission,
)
from feedback.services.answering import FeedbackError

QK = Question.Kind

# ---------------------------------------------------------------------------------------------
# Editing questionnaires


@dataclass
class QuestionData:
    """A question as an organiser writes it; ``choices`` as (English, local, correct)."""

    kind: str
    text: str
    text_local: str = ""
    required: bool = True
    choices: list[tuple[str, str, bool]] = field(default_factory=list)


# What a question may be about besides the workshop as a whole (``add_question``'s ``about``).
ABOUT_FIELDS = frozenset({"session", "trainer"})


def _check_about(questionnaire: Questionnaire, about: dict) -> None:
    """``about`` as ``add_question`` and ``update_question`` take it: a session of the
    questionnaire's own workshop (whose results, timetable and trainers show it)."""
    unknown = set(about) - ABOUT_FIELDS
    if unknown:
        raise TypeError(f"not what a question is about: {sorted(unknown)}")
    session = about.get("session")
    if session is not None and session.workshop_id != questionnaire.workshop_id:
        raise FeedbackError(
            _("A question can only be about a session of its own workshop."),
            code="other_workshop",
            field="session",
        )


def _check_question(questionnaire: Questionnaire, data: QuestionData) -> None:
    if not data.text.strip():
        raise FeedbackError(_("A question needs its text."), code="required", field="text")
    if data.kind not in QK.values:
        raise FeedbackError(_("Pick a kind of question."), code="invalid", field="kind")
    needs_choices = data.kind in (QK.CHOICE, QK.MULTIPLE)
    if needs_choices and len(data.choices) < 2:
        raise FeedbackError(
            _("A choice question needs at least two choices."), code="choices", field="choices"
        )
    if questionnaire.is_test and needs_choices and not any(c[2] for c in data.choices):
        raise FeedbackError(
            _("A test question needs at least one correct choice (mark it with *)."),
            code="no_correct_choice",
            field="choices",
        )


def _next_order(questionnaire: Questionnaire) -> int:
    return (questionnaire.questions.aggregate(top=Max("order"))["top"] or 0) + 1


def _check_title_and_dates(*, title: str, opens_at, closes_at) -> None:
    """A questionnaire's title and opening, as ``create_questionnaire`` and
    ``update_questionnaire`` both refuse them: the window by the model's own rule (its
    constraint ``questionnaire_closes_after_opens``, with that field, code and message)."""
    if not title.strip():
        raise FeedbackError(_("A questionnaire needs a title."), code="required", field="title")
    if opens_at and closes_at and closes_at <= opens_at:
        rule = next(
            c
            for c in Questionnaire._meta.constraints
            if c.name == "questionnaire_closes_after_opens"
        )
        raise FeedbackError(
            str(rule.violation_error_message),
            code=rule.violation_error_code,
            field=rule.violation_error_field,
        )


@transaction.atomic
def create_questionnaire(
    *,
    workshop: Workshop,
    kind: str,
    title: str,
    title_local: str = "",
    introduction: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    pre_test: Questionnaire | None = None,
    trainers_see_results: bool = False,
) -> Questionnaire:
    """A new questionnaire; evaluations are anonymous, knowledge tests named (the model's
    ``questionnaire_tests_not_anonymous``)."""
    _check_title_and_dates(title=title, opens_at=opens_at, closes_at=closes_at)
    if pre_test is not None and (
        pre_test.workshop_id != workshop.pk or pre_test.kind != Questionnaire.Kind.PRE_TEST
    ):
        raise FeedbackError(
            _("The matching test must be a test before, of this workshop."),
            code="invalid",
            field="pre_test",
        )
    return Questionnaire.objects.create(
        workshop=workshop,
        kind=kind,
        title=title.strip(),
        title_local=title_local.strip(),
        introduction=introduction,
        is_anonymous=kind == Questionnaire.Kind.EVALUATION,
        opens_at=opens_at,
        closes_at=closes_at,
        pre_test=pre_test if kind == Questionnaire.Kind.POST_TEST else None,
        trainers_see_results=trainers_see_results,
    )


def update_questionnaire(*, questionnaire: Questionnaire, **values) -> Questionnaire:
    """Change a questionnaire's texts, dates, matching test and trainers' access."""
    allowed = {
        "title",
        "title_local",
        "introduction",
        "opens_at",
        "closes_at",
        "pre_test",
        "trainers_see_results",
    }
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"not a questionnaire field to change: {sorted(unknown)}")
    merged = {name: values.get(name, getattr(questionnaire, name)) for name in allowed}
    _check_title_and_dates(
        title=str(merged["title"]), opens_at=merged["opens_at"], closes_at=merged["closes_at"]
    )
    pre_test = merged["pre_test"]
    if pre_test is not None and (
        questionnaire.kind != Questionnaire.Kind.POST_TEST
        or pre_test.workshop_id != questionnaire.workshop_id
        or pre_test.kind != Questionnaire.Kind.PRE_TEST
    ):
        raise FeedbackError(
            _("The matching test must be a test before, of this workshop."),
            code="invalid",
            field="pre_test",
        )
    for name, value in merged.items():
        setattr(questionnaire, name, value.strip() if isinstance(value, str) else value)
    questionnaire.save(update_fields=sorted(allowed))
    return questionnaire


@transaction.atomic
def add_question(*, questionnaire: Questionnaire, data: QuestionData, **about) -> Question:
    """A question at the end of ``questionnaire``; ``about`` may name a session (of its
    workshop) or trainer."""
    _check_about(questionnaire, about)
    _check_question(questionnaire, data)
    question = Question.objects.create(
        questionnaire=questionnaire,
        order=_next_order(questionnaire),
        kind=data.kind,
        text=data.text.strip(),
        text_local=data.text_local.strip(),
        required=data.required,
        **about,
    )
    _write_choices(question, data.choices)
    return question


def _write_choices(question: Question, choices: list[tuple[str, str, bool]]) -> None:
    if question.kind not in (QK.CHOICE, QK.MULTIPLE):
        return
    Choice.objects.bulk_create(
        [
            Choice(question=question, order=n, text=text, text_local=local, is_correct=correct)
            for n, (text, local, correct) in enumerate(choices, start=1)
        ]
    )


def _answered(question: Question) -> bool:
    return (
        question.answers.exists()
        or SealedResponse.objects.filter(questionnaire_id=question.questionnaire_id).exists()
    )


@transaction.atomic
def update_question(*, question: Question, data: QuestionData, **about) -> Question:
    """Change a question's texts, kind and choices. Once answered, only its texts may change
    (a changed kind or choice would change what the answers mean).

    ``about``, as ``add_question`` takes it: the session or trainer it is about (None: the
    workshop), changed only where given. Its text says whom the participants were asked
    about; the link decides whose results show it, so a wrong link can be corrected after
    answers too.
    """
    _check_about(question.questionnaire, about)
    _check_question(question.questionnaire, data)
    existing = list(question.choices.order_by("order", "pk"))
    answered = (
        _answered(question)
        or Submission.objects.filter(questionnaire_id=question.questionnaire_id).exists()
    )
    if answered and (data.kind != question.kind or len(data.choices) != len(existing)):
        raise FeedbackError(
            _(
                "This questionnaire has answers: only the texts of a question can change, "
                "not its kind or number of choices."
            ),
            code="answered",
            field="kind",
        )
    question.kind = data.kind
    question.text = data.text.strip()
    question.text_local = data.text_local.strip()
    question.required = data.required
    for name, value in about.items():
        setattr(question, name, value)
    question.save(update_fields=["kind", "text", "text_local", "required", *sorted(about)])
    if len(data.choices) == len(existing):
        for choice, (text, local, correct) in zip(existing, data.choices, strict=True):
            choice.text, choice.text_local, choice.is_correct = text, local, correct
        Choice.objects.bulk_update(existing, ["text", "text_local", "is_correct"])
    else:
        question.choices.all().delete()
        _write_choices(question, data.choices)
    return question


@transaction.atomic
def move_question(*, question: Question, by: int) -> None:
    """Move a question ``by`` places (-1 up, +1 down) and renumber the questionnaire 1, 2, …"""
    questions = list(question.questionnaire.questions.order_by("order", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + by))
    questions.insert(target, questions.pop(index))
    for order, item in enumerate(questions, start=1):
        item.order = order
    Question.objects.bulk_update(questions, ["order"])


@transaction.atomic
def delete_question(*, question: Question) -> None:
    if Submission.objects.filter(questionnaire_id=question.questionnaire_id).exists():
        raise FeedbackError(
            _("This questionnaire has answers: its questions can no longer be removed."),
            code="answered",
            field="question",
        )
    question.delete()


# The default evaluation: (kind, English, Chinese). Texts are marked for the catalogue
# but stored in both languages, as the participant's language decides which one is shown.
DEFAULT_EVALUATION = [
    (
        QK.RATING,
        gettext_noop("Overall, how would you rate the workshop?"),
        "总体而言，您如何评价本次培训？",
    ),
    (
        QK.RATING,
        gettext_noop("How relevant was the workshop to your work?"),
        "本次培训与您的工作相关程度如何？",
    ),
    (
        QK.RATING,
        gettext_noop("How appropriate were the training methods?"),
        "培训方法是否合适？",
    ),
    (
        QK.RATING,
        gettext_noop("How would you rate the trainers overall?"),
        "您如何评价培训师的总体表现？",
    ),
    (
        QK.RATING,
        gettext_noop("How well was the workshop organised (venue, materials, timetable)?"),
        "培训的组织工作（场地、材料、日程安排）如何？",
    ),
    (
        QK.TEXT,
        gettext_noop("What would you suggest for future workshops?"),
        "对今后的培训有何建议？",
    ),
]


@transaction.atomic
def add_default_evaluation(*, workshop: Workshop) -> Questionnaire:
    """The ready evaluation (overall, relevance, methods, trainers, organisation,
    suggestions), open from the workshop's last day for a week, anonymous."""
    opens = datetime.combine(workshop.end_date, time(12), tzinfo=workshop.tz)
    questionnaire = create_questionnaire(
        workshop=workshop,
        kind=Questionnaire.Kind.EVALUATION,
        title="Workshop evaluation",
        title_local="培训评估表",
        opens_at=opens,
        closes_at=opens + timedelta(days=7),
    )
    for kind, text, local in DEFAULT_EVALUATION:
        add_question(
            questionnaire=questionnaire,
            data=QuestionData(kind=kind, text=text, text_local=local, required=kind != QK.TEXT),
        )
    return questionnaire


@transaction.atomic
def copy_questionnaire(*, source: Questionnaire, workshop: Workshop) -> Questionnaire:
    """A copy of ``source`` (from any workshop the organiser organises: the view checks) in
    ``workshop``: texts, questions and choices; not its dates, answers or timetable items,
    which belong to the other workshop's sessions and trainers."""
    copy = Questionnaire.objects.create(
        workshop=workshop,
        kind=source.kind,
        title=source.title,
        title_local=source.title_local,
        introduction=source.introduction,
        is_anonymous=source.is_anonymous,
        trainers_see_results=source.trainers_see_results,
    )
    questions = list(
        source.questions.filter(is_generated=False).prefetch_related("choices").order_by("order")
    )
    for order, question in enumerate(questions, start=1):
        new = Question.objects.create(
            questionnaire=copy,
            order=order,
            kind=question.kind,
            text=question.text,
            text_local=question.text_local,
            required=question.required,
        )
        Choice.objects.bulk_create(
            [
                Choice(
                    question=new,
                    order=choice.order,
                    text=choice.text,
                    text_local=choice.text_local,
                    is_correct=choice.is_correct,
                )
                for choice in question.choices.all()
            ]
        )
    return copy


class SyncResult(NamedTuple):
    added: int
    updated: int
    removed: int


def _session_texts(session: Session) -> tuple[str, str]:
    text = f"How useful was the session “{session.title}”?"
    local = f"“{session.title_local or session.title}”这一专题是否有用？"
    return text, local


def _trainer_texts(trainer: Trainer) -> tuple[str, str]:
    text = f"How clear and useful were the sessions given by {trainer.name}?"
    local = f"{trainer.name_local or trainer.name}的授课是否清楚、有用？"
    return text, local


@transaction.atomic
def sync_timetable_items(*, questionnaire: Questionnaire) -> SyncResult:
    """One rating per taught (scheduled) session and per trainer teaching in the workshop,
    added, retitled or removed to match the timetable now. Only generated items change;
    an item already answered is kept (its answers would be lost) even if its session went.
    """
    if questionnaire.kind != Questionnaire.Kind.EVALUATION:
        return SyncResult(0, 0, 0)
    sessions = list(
        Session.objects.filter(
            workshop_id=questionnaire.workshop_id, status=Session.Status.SCHEDULED
        )
        .filter(trainers__isnull=False)
        .distinct()
        .order_by("starts_at", "pk")
    )
    trainers = list(
        Trainer.objects.filter(
            sessions__workshop_id=questionnaire.workshop_id,
            sessions__status=Session.Status.SCHEDULED,
        )
        .distinct()
        .order_by("name", "pk")
    )
    wanted = {("session", s.pk): _session_texts(s) for s in sessions}
    wanted |= {("trainer", t.pk): _trainer_texts(t) for t in trainers}
    existing = {}
    for question in questionnaire.questions.filter(is_generated=True):
        key = (
            ("session", question.session_id)
            if question.session_id
            else ("trainer", question.trainer_id)
        )
        existing[key] = question
    answered = set(
        Answer.objects.filter(question__in=existing.values()).values_list("question_id", flat=True)
    )
    added = updated = removed = 0
    order = _next_order(questionnaire)
    for key, (text, local) in wanted.items():
        question = existing.pop(key, None)
        if question is None:
            kind, pk = key
            Question.objects.create(
                questionnaire=questionnaire,
                order=order,
                kind=QK.RATING,
                text=text,
                text_local=local,
                required=False,
                is_generated=True,
                **{f"{kind}_id": pk},
            )
            order += 1
            added += 1
        elif (question.text, question.text_local) != (text, local):
            question.text, question.text_local = text, local
            question.save(update_fields=["text", "text_local"])
            updated += 1
    for question in existing.values():
        if question.pk not in answered:
            question.delete()
            removed += 1
    return SyncResult(added, updated, removed)


def keep_timetable_items_in_step(*, questionnaire: Questionnaire) -> SyncResult:
    """``sync_timetable_items`` for a questionnaire that has generated items (one query if
    it has none): what the feedback pages call on opening a questionnaire or its results."""
    if not questionnaire.questions.filter(is_generated=True).exists():
        return SyncResult(0, 0, 0)
    return sync_timetable_items(questionnaire=questionnaire)


def set_quotable(*, answer: Answer, quotable: bool) -> Answer:
    """Mark a comment as one the report may quote (or not)."""
    if not answer.text:
        raise FeedbackError(
            _("Only a comment can be quoted."), code="not_a_comment", field="quotable"
        )
    answer.quotable = quotable
    answer.save(update_fields=["quotable"])
    return answer

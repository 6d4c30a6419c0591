# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001

"""The feedback rules, in one place: the participant's form, the organisers' pages, the admin,
the commands and the demo all change questionnaires and answers through these functions.

The rules of an answer (``submit_response``), checked whole before anything is written, so
that a refusal saves nothing and names every question it is about:

- Only a confirmed registration of the questionnaire's own workshop may answer, and only
  while the questionnaire is open (its open date set and past, its close date not yet).
- Once: the ``Submission`` row (unique per questionnaire and registration) says who has
  answered; a second submission is refused, even two at once (the constraint decides).
- Every answer is to a question of this questionnaire; a rating is a whole number from 1
  to 5; a choice is one of the question's choices (several only where the question allows
  several, each once); a text has no NUL character and at most 5,000 characters; every
  required question is answered.
- Anonymous answers go to the sealed box, never straight to the results
  (``feedback.anonymity``); named ones (knowledge tests) are written at once.

The timetable items (``sync_timetable_items``): one "rate this session" question per taught
session and one "rate this trainer" question per trainer who teaches in it, kept in step
when the timetable changes. ``events`` cannot call ``feedback`` (imports flow the other
way), so the feedback pages call the sync when an organiser opens the questionnaire or its
results, and before invitations are sent.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from events.models import Session, Trainer, Workshop
from feedback import anonymity
from feedback.anonymity import AnswerRow
from feedback.models import (
    RATING_MAX,
    RATING_MIN,
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
    Submission,
)
from participants.models import Registration

QK = Question.Kind
TEXT_MAX_LENGTH = 5000


class FeedbackError(Exception):
    """A rule refused: ``field`` is what it is about (a question's form field ``q<pk>``, or
    the questionnaire's field), ``code`` the rule, ``message`` the sentence for a person."""

    def __init__(self, message: str, *, code: str, field: str = "", question=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.question = question

    def __str__(self) -> str:
        return self.message


class SubmissionRefused(FeedbackError):
    """A submission broke one rule or several; ``errors`` holds every one, in form order."""

    def __init__(self, errors: list[FeedbackError]):
        super().__init__(errors[0].message, code=errors[0].code, field=errors[0].field)
        self.errors = errors


def question_field(question_id: int) -> str:
    """The form field of a question, as the page names it and the errors point at."""
    return f"q{question_id}"


# ---------------------------------------------------------------------------------------------
# Answering


def is_open(questionnaire: Questionnaire, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if questionnaire.opens_at is None or questionnaire.opens_at > now:
        return False
    return questionnaire.closes_at is None or questionnaire.closes_at > now


def check_may_answer(
    questionnaire: Questionnaire, registration: Registration, *, now: datetime | None = None
) -> None:
    """Refuse (FeedbackError) unless ``registration`` may answer ``questionnaire`` now."""
    if (
        registration.workshop_id != questionnaire.workshop_id
        or registration.status != Registration.Status.CONFIRMED
    ):
        raise FeedbackError(
            _("Only confirmed participants of this workshop can answer this questionnaire."),
            code="not_a_participant",
            field="registration",
        )
    now = now or timezone.now()
    if questionnaire.opens_at is None or questionnaire.opens_at > now:
        raise FeedbackError(
            _("This questionnaire is not open yet."), code="not_open", field="opens_at"
        )
    if questionnaire.closes_at is not None and questionnaire.closes_at <= now:
        raise FeedbackError(
            _("This questionnaire has closed: answers are no longer accepted."),
            code="closed",
            field="closes_at",
        )
    if Submission.objects.filter(questionnaire=questionnaire, registration=registration).exists():
        raise _already_answered()


def _already_answered() -> FeedbackError:
    return FeedbackError(
        _("You have already answered this questionnaire: each person answers once."),
        code="already_answered",
        field="registration",
    )


def _values(raw) -> list[str]:
    """A form's value(s) as a list of stripped strings, blanks dropped."""
    if raw is None:
        return []
    if isinstance(raw, str | int):
        raw = [raw]
    return [str(value).strip() for value in raw if str(value).strip() != ""]


def _whole_number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _answer_rows(question: Question, raw, choice_ids: set[int]) -> list[AnswerRow]:
    """The rows for one question's value(s); FeedbackError naming the question if refused."""
    name = question_field(question.pk)
    values = _values(raw)

    def refuse(message: str, code: str) -> FeedbackError:
        return FeedbackError(message, code=code, field=name, question=question)

    if not values:
        if question.required:
            raise refuse(_("This question is required: please answer it."), "required")
        return []
    if question.kind == QK.TEXT:
        text = "\n".join(values)
        if "\x00" in text:
            raise refuse(_("The text contains a character that cannot be stored (NUL)."), "nul")
        if len(text) > TEXT_MAX_LENGTH:
            raise refuse(
                _("Please write at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH},
                "too_long",
            )
        return [AnswerRow(question_id=question.pk, text=text)]
    if question.kind == QK.RATING:
        number = _whole_number(values[0]) if len(values) == 1 else None
        if number is None or not RATING_MIN <= number <= RATING_MAX:
            raise refuse(
                _("A rating must be a whole number from %(min)d to %(max)d.")
                % {"min": RATING_MIN, "max": RATING_MAX},
                "rating_out_of_range",
            )
        return [AnswerRow(question_id=question.pk, rating=number)]
    chosen = [_whole_number(value) for value in values]
    if any(number not in choice_ids for number in chosen):
        raise refuse(_("Please pick one of the choices offered."), "unknown_choice")
    if question.kind == QK.CHOICE and len(chosen) > 1:
        raise refuse(_("Please pick only one choice."), "one_choice")
    if len(set(chosen)) != len(chosen):
        raise refuse(_("Each choice can be ticked only once."), "choice_twice")
    return [AnswerRow(question_id=question.pk, choice_id=number) for number in chosen]


def validate_answers(questionnaire: Questionnaire, answers: Mapping) -> list[AnswerRow]:
    """Every row of ``answers`` ({question pk or its field name: value(s)}), or
    SubmissionRefused with every error. Two queries: the questions and their choices."""
    questions = list(questionnaire.questions.order_by("order", "pk"))
    known = {question.pk: question for question in questions}
    choices: dict[int, set[int]] = {question.pk: set() for question in questions}
    for question_id, choice_id in Choice.objects.filter(
        question__questionnaire=questionnaire
    ).values_list("question_id", "pk"):
        choices[question_id].add(choice_id)
    given: dict[int, object] = {}
    errors: list[FeedbackError] = []
    for key, value in answers.items():
        number = _whole_number(str(key).removeprefix("q"))
        if number not in known:
            errors.append(
                FeedbackError(
                    _("This answer is to a question that is not in this questionnaire."),
                    code="unknown_question",
                    field=str(key),
                )
            )
            continue
        given[number] = value
    rows: list[AnswerRow] = []
    for question in questions:
        try:
            rows += _answer_rows(question, given.get(question.pk), choices[question.pk])
        except FeedbackError as error:
            errors.append(error)
    if errors:
        raise SubmissionRefused(errors)
    return rows


@dataclass(frozen=True)
class Submitted:
    """What came of a submission: the record, and whether the answers wait in the box."""

    submission: Submission
    sealed: bool
    response: Response | None = None


def submit_response(
    *,
    questionnaire: Questionnaire,
    registration: Registration,
    answers: Mapping,
    language: str = "",
    now: datetime | None = None,
) -> Submitted:
    """Accept ``registration``'s answers to ``questionnaire``, all or nothing.

    ``answers`` maps a question's pk (or its form field ``q<pk>``) to a value or a list of
    values, as a form sends them. Raises ``FeedbackError`` (may not answer) or
    ``SubmissionRefused`` (every rule the answers break). Anonymous answers are sealed and
    flushed later, after this transaction; named ones are written now.
    """
    now = now or timezone.now()
    check_may_answer(questionnaire, registration, now=now)
    rows = validate_answers(questionnaire, answers)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                questionnaire=questionnaire, registration=registration, submitted_at=now
            )
            if questionnaire.is_anonymous:
                SealedResponse.objects.create(
                    questionnaire=questionnaire,
                    sealed=anonymity.seal(questionnaire.pk, rows),
                )
                response = None
            else:
                response = Response.objects.create(
                    questionnaire=questionnaire,
                    registration=registration,
                    submitted_on=questionnaire.workshop.local(now).date(),
                    language=language[:10],
                )
                Answer.objects.bulk_create(
                    [
                        Answer(
                            response=response,
                            question_id=row.question_id,
                            rating=row.rating,
                            choice_id=row.choice_id,
                            text=row.text,
                        )
                        for row in rows
                    ]
                )
    except IntegrityError:
        # Two submissions at once: the unique constraint let one through.
        raise _already_answered() from None
    if questionnaire.is_anonymous:
        # After the commit, in a transaction of its own, and only once a batch waits.
        anonymity.flush_after_commit(questionnaire.pk, now=now)
    return Submitted(submission=submission, sealed=questionnaire.is_anonymous, response=response)


def close_questionnaire(*, questionnaire: Questionnaire, now: datetime | None = None) -> int:
    """Close now (if still open) and move every waiting answer to the results; how many."""
    now = now or timezone.now()
    if questionnaire.closes_at is None or questionnaire.closes_at > now:
        if questionnaire.opens_at is None or questionnaire.opens_at >= now:
            questionnaire.opens_at = now - timedelta(seconds=1)
        questionnaire.closes_at = now
        questionnaire.save(update_fields=["opens_at", "closes_at"])
    return anonymity.flush(questionnaire, final=True, now=now)


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
    if not title.strip():
        raise FeedbackError(_("A questionnaire needs a title."), code="required", field="title")
    if opens_at and closes_at and closes_at <= opens_at:
        raise FeedbackError(
            _("A questionnaire must close after it opens."),
            code="closes_before_opens",
            field="closes_at",
        )
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
    if not str(merged["title"]).strip():
        raise FeedbackError(_("A questionnaire needs a title."), code="required", field="title")
    opens, closes = merged["opens_at"], merged["closes_at"]
    if opens and closes and closes <= opens:
        raise FeedbackError(
            _("A questionnaire must close after it opens."),
            code="closes_before_opens",
            field="closes_at",
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
    """A question at the end of ``questionnaire``; ``about`` may name a session or trainer."""
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
def update_question(*, question: Question, data: QuestionData) -> Question:
    """Change a question's texts, kind and choices. Once answered, only its texts may change
    (a changed kind or choice would change what the answers mean)."""
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
    question.save(update_fields=["kind", "text", "text_local", "required"])
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


# ---------------------------------------------------------------------------------------------
# Invitations and reminders


def respond_url(registration: Registration, questionnaire: Questionnaire) -> str:
    path = reverse("feedback:respond", args=[registration.token, questionnaire.pk])
    return f"{settings.SITE_URL}{path}"


def recipients(questionnaire: Questionnaire, *, reminder: bool) -> list[Registration]:
    """Confirmed registrations of the workshop; for a reminder, those with no Submission."""
    registrations = Registration.objects.filter(
        workshop_id=questionnaire.workshop_id, status=Registration.Status.CONFIRMED
    ).select_related("participant", "workshop")
    if reminder:
        registrations = registrations.exclude(submissions__questionnaire=questionnaire)
    return list(registrations.order_by("pk"))


def language_of(registration: Registration) -> str:
    """The language of the person's pages and e-mails for this workshop."""
    return registration.preferred_language or "en"


def _email(registration: Registration, questionnaire: Questionnaire, *, reminder: bool):
    language = language_of(registration)
    with translation.override(language):
        context = {
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(language),
            "workshop": questionnaire.workshop,
            "url": respond_url(registration, questionnaire),
            "reminder": reminder,
            "closes_at": questionnaire.closes_at
            and questionnaire.workshop.local(questionnaire.closes_at),
        }
        subject = (_("Reminder: %(title)s") if reminder else _("Your feedback: %(title)s")) % {
            "title": context["title"]
        }
        text = render_to_string("feedback/emails/invitation.txt", context)
        html = render_to_string("feedback/emails/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[registration.participant.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_invitations(
    *, questionnaire: Questionnaire, reminder: bool = False, now: datetime | None = None
) -> int:
    """E-mail the link (or a reminder to those who have not answered); how many were sent.

    The timetable items are brought in step first, so the questionnaire people open is the
    one the timetable says.
    """
    now = now or timezone.now()
    keep_timetable_items_in_step(questionnaire=questionnaire)
    people = recipients(questionnaire, reminder=reminder)
    sent = 0
    for registration in people:
        sent += _email(registration, questionnaire, reminder=reminder).send()
    stamp = "reminded_at" if reminder else "invited_at"
    setattr(questionnaire, stamp, now)
    questionnaire.save(update_fields=[stamp])
    return sent


def send_due(*, now: datetime | None = None) -> dict[str, int]:
    """For a daily timer: the link to every open questionnaire whose workshop has ended and
    which was never sent; a reminder, once, two days after it, to those who have not
    answered. {"invited": n, "reminded": n} e-mails."""
    now = now or timezone.now()
    counts = {"invited": 0, "reminded": 0}
    for questionnaire in Questionnaire.objects.select_related("workshop").filter(opens_at__lte=now):
        if not is_open(questionnaire, now):
            continue
        workshop = questionnaire.workshop
        if workshop.local(now).date() < workshop.end_date:
            continue
        if questionnaire.invited_at is None:
            counts["invited"] += send_invitations(questionnaire=questionnaire, now=now)
        elif questionnaire.reminded_at is None and now - questionnaire.invited_at >= timedelta(
            days=2
        ):
            counts["reminded"] += send_invitations(
                questionnaire=questionnaire, reminder=True, now=now
            )
    return counts


__all__ = [
    "FeedbackError",
    "SubmissionRefused",
    "add_default_evaluation",
    "add_question",
    "close_questionnaire",
    "copy_questionnaire",
    "create_questionnaire",
    "delete_question",
    "move_question",
    "send_due",
    "send_invitations",
    "set_quotable",
    "submit_response",
    "sync_timetable_items",
    "update_question",
]

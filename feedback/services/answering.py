"""Answering a questionnaire: the rules of a submission, checked whole (see the package's
docstring), and closing a questionnaire."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.refusals import Refusal
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
from integrations import webhooks
from participants.models import Registration

QK = Question.Kind
TEXT_MAX_LENGTH = 5000


class FeedbackError(Refusal):
    """A rule refused: ``field`` is what it is about (a question's form field ``q<pk>``, or
    the questionnaire's field), ``code`` the rule, ``message`` the sentence for a person."""

    def __init__(self, message: str, *, code: str, field: str = "", question=None):
        super().__init__(message, field=field or None, code=code)
        self.question = question


class SubmissionRefused(FeedbackError):
    """A submission broke one rule or several; ``errors`` holds every one, in form order."""

    def __init__(self, errors: list[FeedbackError]):
        super().__init__(errors[0].message, code=errors[0].code, field=errors[0].field)
        self.errors = errors

    def rows(self) -> list[dict]:
        return [row for error in self.errors for row in error.rows()]


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
                Answer.objects.bulk_create([row.answer(response) for row in rows])
            # An anonymous response says only that someone answered: no registration, no
            # response id (which would tie the answers to the moment and so to a person).
            webhooks.emit(
                webhooks.Event.RESPONSE_SUBMITTED,
                workshop=questionnaire.workshop,
                data={
                    "questionnaire": questionnaire.pk,
                    "anonymous": questionnaire.is_anonymous,
                    "registration": None if questionnaire.is_anonymous else registration.pk,
                    "response": None if response is None else response.pk,
                },
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

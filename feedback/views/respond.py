"""The participant's questionnaire, reached from the personal page: no password, the
personal link's token is the key (a wrong one is a 404, as on the personal page).

The page is in the person's preferred language; a refused submission shows the page again
with everything typed, a summary at the top naming each question and the rule, and each
message beside its question. The rules are ``feedback.services.submit_response``'s.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.rate_limit import rate_limited, too_many_requests
from feedback import services
from feedback.models import RATING_LABELS, RATING_MAX, RATING_MIN, Question, Questionnaire
from feedback.queries import get_questionnaire_for_registration, open_questionnaires
from feedback.services import FeedbackError, SubmissionRefused, question_field
from feedback.statistics import person_score
from participants.emails import workshop_title
from participants.models import Registration
from participants.queries import get_registration_by_token

QK = Question.Kind


def personal_section(registration: Registration) -> dict | None:
    """The questionnaires the personal page asks this person to answer (config.shell)."""
    questionnaires = open_questionnaires(registration)
    if not questionnaires:
        return None
    token = registration.token
    return {
        "feedback_links": [
            (questionnaire, reverse("feedback:respond", args=[token, questionnaire.pk]))
            for questionnaire in questionnaires
        ]
    }


def language_of(registration: Registration) -> str:
    """The person's language for this workshop."""
    return services.language_of(registration)


@dataclass
class Item:
    """A question as the form shows it, with what was typed or ticked and its error."""

    question: Question
    number: int
    name: str
    text: str
    values: list[str]
    error: str
    options: list[tuple[str, str, bool]]  # (value, label, checked)

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


def _items(questionnaire: Questionnaire, language: str, posted, errors: dict) -> list[Item]:
    """Two queries: the questions and their choices."""
    questions = list(questionnaire.questions.prefetch_related("choices").order_by("order", "pk"))
    items = []
    for number, question in enumerate(questions, start=1):
        name = question_field(question.pk)
        values = posted.getlist(name) if posted is not None else []
        if question.kind == QK.RATING:
            labels = [
                (str(v), f"{v} · {RATING_LABELS[v]}", str(v) in values)
                for v in range(RATING_MIN, RATING_MAX + 1)
            ]
        elif question.kind in (QK.CHOICE, QK.MULTIPLE):
            labels = [
                (str(c.pk), c.text_in(language), str(c.pk) in values)
                for c in question.choices.all()
            ]
        else:
            labels = []
        items.append(
            Item(
                question=question,
                number=number,
                name=name,
                text=question.text_in(language),
                values=values,
                error=errors.get(name, ""),
                options=labels,
            )
        )
    return items


def _headers(response: HttpResponse, language: str) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    if request.method == "POST":
        # Per address, before the link is even looked up (config/rate_limit.py).
        wait = rate_limited(request, "feedback")
        if wait:
            return too_many_requests(request, wait)
    registration = get_registration_by_token(token)
    questionnaire = get_questionnaire_for_registration(registration, pk)
    language = language_of(registration)
    with translation.override(language):
        refusal, errors, summary = None, {}, []
        if request.method == "POST":
            answers = {
                key: request.POST.getlist(key) for key in request.POST if key.startswith("q")
            }
            try:
                services.submit_response(
                    questionnaire=questionnaire,
                    registration=registration,
                    answers=answers,
                    language=language,
                )
            except SubmissionRefused as refused:
                summary = refused.errors
                errors = {error.field: error.message for error in refused.errors}
            except FeedbackError as refused:
                refusal = refused
            else:
                return redirect("feedback:thanks", token=registration.token, pk=questionnaire.pk)
        else:
            try:
                services.check_may_answer(questionnaire, registration)
            except FeedbackError as refused:
                refusal = refused
        items = (
            []
            if refusal
            else _items(questionnaire, language, request.POST if summary else None, errors)
        )
        numbers = {item.name: item for item in items}
        context = {
            "registration": registration,
            "workshop": questionnaire.workshop,
            "workshop_title": workshop_title(questionnaire.workshop, language),
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(language),
            "refusal": refusal,
            "summary": [(numbers.get(error.field), error.message) for error in summary],
            "items": items,
        }
        response = render(
            request, "feedback/respond/form.html", context, status=400 if summary else 200
        )
    return _headers(response, language)


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """After answering: thanks, and for a knowledge test the person's own score."""
    registration = get_registration_by_token(token)
    questionnaire = get_questionnaire_for_registration(registration, pk)
    language = language_of(registration)
    with translation.override(language):
        score = None
        if not questionnaire.is_anonymous:
            response = questionnaire.responses.filter(registration=registration).first()
            if response is not None:
                score = person_score(response)
        if not questionnaire.submissions.filter(registration=registration).exists():
            return redirect("feedback:respond", token=registration.token, pk=questionnaire.pk)
        page = render(
            request,
            "feedback/respond/thanks.html",
            {
                "registration": registration,
                "questionnaire": questionnaire,
                "title": questionnaire.title_in(language),
                "score": score,
                "message": _("Thank you: your answers have been received."),
            },
        )
    return _headers(page, language)

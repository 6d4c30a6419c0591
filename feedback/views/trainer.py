"""A trainer's own results, through the trainer's link (the token of their calendar feed):
only questionnaires whose organisers allowed it, only the questions about the trainer and
the sessions they teach, under the same group rule as the organisers' page."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from feedback import statistics
from feedback.queries import get_trainer_by_token, trainer_questionnaires, trainer_questions


@never_cache
@require_GET
def trainer_results(request, token, pk=None):
    trainer = get_trainer_by_token(token)
    questionnaires = trainer_questionnaires(trainer)
    context = {"trainer": trainer, "questionnaires": questionnaires, "token": token}
    if pk is not None:
        questionnaire = get_object_or_404(questionnaires, pk=pk)
        questions = trainer_questions(trainer, questionnaire)
        context["questionnaire"] = questionnaire
        context["results"] = statistics.questionnaire_results(
            questionnaire, questions=questions, with_comments=False
        )
        if not context["results"].items:
            raise Http404
    response = render(request, "feedback/trainer/results.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

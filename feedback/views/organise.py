"""The organisers' feedback pages under a workshop: questionnaires, their questions, the
timetable items, invitations, results, exports and quotes.

Every view finds its workshop through ``get_organised_workshop`` (via
``feedback.queries``): anyone who does not organise it gets a 404 that reveals nothing.
Changes go through ``feedback.services``; figures come from ``feedback.statistics``.
Opening a questionnaire or its results first brings its timetable items in step with the
timetable (``events`` cannot call ``feedback``, so this is where the sync happens).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events.queries import get_organised_workshop
from feedback import services, statistics
from feedback.forms import CopyQuestionnaireForm, QuestionForm, QuestionnaireForm
from feedback.queries import (
    copy_sources,
    get_organised_comment,
    get_organised_question,
    get_organised_questionnaire,
    questionnaires_of,
    workshop_trainers,
)
from feedback.services import FeedbackError
from participants import exports


def _back(questionnaire, view="feedback:questionnaire"):
    return redirect(view, slug=questionnaire.workshop.slug, pk=questionnaire.pk)


@login_required
def questionnaire_list(request, slug):
    """The workshop's questionnaires; add the default evaluation; copy one."""
    workshop = get_organised_workshop(request.user, slug)
    copy_form = CopyQuestionnaireForm(sources=copy_sources(request.user, workshop))
    return render(
        request,
        "feedback/organise/list.html",
        {
            "workshop": workshop,
            "questionnaires": questionnaires_of(workshop),
            "copy_form": copy_form,
        },
    )


@login_required
@require_POST
def add_default(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    questionnaire = services.add_default_evaluation(workshop=workshop)
    messages.success(request, _("The default evaluation was added. Check its dates and questions."))
    return _back(questionnaire)


@login_required
@require_POST
def copy(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    form = CopyQuestionnaireForm(request.POST, sources=copy_sources(request.user, workshop))
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire of a workshop you organise."))
        return redirect("feedback:list", slug=workshop.slug)
    questionnaire = services.copy_questionnaire(
        source=form.cleaned_data["source"], workshop=workshop
    )
    messages.success(request, _("The questionnaire was copied. Set its dates."))
    return _back(questionnaire)


@login_required
def questionnaire_create(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    form = QuestionnaireForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        questionnaire = form.save()
        if questionnaire is not None:
            messages.success(request, _("The questionnaire was created. Add its questions."))
            return _back(questionnaire)
    return render(
        request, "feedback/organise/questionnaire_form.html", {"workshop": workshop, "form": form}
    )


@login_required
def questionnaire_detail(request, slug, pk):
    """Its settings, its questions (move, edit, remove) and a form to add one."""
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    workshop = questionnaire.workshop
    synced = services.keep_timetable_items_in_step(questionnaire=questionnaire)
    if synced.added or synced.updated or synced.removed:
        messages.info(
            request, _("The session and trainer questions were brought in step with the timetable.")
        )
    form = QuestionnaireForm(
        request.POST if "save_questionnaire" in request.POST else None,
        workshop=workshop,
        instance=questionnaire,
    )
    question_form = QuestionForm(
        request.POST if "add_question" in request.POST else None, questionnaire=questionnaire
    )
    if request.method == "POST":
        bound = form if "save_questionnaire" in request.POST else question_form
        if bound.is_valid() and bound.save() is not None:
            messages.success(request, _("Saved."))
            return _back(questionnaire)
    context = {
        "workshop": workshop,
        "questionnaire": questionnaire,
        "form": form,
        "question_form": question_form,
        "questions": questionnaire.questions.select_related("session", "trainer").order_by(
            "order", "pk"
        ),
        "answered": questionnaire.submissions.count(),
        # Where each trainer reads the results about them, once the organiser allows it.
        "trainer_links": [
            (
                trainer,
                request.build_absolute_uri(
                    reverse("feedback:trainer_results", args=[trainer.feed_token, questionnaire.pk])
                ),
            )
            for trainer in workshop_trainers(workshop)
        ]
        if questionnaire.trainers_see_results
        else [],
    }
    return render(request, "feedback/organise/questionnaire.html", context)


@login_required
def question_edit(request, slug, pk, question):
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    question = get_organised_question(questionnaire, question)
    form = QuestionForm(request.POST or None, questionnaire=questionnaire, instance=question)
    if request.method == "POST" and form.is_valid() and form.save() is not None:
        messages.success(request, _("The question was saved."))
        return _back(questionnaire)
    return render(
        request,
        "feedback/organise/question_form.html",
        {
            "workshop": questionnaire.workshop,
            "questionnaire": questionnaire,
            "form": form,
            "question": question,
        },
    )


@login_required
@require_POST
def question_move(request, slug, pk, question):
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    question = get_organised_question(questionnaire, question)
    services.move_question(question=question, by=-1 if request.POST.get("by") == "up" else 1)
    return _back(questionnaire)


@login_required
@require_POST
def question_delete(request, slug, pk, question):
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    question = get_organised_question(questionnaire, question)
    try:
        services.delete_question(question=question)
    except FeedbackError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The question was removed."))
    return _back(questionnaire)


@login_required
@require_POST
def generate(request, slug, pk):
    """Add (or bring in step) a rating per taught session and per trainer."""
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    result = services.sync_timetable_items(questionnaire=questionnaire)
    messages.success(
        request,
        _(
            "Session and trainer questions: %(added)d added, %(updated)d updated, "
            "%(removed)d removed."
        )
        % {"added": result.added, "updated": result.updated, "removed": result.removed},
    )
    return _back(questionnaire)


@login_required
@require_POST
def send(request, slug, pk):
    """E-mail the link to every confirmed participant, or remind those who have not answered."""
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    reminder = request.POST.get("reminder") == "1"
    if not services.is_open(questionnaire):
        messages.error(request, _("The questionnaire is not open: set its dates first."))
        return _back(questionnaire)
    sent = services.send_invitations(questionnaire=questionnaire, reminder=reminder)
    messages.success(
        request,
        ngettext("%(n)d e-mail was sent.", "%(n)d e-mails were sent.", sent) % {"n": sent},
    )
    return _back(questionnaire)


@login_required
@require_POST
def close(request, slug, pk):
    """Close now, and move every waiting anonymous answer into the results."""
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    moved = services.close_questionnaire(questionnaire=questionnaire)
    messages.success(
        request,
        ngettext(
            "The questionnaire is closed; %(n)d waiting response joined the results.",
            "The questionnaire is closed; %(n)d waiting responses joined the results.",
            moved,
        )
        % {"n": moved},
    )
    return _back(questionnaire, "feedback:results")


@login_required
def results(request, slug, pk):
    """Response rate, every question's figures and charts, comments to quote, test gains.

    Queries, whatever the number of responses: the session, the user, the workshop, the
    questionnaire, the generated-items check, the six of ``questionnaire_results``, the
    two of ``response_rates`` and,
    for a test after, the five of ``knowledge_test_results``.
    """
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    services.keep_timetable_items_in_step(questionnaire=questionnaire)
    figures = statistics.questionnaire_results(questionnaire)
    fmt = request.GET.get("format")
    if fmt is not None:
        if fmt not in exports.FORMATS:
            return HttpResponseBadRequest(
                _("Unknown export format “%(format)s”: choose csv or xlsx.") % {"format": fmt}
            )
        return exports.table_response(
            statistics.result_rows(figures),
            fmt,
            filename=f"{questionnaire.workshop.slug}-feedback-{questionnaire.pk}",
            widths=[50, 30, 10, 8, 8, 6, 6, 6, 6, 6, 30, 8],
            title=_("Results"),
        )
    tests = statistics.knowledge_test_results(questionnaire) if questionnaire.pre_test_id else None
    return render(
        request,
        "feedback/organise/results.html",
        {
            "workshop": questionnaire.workshop,
            "questionnaire": questionnaire,
            "results": figures,
            "rates": statistics.response_rates(questionnaire),
            "tests": tests,
            "batch": settings.FEEDBACK_BATCH,
        },
    )


@login_required
@require_POST
def quote(request, slug, pk, answer):
    """Mark a comment as quotable in the report, or not."""
    questionnaire = get_organised_questionnaire(request.user, slug, pk)
    comment = get_organised_comment(questionnaire, answer)
    services.set_quotable(answer=comment, quotable=request.POST.get("quotable") == "1")
    url = reverse("feedback:results", kwargs={"slug": slug, "pk": questionnaire.pk})
    return redirect(f"{url}#comment-{comment.pk}")

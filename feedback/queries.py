"""Who may see which questionnaire, and the lists the feedback pages show.

Every look-up answers 404 to anyone it is not for, as the rest of the system does: a
questionnaire of a workshop the user does not organise, one of another workshop than the
personal link's, a trainer's page the organiser has not opened to trainers.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Session, Trainer
from events.queries import get_organised_workshop, organised_workshops
from feedback.models import Answer, Question, Questionnaire
from participants.models import Registration


def get_organised_questionnaire(user, slug: str, pk: int) -> Questionnaire:
    """Questionnaire ``pk`` of workshop ``slug`` if ``user`` organises the workshop; else 404."""
    workshop = get_organised_workshop(user, slug)
    return get_object_or_404(
        Questionnaire.objects.select_related("workshop", "pre_test"), pk=pk, workshop=workshop
    )


def get_organised_question(questionnaire: Questionnaire, pk: int) -> Question:
    return get_object_or_404(Question, pk=pk, questionnaire=questionnaire)


def get_organised_comment(questionnaire: Questionnaire, pk) -> Answer:
    """A comment (a text answer) given to ``questionnaire``; 404 for anything else."""
    return get_object_or_404(
        Answer.objects.exclude(text=""), pk=pk, question__questionnaire=questionnaire
    )


def questionnaires_of(workshop) -> QuerySet[Questionnaire]:
    """The workshop's questionnaires with their counts: one query."""
    return workshop.questionnaires.annotate(
        question_count=Count("questions", distinct=True),
        answered_count=Count("submissions", distinct=True),
        pending_count=Count("sealed_responses", distinct=True),
    ).order_by("kind", "pk")


def copy_sources(user, workshop) -> QuerySet[Questionnaire]:
    """Questionnaires ``user`` may copy into ``workshop``: those of workshops they organise."""
    return (
        Questionnaire.objects.filter(workshop__in=organised_workshops(user))
        .select_related("workshop")
        .order_by("-workshop__start_date", "workshop__title", "kind", "pk")
    )


def get_questionnaire_for_registration(registration: Registration, pk: int) -> Questionnaire:
    """Questionnaire ``pk`` of the personal link's workshop; 404 for any other."""
    return get_object_or_404(
        Questionnaire.objects.select_related("workshop"),
        pk=pk,
        workshop_id=registration.workshop_id,
    )


def open_questionnaires(registration: Registration, *, now=None) -> list[Questionnaire]:
    """The workshop's questionnaires open now that this registration has not answered: one query.

    Open means its window has started (``opens_at`` set and past) and not ended. Only a
    confirmed registration is asked for feedback.
    """
    if registration.status != Registration.Status.CONFIRMED:
        return []
    now = now or timezone.now()
    return list(
        Questionnaire.objects.filter(workshop_id=registration.workshop_id, opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .exclude(submissions__registration=registration)
        .order_by("opens_at", "pk")
    )


def get_trainer_by_token(token: str) -> Trainer:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(Trainer, feed_token=token)


def trainer_questionnaires(trainer: Trainer) -> QuerySet[Questionnaire]:
    """Questionnaires whose organisers let trainers see their results, of workshops where
    ``trainer`` teaches a scheduled session."""
    taught = Session.objects.filter(trainers=trainer, status=Session.Status.SCHEDULED)
    return (
        Questionnaire.objects.filter(trainers_see_results=True, workshop__sessions__in=taught)
        .distinct()
        .select_related("workshop")
        .order_by("-workshop__start_date", "pk")
    )


def workshop_trainers(workshop) -> QuerySet[Trainer]:
    """Trainers teaching a scheduled session of ``workshop``, by name."""
    return (
        Trainer.objects.filter(
            sessions__workshop=workshop, sessions__status=Session.Status.SCHEDULED
        )
        .distinct()
        .order_by("name", "pk")
    )


def trainer_questions(trainer: Trainer, questionnaire: Questionnaire) -> QuerySet[Question]:
    """The questions about ``trainer``: about them, or about a session they teach."""
    return questionnaire.questions.filter(
        Q(trainer=trainer) | Q(session__trainers=trainer)
    ).distinct()

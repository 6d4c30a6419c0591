"""The API's questionnaires, their results (figures only, under the minimum-group rule) and
responses (submission only, by the personal link, through ``submit_response``)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from events.api import ERRORS, WORKSHOP_FILTER
from events.queries import organised_workshops
from feedback.models import Question, Questionnaire
from feedback.queries import get_questionnaire_for_registration
from feedback.serializers import (
    QuestionnaireSerializer,
    ResponseSubmissionSerializer,
    ResultsSerializer,
    SubmittedSerializer,
)
from feedback.services import submit_response
from feedback.statistics import ChoiceResult, RatingResult, TextResult, questionnaire_results
from integrations.rest import ErrorsSerializer, IdempotentMixin, validated
from participants.api import PersonalLinkView


@extend_schema_view(
    list=extend_schema(
        summary="Questionnaires of the workshops you organise",
        parameters=[WORKSHOP_FILTER],
        responses={200: QuestionnaireSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One questionnaire", responses={200: QuestionnaireSerializer, **ERRORS}
    ),
)
class QuestionnaireViewSet(
    IdempotentMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = QuestionnaireSerializer
    query_filters = {"workshop": str}
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        questionnaires = (
            Questionnaire.objects.filter(
                workshop__in=organised_workshops(self.request.user).values("pk")
            )
            .select_related("workshop")
            .prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.order_by("order", "pk").prefetch_related("choices"),
                )
            )
            .order_by("workshop_id", "kind", "pk")
        )
        if self.request.query_params.get("workshop"):
            questionnaires = questionnaires.filter(
                workshop__slug=self.request.query_params["workshop"]
            )
        return questionnaires

    @extend_schema(
        summary="Results: figures per question, hidden below the minimum group",
        responses={200: ResultsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        questionnaire = self.get_object()
        # An anonymous questionnaire's results are figures only: no comments, which are
        # words a person wrote.
        results = questionnaire_results(questionnaire, with_comments=not questionnaire.is_anonymous)
        return Response(
            {
                "questionnaire": questionnaire.pk,
                "invited": results.invited,
                "answered": results.answered,
                "response_rate": results.response_rate,
                "min_group": results.min_group,
                "items": [
                    _item(item, anonymous=questionnaire.is_anonymous) for item in results.items
                ],
            }
        )


def _item(item, *, anonymous: bool) -> dict:
    question = item.question
    row = {
        "question": question.pk,
        "text": question.text,
        "kind": question.kind,
        "shown": item.shown,
        "count": None,
        "mean": None,
        "median": None,
        "distribution": None,
        "choices": None,
        "comments": None,
    }
    if not item.shown:
        return row
    if isinstance(item, RatingResult):
        row.update(
            count=item.count,
            mean=item.mean,
            median=item.median,
            distribution={str(value): n for value, n in sorted(item.distribution.items())},
        )
    elif isinstance(item, ChoiceResult):
        row.update(
            count=item.respondents,
            choices=[{"choice": c.pk, "text": c.text, "count": n} for c, n in item.counts],
        )
    elif isinstance(item, TextResult):
        row["count"] = item.count
        if not anonymous:
            row["comments"] = [comment.text for comment in item.comments]
    return row


class PersonalResponseView(PersonalLinkView):
    @extend_schema(
        summary="Answer a questionnaire, by your personal link",
        request=ResponseSubmissionSerializer,
        responses={201: SubmittedSerializer, 400: ErrorsSerializer, 404: ErrorsSerializer},
    )
    def post(self, request, token):
        registration = self.registration()
        data = validated(ResponseSubmissionSerializer, request)
        questionnaire = get_questionnaire_for_registration(registration, data["questionnaire"])
        submitted = submit_response(
            questionnaire=questionnaire,
            registration=registration,
            answers=data["answers"],
            language=data["language"] or registration.preferred_language,
        )
        return Response(
            {"questionnaire": questionnaire.pk, "sealed": submitted.sealed},
            status=status.HTTP_201_CREATED,
        )


__all__ = ["get_object_or_404"]

"""The API's statistics and documents of a workshop, for its organisers (404 to anyone
else, through ``get_organised_workshop``). The figures are those every output uses
(``reports.statistics``, ``participants.queries.registration_counts``); documents come from
``reports.documents.DOCUMENTS``, built in the request or, for large ones, by the worker."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api import ERRORS
from events.queries import get_organised_workshop, organised_workshops
from integrations.rest import IdempotentMixin, refusal, validated
from participants.exports import CONTENT_TYPES
from participants.queries import registration_counts
from reports.documents import DOCUMENTS
from reports.models import DocumentBuild
from reports.serializers import (
    BuildRequestSerializer,
    DocumentBuildSerializer,
    DocumentKindSerializer,
    FiguresSerializer,
)
from reports.statistics import workshop_figures
from reports.tasks import queue_document

PDF = "application/pdf"


def _content_type(fmt: str) -> str:
    return PDF if fmt == "pdf" else CONTENT_TYPES[fmt]


class OrganiserView(IdempotentMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]


class WorkshopStatisticsView(OrganiserView):
    @extend_schema(summary="A workshop's figures", responses={200: FiguresSerializer, **ERRORS})
    def get(self, request, slug):
        workshop = get_organised_workshop(request.user, slug)
        figures = workshop_figures(workshop, now=timezone.now())
        counts = registration_counts(workshop)
        return Response(
            {
                "confirmed": counts.confirmed,
                "waitlisted": counts.waitlisted,
                "pending": counts.pending,
                "cancelled": counts.cancelled,
                "declined": counts.declined,
                "capacity": counts.capacity,
                "seats_left": counts.seats_left,
                "confirmed_by_gender": counts.confirmed_by_gender,
                "scheduled_sessions": figures.scheduled_sessions,
                "sessions_without_trainers": figures.sessions_without_trainers,
                "registered_sessions": figures.registered_sessions,
                "attended": figures.attended,
                "attendance_rate": figures.attendance_rate,
                "evaluations": figures.evaluations,
                "evaluation_responses": figures.evaluation_responses,
                "response_rate": figures.response_rate,
            }
        )


class DocumentListView(OrganiserView):
    @extend_schema(
        summary="The documents of a workshop, with their download links",
        responses={200: DocumentKindSerializer(many=True), **ERRORS},
    )
    def get(self, request, slug):
        workshop = get_organised_workshop(request.user, slug)
        return Response(
            [
                {
                    "kind": document.kind,
                    "description": document.description,
                    "formats": list(document.formats),
                    "downloads": {
                        fmt: request.build_absolute_uri(
                            reverse(
                                "api-document",
                                kwargs={"slug": workshop.slug, "kind": document.kind, "fmt": fmt},
                            )
                        )
                        for fmt in document.formats
                    },
                }
                for document in DOCUMENTS.values()
            ]
        )


class DocumentView(OrganiserView):
    query_filters = {"language": ("en", "zh-hans")}

    @extend_schema(
        summary="Download a document, built now",
        parameters=[OpenApiParameter("language", str, enum=["en", "zh-hans"])],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **ERRORS,
        },
    )
    def get(self, request, slug, kind, fmt):
        workshop = get_organised_workshop(request.user, slug)
        document = DOCUMENTS.get(kind)
        if document is None or fmt not in document.formats:
            raise Http404
        language = request.query_params.get("language", "en")
        language = language if language in ("en", "zh-hans") else "en"
        return _file(document.build(workshop, language, fmt), fmt, f"{workshop.slug}-{kind}.{fmt}")


def _file(content: bytes, fmt: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=_content_type(fmt),
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)
        },
    )


class DocumentBuildRequestView(OrganiserView):
    @extend_schema(
        summary="Have the worker build a large document",
        description="Answers at once (202); the build's status says when it can be downloaded, "
        "and webhooks hear document.built.",
        request=BuildRequestSerializer,
        responses={202: DocumentBuildSerializer, **ERRORS},
    )
    def post(self, request, slug, kind):
        workshop = get_organised_workshop(request.user, slug)
        document = DOCUMENTS.get(kind)
        if document is None:
            raise Http404
        data = validated(BuildRequestSerializer, request)
        fmt = data["format"]
        if fmt not in document.formats:
            raise refusal("format", "invalid_choice", f"{kind}: {', '.join(document.formats)}")
        build = queue_document(
            workshop=workshop,
            kind=kind,
            fmt=fmt,
            language=data["language"],
            by=request.user,
        )
        return Response(
            DocumentBuildSerializer(build, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


def _organised_build(user, pk: int) -> DocumentBuild:
    return get_object_or_404(
        DocumentBuild.objects.filter(workshop__in=organised_workshops(user).values("pk"))
        .select_related("workshop")
        .defer("content"),
        pk=pk,
    )


class DocumentBuildView(OrganiserView):
    @extend_schema(
        summary="A document build's status", responses={200: DocumentBuildSerializer, **ERRORS}
    )
    def get(self, request, pk):
        build = _organised_build(request.user, pk)
        return Response(DocumentBuildSerializer(build, context={"request": request}).data)


class DocumentBuildDownloadView(OrganiserView):
    @extend_schema(
        summary="Download a built document",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS},
    )
    def get(self, request, pk):
        build = _organised_build(request.user, pk)
        if build.status != DocumentBuild.Status.BUILT:
            raise Http404
        content = DocumentBuild.objects.values_list("content", flat=True).get(pk=build.pk)
        return _file(
            bytes(content), build.format, f"{build.workshop.slug}-{build.kind}.{build.format}"
        )

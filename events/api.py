"""The API's workshops, agencies and their roles, trainers, rooms and sessions.

Every queryset is scoped by the functions the pages use: ``Workshop.objects.public()`` for
what anyone sees, ``events.queries.organised_workshops`` for what a user may change; another
workshop answers 404. Every change is a call to ``events.services``. Lists run a fixed
number of queries whatever their length (select_related / prefetch_related).
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from events import services
from events.feed_tokens import trainers_feed_managed_by
from events.models import Agency, Room, Session, Trainer, Workshop, WorkshopAgency
from events.permissions import IsOrganiser, ReadsAreOpen
from events.queries import (
    get_organised_workshop,
    organised_workshops,
    search_agencies,
    search_trainers,
)
from events.serializers import (
    SESSION_COLUMNS,
    AgencyRoleSerializer,
    AgencySerializer,
    RoomSerializer,
    SessionMoveSerializer,
    SessionSerializer,
    TrainerSerializer,
    WorkshopSerializer,
    WorkshopStatusSerializer,
    session_rows,
)
from integrations.rest import CursorPagination, ErrorsSerializer, IdempotentMixin, validated

ERRORS = {
    400: ErrorsSerializer,
    401: ErrorsSerializer,
    403: ErrorsSerializer,
    404: ErrorsSerializer,
}
READ_ERRORS = {400: ErrorsSerializer, 404: ErrorsSerializer}
# The ?workshop= filter of every list that has one.
WORKSHOP_FILTER = OpenApiParameter("workshop", str, description="A workshop's slug")


def visible_workshops(user):
    """Workshops ``user`` may read: the public ones and those they organise (drafts too)."""
    return Workshop.objects.filter(
        Q(pk__in=Workshop.objects.public().values("pk"))
        | Q(pk__in=organised_workshops(user).values("pk"))
    )


def with_timetable_relations(sessions):
    """``sessions`` with what a session's JSON reads: its workshop and room, its trainers by
    name, its topics (two queries more, whatever the number)."""
    return sessions.select_related("workshop", "room").prefetch_related(
        Prefetch("trainers", queryset=Trainer.objects.order_by("name", "pk")), "topics"
    )


def _roles():
    return Prefetch(
        "agency_roles",
        queryset=WorkshopAgency.objects.select_related("agency").order_by("role", "order", "pk"),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Workshops you may see",
        parameters=[OpenApiParameter("status", str, enum=Workshop.Status.values)],
        responses={200: WorkshopSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One workshop", responses={200: WorkshopSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="A new draft workshop (organisers)", responses={201: WorkshopSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a workshop you organise", responses={200: WorkshopSerializer, **ERRORS}
    ),
)
class WorkshopViewSet(
    IdempotentMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Published workshops for anyone; drafts and every change for their organisers."""

    serializer_class = WorkshopSerializer
    query_filters = {"status": tuple(Workshop.Status.values)}
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    permission_classes = [ReadsAreOpen]
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title", "title_local", "city"]
    ordering_fields = ["start_date", "title", "created_at"]
    ordering = ["-start_date", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.request.method in ("GET", "HEAD", "OPTIONS") and self.action != "status":
            workshops = visible_workshops(user)
        else:
            workshops = organised_workshops(user)
        workshops = workshops.select_related("programme").prefetch_related(_roles())
        wanted = self.request.query_params.get("status")
        if wanted in Workshop.Status.values:
            workshops = workshops.filter(status=wanted)
        return workshops

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["organised"] = (
            set(organised_workshops(user).values_list("pk", flat=True))
            if user.is_authenticated
            else set()
        )
        return context

    def create(self, request, *args, **kwargs):
        IsOrganiser().has_permission(request, self) or self.permission_denied(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = services.WorkshopData.of(Workshop(), **serializer.validated_data)
        workshop = services.create_workshop(data=data, by=request.user)
        return Response(
            self.get_serializer(self._fresh(workshop)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        workshop = self.get_object()
        serializer = self.get_serializer(workshop, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = services.WorkshopData.of(workshop, **serializer.validated_data)
        services.update_workshop(workshop=workshop, data=data)
        return Response(self.get_serializer(self._fresh(workshop)).data)

    def _fresh(self, workshop):
        return Workshop.objects.prefetch_related(_roles()).get(pk=workshop.pk)

    @extend_schema(
        summary="Change a workshop's status (publish, close, complete, cancel)",
        request=WorkshopStatusSerializer,
        responses={200: WorkshopSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, slug=None):
        workshop = self.get_object()
        data = validated(WorkshopStatusSerializer, request)
        services.change_workshop_status(workshop=workshop, status=data["status"])
        return Response(self.get_serializer(self._fresh(workshop)).data)

    @extend_schema(
        summary="Give an agency a role in a workshop you organise",
        request=AgencyRoleSerializer,
        responses={201: AgencyRoleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="agencies")
    def add_agency(self, request, slug=None):
        workshop = self.get_object()
        data = validated(AgencyRoleSerializer, request)
        role = services.add_agency_role(
            workshop=workshop, agency=data["agency"], role=data["role"], note=data.get("note", "")
        )
        return Response(AgencyRoleSerializer(role).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Sessions of the workshops you may see",
        parameters=[
            WORKSHOP_FILTER,
            OpenApiParameter("status", str, enum=Session.Status.values),
        ],
        responses={200: SessionSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One session", responses={200: SessionSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="A new session (organisers; refused on any clash)",
        responses={201: SessionSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a session (refused on any clash)",
        responses={200: SessionSerializer, **ERRORS},
    ),
)
class SessionViewSet(
    IdempotentMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The timetable: sessions of public workshops for anyone, of drafts for their organisers.
    Writes go through ``events.services.save_session`` and its clash rules."""

    serializer_class = SessionSerializer
    pagination_class = CursorPagination
    query_filters = {"workshop": str, "status": tuple(Session.Status.values)}
    permission_classes = [ReadsAreOpen]
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["starts_at", "title"]
    ordering = ["starts_at", "ends_at", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            workshops = visible_workshops(user)
        else:
            workshops = organised_workshops(user)
        sessions = with_timetable_relations(
            Session.objects.filter(workshop__in=workshops.values("pk"))
        )
        params = self.request.query_params
        if params.get("workshop"):
            sessions = sessions.filter(workshop__slug=params["workshop"])
        if params.get("status") in Session.Status.values:
            sessions = sessions.filter(status=params["status"])
        return sessions

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organised_workshops"] = organised_workshops(self.request.user)
        return context

    def list(self, request, *args, **kwargs):
        """A page of sessions from ``.values()`` rows (``session_rows``): the page, its
        trainers, its topics (a cursor's page: no count)."""
        sessions = self.filter_queryset(self.get_queryset())
        rows = sessions.select_related(None).prefetch_related(None).values(*SESSION_COLUMNS)
        return self.get_paginated_response(session_rows(self.paginate_queryset(rows)))

    def create(self, request, *args, **kwargs):
        slug = request.data.get("workshop") if isinstance(request.data, dict) else None
        if isinstance(slug, str) and slug:
            # Another's workshop is "not found", as on the pages.
            get_organised_workshop(request.user, slug)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session = services.save_session(
            workshop=data.pop("workshop"),
            trainers=data.pop("trainers", []),
            topics=data.pop("topics", []),
            data=data,
        )
        return Response(self._shown(session), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        serializer = self.get_serializer(session, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        workshop = data.pop("workshop", session.workshop)
        session = services.save_session(
            workshop=workshop,
            trainers=data.pop("trainers", None) or list(session.trainers.all()),
            topics=data.pop("topics", None) or list(session.topics.all()),
            data=data,
            session=session,
        )
        return Response(self._shown(session))

    def _shown(self, session):
        fresh = with_timetable_relations(Session.objects).get(pk=session.pk)
        return self.get_serializer(fresh).data

    @extend_schema(
        summary="Give a session a new time (refused on any clash)",
        request=SessionMoveSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        session = self.get_object()
        services.move_session(session=session, **validated(SessionMoveSerializer, request))
        return Response(self._shown(session))

    @extend_schema(
        summary="Cancel a session", request=None, responses={200: SessionSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = services.cancel_session(session=self.get_object())
        return Response(self._shown(session))

    @extend_schema(
        summary="Reinstate a cancelled session (if its trainers and room are free)",
        request=None,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        session = services.reinstate_session(session=self.get_object())
        return Response(self._shown(session))


class OrganiserDirectory(IdempotentMixin, viewsets.GenericViewSet):
    permission_classes = [IsOrganiser]


@extend_schema_view(
    list=extend_schema(
        summary="Agencies (organisers)",
        parameters=[OpenApiParameter("search", str, description="Part of a name or acronym")],
        responses={200: AgencySerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One agency", responses={200: AgencySerializer, **ERRORS}),
    create=extend_schema(summary="A new agency", responses={201: AgencySerializer, **ERRORS}),
)
class AgencyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrganiserDirectory
):
    serializer_class = AgencySerializer
    query_filters = {"search": str}
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["name", "acronym"]

    def get_queryset(self):
        query = self.request.query_params.get("search", "")
        if query.strip():
            return search_agencies(query)
        return Agency.objects.select_related("parent").order_by("name", "pk")

    def perform_create(self, serializer):
        data = services.AgencyData(**serializer.validated_data)
        serializer.instance = services.create_agency(data=data)


@extend_schema_view(
    list=extend_schema(
        summary="Trainers (organisers)",
        parameters=[OpenApiParameter("search", str, description="Part of a name or agency")],
        responses={200: TrainerSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One trainer", responses={200: TrainerSerializer, **ERRORS}),
    create=extend_schema(summary="A new trainer", responses={201: TrainerSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a trainer", responses={200: TrainerSerializer, **ERRORS}
    ),
)
class TrainerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrganiserDirectory,
):
    serializer_class = TrainerSerializer
    query_filters = {"search": str}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return search_trainers(self.request.query_params.get("search", ""))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["feed_managed"] = set(
            trainers_feed_managed_by(self.request.user).values_list("pk", flat=True)
        )
        return context

    def perform_create(self, serializer):
        data = services.TrainerData(**serializer.validated_data)
        serializer.instance = services.create_trainer(data=data)

    def perform_update(self, serializer):
        trainer = serializer.instance  # what a PATCH leaves out stays as it is
        data = services.TrainerData.of(trainer, **serializer.validated_data)
        serializer.instance = services.update_trainer(trainer=trainer, data=data)


@extend_schema_view(
    list=extend_schema(
        summary="Rooms (organisers)", responses={200: RoomSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary="One room", responses={200: RoomSerializer, **ERRORS}),
    create=extend_schema(
        summary="A room, found or made by name and venue", responses={201: RoomSerializer, **ERRORS}
    ),
)
class RoomViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrganiserDirectory
):
    serializer_class = RoomSerializer
    queryset = Room.objects.order_by("venue", "name", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.get_or_create_room(
            name=data["name"], venue=data.get("venue", ""), city=data.get("city", "")
        )


@extend_schema(
    summary="A trainer's sessions, by the trainer's calendar link",
    description="What the trainer's calendar feed holds: every workshop but drafts.",
    responses={200: SessionSerializer(many=True), 404: ErrorsSerializer},
)
class TrainerLinkSessions(IdempotentMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    permission_classes = []
    pagination_class = None

    def get_queryset(self):
        trainer = get_object_or_404(Trainer, feed_token=self.kwargs["token"])
        sessions = trainer.sessions.exclude(workshop__status=Workshop.Status.DRAFT)
        return with_timetable_relations(sessions).order_by("starts_at", "ends_at", "pk")

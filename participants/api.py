"""The API's registrations, attendance and personal links.

Registering goes through ``participants.services.register_participant``, as the public form
and the organisers' pages do: the same window, capacity, approval and duplicate rules. An
organiser of the workshop registers people (source "organiser"); anyone else, signed in or
not, registers themselves where the public form would let them (source "api"), counted by
the same rate limit, and is told the same thing whatever happened: the personal link goes to
the address by e-mail. Rosters and attendance are for the workshop's organisers only
(``events.queries.organised_workshops``); anything else answers 404.
"""

import math

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.rate_limit import rate_limited
from events.api import ERRORS, READ_ERRORS, WORKSHOP_FILTER
from events.models import Session, Workshop
from events.queries import organised_workshops
from integrations.rest import (
    CursorPagination,
    ErrorsSerializer,
    IdempotentMixin,
    refusal,
    validated,
)
from participants import attendance as attendance_rules
from participants import corrections, services
from participants.models import Attendance, Registration
from participants.queries import (
    filter_registrations,
    get_public_workshop,
    get_registration_by_token,
    public_sessions,
    waitlist_position_of,
    waitlist_positions,
)
from participants.serializers import (
    REGISTRATION_COLUMNS,
    AttendanceSerializer,
    DecisionSerializer,
    LanguageSerializer,
    MarkResultSerializer,
    MarksSerializer,
    PersonalDetailsSerializer,
    PersonalSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    RegistrationDetailsSerializer,
    RegistrationSerializer,
    registration_rows,
)


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"


def decision_action(name: str, summary: str, decide):
    """The POST action ``name`` of a registration: ``decide`` (a service) by the user, told
    to the person unless ``notify`` is false; the registration as it then stands."""

    def decision(self, request, pk=None):
        registration = self.get_object()
        notify = validated(DecisionSerializer, request)["notify"]
        decide(registration=registration, by=request.user, notify=notify)
        return Response(self.shown([self.get_queryset().get(pk=registration.pk)])[0])

    decision.__name__ = name
    schema = extend_schema(
        summary=summary,
        request=DecisionSerializer,
        responses={200: RegistrationSerializer, **ERRORS},
    )
    return schema(action(detail=True, methods=["post"])(decision))


@extend_schema_view(
    list=extend_schema(
        summary="Registrations of the workshops you organise",
        parameters=[
            WORKSHOP_FILTER,
            OpenApiParameter("status", str, enum=Registration.Status.values),
            OpenApiParameter("gender", str, enum=Registration.Gender.values),
            OpenApiParameter("agency", int),
            OpenApiParameter("region", str),
            OpenApiParameter("search", str, description="Part of a name or e-mail address"),
        ],
        responses={200: RegistrationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One registration", responses={200: RegistrationSerializer, **ERRORS}
    ),
)
class RegistrationViewSet(
    IdempotentMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = RegistrationSerializer
    pagination_class = CursorPagination
    ordering = ["created_at", "pk"]
    query_filters = {
        "workshop": str,
        "status": tuple(Registration.Status.values),
        "gender": tuple(Registration.Gender.values),
        "agency": int,
        "region": str,
        "search": str,
    }

    def list(self, request, *args, **kwargs):
        """A page of the roster from ``.values()`` rows: the page (a cursor's: no count), and
        the waiting-list places of each workshop with people waiting on it."""
        registrations = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(
            registrations.select_related(None).values(*REGISTRATION_COLUMNS)
        )
        positions = self._positions({r["workshop_id"] for r in rows if r["waitlisted_at"]})
        return self.get_paginated_response(registration_rows(rows, positions))

    def retrieve(self, request, *args, **kwargs):
        return Response(self.shown([self.get_object()])[0])

    def shown(self, registrations):
        """Registration instances with their waiting-list places (see :meth:`_positions`)."""
        positions = self._positions({r.workshop_id for r in registrations if r.waitlisted_at})
        return RegistrationSerializer(
            registrations, many=True, context={"positions": positions}
        ).data

    @staticmethod
    def _positions(workshop_ids) -> dict[int, int]:
        """Waiting-list places: one query per workshop with people waiting among the rows
        (``waitlist_positions``, the roster's own numbering)."""
        positions = {}
        for workshop_id in sorted(workshop_ids):
            positions |= waitlist_positions(workshop_id)
        return positions

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        registrations = (
            Registration.objects.filter(
                workshop__in=organised_workshops(self.request.user).values("pk")
            )
            .select_related("workshop", "participant", "agency")
            .order_by("created_at", "pk")
        )
        params = self.request.query_params
        if params.get("workshop"):
            registrations = registrations.filter(workshop__slug=params["workshop"])
        agency = params.get("agency", "")
        return filter_registrations(
            registrations,
            status=params.get("status", "")
            if params.get("status") in Registration.Status.values
            else "",
            agency=int(agency) if agency.isdigit() else None,
            region=params.get("region", ""),
            gender=params.get("gender", "")
            if params.get("gender") in Registration.Gender.values
            else "",
            search=params.get("search", ""),
        )

    @extend_schema(
        summary="Register someone for a workshop",
        description=(
            "Organisers of the workshop register people at any time (201, the registration; "
            "200 when the address was registered already, with its details updated). Anyone "
            "else registers themselves while the workshop's public form is open, and gets "
            "202 with the same answer whatever happened: the personal link is e-mailed."
        ),
        request=RegisterSerializer,
        responses={
            201: RegistrationSerializer,
            200: RegistrationSerializer,
            202: RegisteredSerializer,
            400: ErrorsSerializer,
            404: ErrorsSerializer,
            429: ErrorsSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("workshop")
        workshop = organised_workshops(request.user).filter(slug=slug).first()
        if workshop is not None:
            outcome = services.register_participant(
                workshop=workshop, data=data, source=Registration.Source.ORGANISER
            )
            registration = self.get_queryset().get(pk=outcome.registration.pk)
            return Response(
                self.shown([registration])[0],
                status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
            )
        workshop = get_public_workshop(slug)
        wait = rate_limited(request._request, "registration")
        if wait:
            raise RateLimited(
                wait=wait,
                detail=_(
                    "Too many registrations from your address: try again in %(minutes)s minutes."
                )
                % {"minutes": math.ceil(wait / 60)},
            )
        outcome = services.register_participant(
            workshop=workshop, data=data, source=Registration.Source.API
        )
        if not outcome.is_new:
            services.resend_personal_link(registration=outcome.registration)
        return Response(
            {
                "workshop": workshop.slug,
                "detail": _(
                    "Thank you. The personal link has been sent to the e-mail address given."
                ),
            },
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Correct a registration's details",
        description=(
            "The fields given are set (a blank clears), as on the organisers' edit page; a new "
            "e-mail address moves the registration to that person, unless they are already "
            "registered for the workshop. Refused for a completed workshop."
        ),
        request=RegistrationDetailsSerializer,
        responses={200: RegistrationSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        registration = self.get_object()
        values = dict(validated(RegistrationDetailsSerializer, request))
        corrections.correct_registration(registration=registration, values=values, by=request.user)
        return Response(self.shown([self.get_queryset().get(pk=registration.pk)])[0])

    approve = decision_action("approve", "Approve", services.approve_registration)
    waitlist = decision_action(
        "waitlist", "Put on the waiting list", services.waitlist_registration
    )
    decline = decision_action("decline", "Decline", services.decline_registration)
    cancel = decision_action(
        "cancel", "Cancel (the seat goes to the waiting list)", services.cancel_registration
    )


@extend_schema_view(
    list=extend_schema(
        summary="Attendance marks in the workshops you organise",
        parameters=[
            WORKSHOP_FILTER,
            OpenApiParameter("session", int),
        ],
        responses={200: AttendanceSerializer(many=True), **ERRORS},
    ),
)
class AttendanceViewSet(IdempotentMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AttendanceSerializer
    pagination_class = CursorPagination
    # In the order recorded: a cursor needs a position (nearly) unique to each row, and a
    # session's marks all share the session's (past 1,000 of them, DRF's offset within a
    # position gives up).
    ordering = ["pk"]
    query_filters = {"workshop": str, "session": int}
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        marks = Attendance.objects.filter(
            session__workshop__in=organised_workshops(self.request.user).values("pk")
        ).order_by("pk")
        params = self.request.query_params
        if params.get("workshop"):
            marks = marks.filter(session__workshop__slug=params["workshop"])
        if params.get("session", "").isdigit():
            marks = marks.filter(session_id=int(params["session"]))
        return marks

    @extend_schema(
        summary="Record one mark or many at once (all or nothing)",
        request=MarksSerializer,
        responses={200: MarkResultSerializer(many=True), **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        marks = validated(MarksSerializer, request)["marks"]
        workshops = organised_workshops(request.user).values("pk")
        # Unordered: the models' own orders join the workshop's table only to sort a dict.
        registrations = (
            Registration.objects.filter(workshop__in=workshops)
            .order_by()
            .in_bulk({mark["registration"] for mark in marks})
        )
        sessions = (
            Session.objects.filter(workshop__in=workshops)
            .select_related("workshop")
            .order_by()
            .in_bulk({mark["session"] for mark in marks})
        )
        # Every mark checked first, so that a refusal names its place in the list; then all
        # of them written at once (all or nothing), safe against marks arriving together.
        entries = []
        for index, mark in enumerate(marks):
            registration = registrations.get(mark["registration"])
            session = sessions.get(mark["session"])
            for name, found in (("registration", registration), ("session", session)):
                if found is None:
                    raise refusal(f"marks.{index}.{name}", "not_found", _("Not found."))
            try:
                attendance_rules.check_status(mark["status"])
                attendance_rules.check_markable(registration=registration, session=session)
            except attendance_rules.AttendanceRefused as refused:
                raise refusal(
                    f"marks.{index}.{refused.field}", "refused", refused.message
                ) from None
            entries.append(
                attendance_rules.Entry(registration, session, mark["status"], mark["note"])
            )
        recorded = attendance_rules.record_register(entries=entries, by=request.user)
        return Response(
            [
                {
                    "registration": each.registration_id,
                    "session": each.session_id,
                    "status": each.status,
                    "changed": each.changed,
                }
                for each in recorded
            ]
        )


class PersonalLinkView(IdempotentMixin, APIView):
    """The personal link's holder: what their page shows, and what it lets them do."""

    permission_classes = [permissions.AllowAny]

    def registration(self) -> Registration:
        return get_registration_by_token(self.kwargs["token"])

    def shown(self, registration: Registration) -> dict:
        workshop = registration.workshop
        sessions = (
            list(public_sessions(workshop)) if workshop.status != Workshop.Status.CANCELLED else []
        )
        return PersonalSerializer(
            registration,
            context={"sessions": sessions, "waitlist_position": waitlist_position_of(registration)},
        ).data


class PersonalView(PersonalLinkView):
    @extend_schema(
        summary="Your registration and timetable, by your personal link",
        responses={200: PersonalSerializer, 404: ErrorsSerializer},
    )
    def get(self, request, token):
        return Response(self.shown(self.registration()))


class PersonalCancelView(PersonalLinkView):
    @extend_schema(
        summary="Cancel your registration",
        request=None,
        responses={200: PersonalSerializer, 404: ErrorsSerializer},
    )
    def post(self, request, token):
        registration = services.cancel_registration(registration=self.registration())
        return Response(self.shown(get_registration_by_token(registration.token)))


class PersonalDetailsView(PersonalLinkView):
    @extend_schema(
        summary="Correct your details for this workshop",
        description=(
            "The fields given are set (a blank clears), as on your details page; the e-mail "
            "address is the organisers' to correct. Refused once the workshop is completed "
            "or cancelled."
        ),
        request=PersonalDetailsSerializer,
        responses={200: PersonalSerializer, 400: ErrorsSerializer, 404: ErrorsSerializer},
    )
    def post(self, request, token):
        registration = self.registration()
        values = dict(validated(PersonalDetailsSerializer, request))
        corrections.correct_registration(registration=registration, values=values, by=None)
        return Response(self.shown(get_registration_by_token(registration.token)))


class PersonalLanguageView(PersonalLinkView):
    @extend_schema(
        summary="The language of your pages and e-mails",
        request=LanguageSerializer,
        responses={200: PersonalSerializer, 400: ErrorsSerializer, 404: ErrorsSerializer},
    )
    def post(self, request, token):
        registration = self.registration()
        language = validated(LanguageSerializer, request)["language"]
        services.update_preferred_language(registration=registration, language=language)
        return Response(self.shown(registration))


def get_registration_or_404(pk: int, user) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(workshop__in=organised_workshops(user).values("pk")), pk=pk
    )


__all__ = ["READ_ERRORS"]

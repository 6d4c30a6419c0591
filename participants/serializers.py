"""What the API shows and accepts for registrations and attendance. The rules are the
services' (``participants.services``, ``participants.attendance``)."""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from events.models import Agency, Session, Workshop
from integrations.rest import (
    MAX_ID,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    moment_formatter,
)
from participants.attendance import Status as AttendanceStatus
from participants.forms import phone_validator
from participants.models import Attendance, Registration


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class RegistrationSerializer(StrictModelSerializer):
    """A registration as the workshop's organisers see it on the roster."""

    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    email = serializers.EmailField(source="participant.email", read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)
    agency_label = StrictCharField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "workshop",
            "email",
            "name",
            "name_local",
            "gender",
            "agency",
            "agency_name",
            "agency_label",
            "position",
            "region",
            "phone",
            "preferred_language",
            "status",
            "source",
            "nominated_by",
            "waitlist_position",
            "created_at",
            "status_changed_at",
        ]
        read_only_fields = fields

    def to_representation(self, registration):
        """One registration, as a row of the list (:func:`registration_rows`) is shown."""
        row = {column: getattr(registration, column) for column in _REGISTRATION_ATTRIBUTES}
        row["workshop__slug"] = registration.workshop.slug
        row["participant__email"] = registration.participant.email
        agency = registration.agency if registration.agency_id else None
        row["agency__name"] = agency.name if agency else None
        row["agency__acronym"] = agency.acronym if agency else None
        return _registration_json(row, self.context.get("positions", {}), moment_formatter())


# The columns a roster page reads (``.values()``): model instances of the registration, its
# workshop, person and agency cost several times the query on a page of 100
# (bench/api_lists.py).
REGISTRATION_COLUMNS = (
    "id",
    "workshop_id",
    "workshop__slug",
    "participant__email",
    "name",
    "name_local",
    "gender",
    "agency_id",
    "agency__name",
    "agency__acronym",
    "agency_name",
    "position",
    "region",
    "phone",
    "preferred_language",
    "status",
    "source",
    "nominated_by_id",
    "waitlisted_at",
    "created_at",
    "status_changed_at",
)
_JOINED = ("workshop__slug", "participant__email", "agency__name", "agency__acronym")
_REGISTRATION_ATTRIBUTES = [c for c in REGISTRATION_COLUMNS if c not in _JOINED]


def registration_rows(rows: list[dict], positions: dict[int, int]) -> list[dict]:
    """Registrations as the API shows them, from ``.values(*REGISTRATION_COLUMNS)`` rows;
    ``positions``: the waiting-list places (``waitlist_positions``). No query."""
    moment = moment_formatter()
    return [_registration_json(row, positions, moment) for row in rows]


def _registration_json(row: dict, positions: dict[int, int], moment) -> dict:
    waiting = row["status"] == Registration.Status.WAITLISTED
    return {
        "id": row["id"],
        "workshop": row["workshop__slug"],
        "email": row["participant__email"],
        "name": row["name"],
        "name_local": row["name_local"],
        "gender": row["gender"],
        "agency": row["agency_id"],
        "agency_name": row["agency_name"],
        "agency_label": Agency.label(row["agency__name"], row["agency__acronym"])
        if row["agency_id"]
        else row["agency_name"],
        "position": row["position"],
        "region": row["region"],
        "phone": row["phone"],
        "preferred_language": row["preferred_language"],
        "status": row["status"],
        "source": row["source"],
        "nominated_by": row["nominated_by_id"],
        # 1 = next to be promoted; null unless on the waiting list.
        "waitlist_position": positions.get(row["id"]) if waiting else None,
        "created_at": moment(row["created_at"]),
        "status_changed_at": moment(row["status_changed_at"]),
    }


class RegisterSerializer(serializers.Serializer):
    """Registering someone: the public form's fields, for ``register_participant``."""

    workshop = serializers.SlugField(max_length=80)
    name = StrictCharField(max_length=255)
    name_local = StrictCharField(max_length=255, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Registration.Gender.choices)
    agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    agency_name = StrictCharField(max_length=255, required=False, allow_blank=True)
    position = StrictCharField(max_length=255, required=False, allow_blank=True)
    region = StrictCharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254)
    phone = StrictCharField(
        max_length=40, required=False, allow_blank=True, validators=[phone_validator]
    )
    preferred_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, default="en"
    )


class RegistrationDetailsSerializer(serializers.Serializer):
    """A correction of a registration's details (``participants.corrections``): the fields
    given are set, a blank clears; the e-mail address moves the registration to that person."""

    name = StrictCharField(max_length=255, required=False)
    name_local = StrictCharField(max_length=255, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Registration.Gender.choices, required=False)
    agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    agency_name = StrictCharField(max_length=255, required=False, allow_blank=True)
    position = StrictCharField(max_length=255, required=False, allow_blank=True)
    region = StrictCharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)
    phone = StrictCharField(
        max_length=40, required=False, allow_blank=True, validators=[phone_validator]
    )
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class PersonalDetailsSerializer(RegistrationDetailsSerializer):
    """The person's own correction: everything but the address (the organisers' to change)."""

    email = None


class RegisteredSerializer(serializers.Serializer):
    """What someone registering themselves is told: the same whatever happened, as on the
    public form (the personal link goes to the address, by e-mail)."""

    workshop = StrictCharField()
    detail = StrictCharField()


class DecisionSerializer(serializers.Serializer):
    notify = StrictBooleanField(default=True, help_text="E-mail the person (default).")


class AttendanceSerializer(StrictModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "registration", "session", "status", "note", "recorded_at", "recorded_by"]
        read_only_fields = fields


class MarkSerializer(serializers.Serializer):
    registration = StrictIntegerField(min_value=1, max_value=MAX_ID)
    session = StrictIntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class MarksSerializer(serializers.Serializer):
    """One mark or many at once, all in workshops you organise; all or nothing."""

    marks = MarkSerializer(many=True, allow_empty=False, max_length=1000)


class MarkResultSerializer(serializers.Serializer):
    registration = StrictIntegerField()
    session = StrictIntegerField()
    status = StrictCharField()
    changed = StrictBooleanField()


class PersonalSessionSerializer(StrictModelSerializer):
    room = serializers.StringRelatedField()

    class Meta:
        model = Session
        fields = ["id", "title", "title_local", "kind", "starts_at", "ends_at", "room", "status"]


class PersonalSerializer(StrictModelSerializer):
    """What the personal page shows its link holder."""

    workshop = serializers.SlugRelatedField(slug_field="slug", queryset=Workshop.objects.all())
    workshop_title = StrictCharField(source="workshop.title")
    sessions = serializers.SerializerMethodField()
    calendar_feed = serializers.SerializerMethodField()
    waitlist_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "workshop",
            "workshop_title",
            "name",
            "name_local",
            "status",
            "preferred_language",
            "waitlist_position",
            "calendar_feed",
            "sessions",
        ]
        read_only_fields = fields

    def get_sessions(self, registration) -> list[dict]:
        return PersonalSessionSerializer(self.context["sessions"], many=True).data

    def get_calendar_feed(self, registration) -> str | None:
        if registration.status != Registration.Status.CONFIRMED:
            return None
        return absolute(reverse("participants:participant_feed", args=[registration.feed_token]))

    def get_waitlist_position(self, registration) -> int | None:
        return self.context.get("waitlist_position")


class LanguageSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES)

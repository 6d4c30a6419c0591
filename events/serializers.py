"""What the API shows and accepts for workshops, their agencies, trainers, rooms and sessions.

Serializers check the shape of the input; every rule (dates, clashes, transitions, unique
names) is the services', which the API views call exactly as the pages do.
"""

from functools import cached_property

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from config import shell
from events.models import Agency, Room, Session, Topic, Trainer, Workshop, WorkshopAgency
from events.services import AGENCY_FIELDS, SESSION_FIELDS, TRAINER_FIELDS, WORKSHOP_FIELDS
from integrations.rest import (
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    moment_formatter,
)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def url_format(path: str, **placeholders: str):
    """``format(name=value, ...)`` giving the absolute address of ``path`` (reversed once,
    with ``placeholders[name]`` for each value) with the values in their places: one
    ``reverse`` per page, not one per row. Only for values that need no quoting in a path
    (slugs, pks, the URL-safe tokens)."""
    template = _braces(path)
    for name, placeholder in placeholders.items():
        template = template.replace(placeholder, "{" + name + "}", 1)
    return (_braces(settings.SITE_URL) + template).format


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class AgencySerializer(StrictModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", *AGENCY_FIELDS]


class AgencyRoleSerializer(StrictModelSerializer):
    agency_name = StrictCharField(source="agency.name", read_only=True)
    agency_name_local = StrictCharField(source="agency.name_local", read_only=True)

    class Meta:
        model = WorkshopAgency
        fields = ["id", "agency", "agency_name", "agency_name_local", "role", "order", "note"]
        read_only_fields = ["order"]


# The narrative and the report's details are the organisers' until the report goes out.
ORGANISER_ONLY_FIELDS = (
    "narrative",
    "narrative_local",
    "summary_provided_by",
    "summary_date",
    "completion_share",
)


class WorkshopSerializer(StrictModelSerializer):
    """A workshop as its public page shows it; organisers also see the report's fields.

    ``context["organised"]``: the pks of the workshops the user organises (one query a
    request, made by the view)."""

    agencies = AgencyRoleSerializer(source="agency_roles", many=True, read_only=True)
    public_page = serializers.SerializerMethodField()
    calendar_feed = serializers.SerializerMethodField()
    slug = serializers.SlugField(max_length=80, required=False)

    class Meta:
        model = Workshop
        fields = ["slug", *[f for f in WORKSHOP_FIELDS if f != "slug"], "status", "agencies"]
        fields += ["public_page", "calendar_feed", "created_at", "updated_at"]
        read_only_fields = ["status", "created_at", "updated_at"]

    # One reverse() each per page of workshops (the list's rows share this serializer).
    @cached_property
    def _public_page(self):
        return url_format(shell.page_url("workshop_public", "SLUG"), slug="SLUG")

    @cached_property
    def _calendar_feed(self):
        return url_format(reverse("events:workshop_feed", kwargs={"slug": "SLUG"}), slug="SLUG")

    def get_public_page(self, workshop) -> str:
        return self._public_page(slug=workshop.slug)

    def get_calendar_feed(self, workshop) -> str:
        return self._calendar_feed(slug=workshop.slug)

    def to_representation(self, workshop):
        data = super().to_representation(workshop)
        if workshop.pk not in self.context.get("organised", ()):
            for name in ORGANISER_ONLY_FIELDS:
                data.pop(name, None)
        return data


class WorkshopStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Workshop.Status.choices)


class TrainerSerializer(StrictModelSerializer):
    calendar_feed = serializers.SerializerMethodField()

    class Meta:
        model = Trainer
        fields = ["id", *TRAINER_FIELDS, "calendar_feed", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_calendar_feed(self, trainer) -> str | None:
        """The trainer's secret calendar link: for those who may send it to them (organisers
        of a workshop they teach in, superusers), as on the trainer's page."""
        if trainer.pk not in self.context.get("feed_managed", ()):
            return None
        return self._calendar_feed(token=trainer.feed_token)

    @cached_property
    def _calendar_feed(self):
        """One reverse() per page of trainers (the list's rows share this serializer)."""
        path = reverse("events:trainer_feed", kwargs={"token": "TOKEN"})
        return url_format(path, token="TOKEN")


class RoomSerializer(StrictModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "venue", "city", "capacity"]


class SessionTrainerSerializer(StrictModelSerializer):
    class Meta:
        model = Trainer
        fields = ["id", "name", "name_local"]


class SessionSerializer(StrictModelSerializer):
    """A block of the timetable. Writing one goes through ``events.services.save_session``:
    inside the workshop's days, no trainer or room in two places at once."""

    workshop = serializers.SlugRelatedField(slug_field="slug", queryset=Workshop.objects.none())
    trainers = StrictPrimaryKeyRelatedField(
        many=True, queryset=Trainer.objects.all(), required=False
    )
    topics = StrictPrimaryKeyRelatedField(many=True, queryset=Topic.objects.all(), required=False)
    trainer_names = SessionTrainerSerializer(source="trainers", many=True, read_only=True)
    ics = serializers.CharField(read_only=True, help_text="The session's .ics address.")

    class Meta:
        model = Session
        fields = ["id", "workshop", *SESSION_FIELDS, "trainers", "trainer_names", "topics"]
        fields += ["status", "sequence", "ics", "updated_at"]
        read_only_fields = ["status", "sequence", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organised = self.context.get("organised_workshops")
        if organised is not None:
            # A session is written only into a workshop the user organises; another is
            # "not found", as on the pages.
            self.fields["workshop"].queryset = organised

    def to_representation(self, session):
        """One session, as a row of the list (:func:`session_rows`) is shown."""
        row = {column: getattr(session, column) for column in _SESSION_ATTRIBUTES}
        row["id"], row["workshop__slug"] = session.pk, session.workshop.slug
        trainers = [
            {"id": t.pk, "name": t.name, "name_local": t.name_local}
            for t in sorted(session.trainers.all(), key=lambda t: (t.name, t.pk))
        ]
        topics = [t.pk for t in sorted(session.topics.all(), key=lambda t: (t.name, t.pk))]
        return _session_json(row, trainers, topics, ics_url_format(), moment_formatter())


# The columns a list of sessions reads (``.values()``): model instances, their managers and
# prefetch caches cost several times the query on a page of 100 (bench/api_lists.py).
SESSION_COLUMNS = (
    "id",
    "workshop__slug",
    # What is written (SESSION_FIELDS, the room by its key), then what the services keep.
    *(Session._meta.get_field(name).attname for name in SESSION_FIELDS),
    "status",
    "sequence",
    "updated_at",
)
_SESSION_ATTRIBUTES = [c for c in SESSION_COLUMNS if c not in ("id", "workshop__slug")]


def ics_url_format():
    """``format(slug=..., pk=...)`` giving a session's .ics address: one ``reverse`` per page,
    not one per row (slugs and pks need no quoting)."""
    path = reverse("events:session_ics", kwargs={"slug": "SLUG", "pk": 987654321})
    return url_format(path, slug="SLUG", pk="987654321")


def session_rows(rows: list[dict]) -> list[dict]:
    """Sessions as the API shows them, from ``.values(*SESSION_COLUMNS)`` rows: two queries
    whatever their number (their trainers by name, their topics by name)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    taught: dict[int, list] = {pk: [] for pk in ids}
    for session_id, pk, name, name_local in (
        Session.trainers.through.objects.filter(session_id__in=ids)
        .order_by("trainer__name", "trainer_id")
        .values_list("session_id", "trainer_id", "trainer__name", "trainer__name_local")
    ):
        taught[session_id].append({"id": pk, "name": name, "name_local": name_local})
    about: dict[int, list] = {pk: [] for pk in ids}
    for session_id, pk in (
        Session.topics.through.objects.filter(session_id__in=ids)
        .order_by("topic__name", "topic_id")
        .values_list("session_id", "topic_id")
    ):
        about[session_id].append(pk)
    ics, moment = ics_url_format(), moment_formatter()
    return [_session_json(row, taught[row["id"]], about[row["id"]], ics, moment) for row in rows]


def _session_json(row: dict, trainers: list[dict], topics: list[int], ics, moment) -> dict:
    return {
        "id": row["id"],
        "workshop": row["workshop__slug"],
        "title": row["title"],
        "title_local": row["title_local"],
        "kind": row["kind"],
        "description": row["description"],
        "starts_at": moment(row["starts_at"]),
        "ends_at": moment(row["ends_at"]),
        "room": row["room_id"],
        "is_mandatory": row["is_mandatory"],
        "trainers": [trainer["id"] for trainer in trainers],
        "trainer_names": trainers,
        "topics": topics,
        "status": row["status"],
        "sequence": row["sequence"],
        "ics": ics(slug=row["workshop__slug"], pk=row["id"]),
        "updated_at": moment(row["updated_at"]),
    }


class SessionMoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()

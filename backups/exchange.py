"""Export the site's data to one JSON file, and import such a file into an empty database.

The file is Django's own serialization (the "python" serializer, written as JSON), row by row
with primary keys kept, so every relation survives as it was, and the secrets of the
personal links, calendar feeds and trainers' links are exported with them: a restored site
answers the links people already have. Content types, permissions and users are referred to
by natural key (app and model, codename, user name), since their keys differ between
databases. It reads and writes on SQLite and PostgreSQL alike.

Exported: accounts and groups, every workshop's data (events, participants, feedback,
reports' certificates), API tokens (hashed) and webhooks, and the audit trail. Not exported:
what is only in transit or rebuilt: sessions, caches and rate-limit counts, sign-in
attempts, queued tasks and webhook deliveries, idempotency keys and document builds
(documents are rebuilt from the data). Anonymous answers still sealed in their boxes
(feedback/anonymity.py) open only with the same SECRET_KEY: restore with it.

``--workshop SLUG`` exports that workshop alone with what it refers to (agencies, trainers,
rooms, topics, programmes, the people and accounts it names, its audit trail).

Import reads and checks the whole file first (format, version, every model and field),
refuses a database that holds any workshop, person or account already, and then writes
everything in one transaction, or nothing.
"""

import json
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

FORMAT = "workshops-export"
VERSION = 1

# In the order they are written (those referred to by natural key first).
MODELS = (
    "auth.Group",
    "auth.User",
    "events.Agency",
    "events.Programme",
    "events.AgencyMember",
    "events.Room",
    "events.Topic",
    "events.Trainer",
    "events.Workshop",
    "events.WorkshopAgency",
    "events.Session",
    "participants.Participant",
    "participants.Registration",
    "participants.Attendance",
    "feedback.Questionnaire",
    "feedback.Question",
    "feedback.Choice",
    "feedback.Response",
    "feedback.Answer",
    "feedback.Submission",
    "feedback.SealedResponse",
    "reports.Certificate",
    "reports.Report",
    "reports.ReportLink",
    "reports.ReportDelivery",
    "integrations.ApiToken",
    "integrations.Webhook",
    "auditlog.LogEntry",
)
# Left out on purpose (in transit, or rebuilt); a test checks every model is in one list.
NOT_EXPORTED = (
    "admin.LogEntry",
    "sessions.Session",
    "contenttypes.ContentType",
    "auth.Permission",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "django_tasks_database.DBTaskResult",
    "integrations.IdempotencyKey",
    "integrations.WebhookDelivery",
    "integrations.WebhookAttempt",
    "reports.DocumentBuild",
)
# The columns by which a workshop's rows name an account, exported with the workshop.
ACCOUNT_COLUMNS = (
    ("participants.Attendance", "recorded_by"),
    ("reports.Certificate", "revoked_by"),
    ("events.Trainer", "created_by"),
    ("auditlog.LogEntry", "actor"),
    ("reports.Report", "published_by"),
    ("reports.ReportLink", "created_by"),
    ("reports.ReportDelivery", "sent_by"),
)
# An import goes only into a database where these are empty.
MUST_BE_EMPTY = ("auth.User", "events.Workshop", "participants.Participant", "events.Agency")


class ExchangeError(Exception):
    """The file cannot be imported, or the database cannot take it: ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Export -------------------------------------------------------------------------------


def _querysets(workshop_slug: str | None) -> dict:
    models = {label: apps.get_model(label) for label in MODELS}
    if workshop_slug is None:
        return {label: model._base_manager.order_by("pk") for label, model in models.items()}

    Workshop = models["events.Workshop"]
    try:
        workshop = Workshop.objects.get(slug=workshop_slug)
    except Workshop.DoesNotExist:
        raise ExchangeError(f"No workshop has the short name “{workshop_slug}”.") from None
    w = workshop.pk
    questions = models["feedback.Question"].objects.filter(questionnaire__workshop=w)
    rows = {
        # Reference tables: small, and an agency may refer to its parent.
        "events.Agency": models["events.Agency"].objects.all(),
        "events.Programme": models["events.Programme"].objects.all(),
        "events.AgencyMember": models["events.AgencyMember"].objects.none(),
        "events.Room": models["events.Room"].objects.filter(sessions__workshop=w).distinct(),
        "events.Topic": models["events.Topic"].objects.filter(sessions__workshop=w).distinct(),
        "events.Trainer": models["events.Trainer"]
        .objects.filter(Q(sessions__workshop=w) | Q(questions__questionnaire__workshop=w))
        .distinct(),
        "events.Workshop": Workshop.objects.filter(pk=w),
        "events.WorkshopAgency": models["events.WorkshopAgency"].objects.filter(workshop=w),
        "events.Session": models["events.Session"].objects.filter(workshop=w),
        "participants.Participant": models["participants.Participant"]
        .objects.filter(registrations__workshop=w)
        .distinct(),
        "participants.Registration": models["participants.Registration"].objects.filter(workshop=w),
        "participants.Attendance": models["participants.Attendance"].objects.filter(
            registration__workshop=w
        ),
        "feedback.Questionnaire": models["feedback.Questionnaire"].objects.filter(workshop=w),
        "feedback.Question": questions,
        "feedback.Choice": models["feedback.Choice"].objects.filter(question__in=questions),
        "feedback.Response": models["feedback.Response"].objects.filter(questionnaire__workshop=w),
        "feedback.Answer": models["feedback.Answer"].objects.filter(
            response__questionnaire__workshop=w
        ),
        "feedback.Submission": models["feedback.Submission"].objects.filter(
            questionnaire__workshop=w
        ),
        "feedback.SealedResponse": models["feedback.SealedResponse"].objects.filter(
            questionnaire__workshop=w
        ),
        "reports.Certificate": models["reports.Certificate"].objects.filter(
            registration__workshop=w
        ),
        "reports.Report": models["reports.Report"].objects.filter(workshop=w),
        "reports.ReportLink": models["reports.ReportLink"].objects.filter(report__workshop=w),
        "reports.ReportDelivery": models["reports.ReportDelivery"].objects.filter(
            report__workshop=w
        ),
        "integrations.ApiToken": models["integrations.ApiToken"].objects.none(),
        "integrations.Webhook": models["integrations.Webhook"].objects.filter(workshop=w),
        "auditlog.LogEntry": LogEntry.objects.filter(additional_data__workshop=w),
    }
    # The accounts the workshop names: its organisers, its webhooks' owners, and whoever
    # one of its exported rows names in one of these columns.
    named = Q(organised_workshops=w) | Q(webhooks__workshop=w)
    for label, column in ACCOUNT_COLUMNS:
        named |= Q(pk__in=rows[label].values(column))
    users = get_user_model().objects.filter(named).distinct()
    return {
        "auth.Group": models["auth.Group"].objects.filter(user__in=users).distinct(),
        "auth.User": users,
        **rows,
    }


def export_data(*, workshop: str | None = None) -> dict:
    """The export as a JSON-ready dict: {"format", "version", "exported_at", "workshop",
    "counts", "objects": [rows in MODELS order]}."""
    rows = []
    counts = {}
    for label, queryset in _querysets(workshop).items():
        part = serializers.serialize(
            "python",
            queryset.order_by("pk").iterator(chunk_size=2000),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
        )
        counts[label] = len(part)
        rows.extend(part)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "workshop": workshop,
        "counts": counts,
        "objects": json.loads(json.dumps(rows, cls=serializers.json.DjangoJSONEncoder)),
    }


def write_export(path, *, workshop: str | None = None) -> dict:
    data = export_data(workshop=workshop)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False)
    return data["counts"]


# --- Import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    counts: dict[str, int]


def read_export(path) -> dict:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExchangeError(f"Cannot read {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExchangeError(f"{path} is not an export of this site (no “{FORMAT}” header).")
    if data.get("version") != VERSION:
        raise ExchangeError(
            f"{path} is an export of version {data.get('version')}; this site reads {VERSION}."
        )
    if not isinstance(data.get("objects"), list):
        raise ExchangeError(f"{path} has no list of objects.")
    return data


def _check_empty(using: str) -> None:
    for label in MUST_BE_EMPTY:
        model = apps.get_model(label)
        found = model._base_manager.using(using).count()
        if found:
            raise ExchangeError(
                f"The database is not empty: it has {found} {model._meta.verbose_name_plural}. "
                "Import into a new database (migrated, nothing else)."
            )


def import_data(data: dict, *, using: str = DEFAULT_DB_ALIAS) -> Imported:
    """Check ``data`` whole, then write it into the empty database ``using`` atomically."""
    allowed = set(MODELS)
    for number, row in enumerate(data["objects"], 1):
        if not isinstance(row, dict) or row.get("model", "").lower() not in {
            label.lower() for label in allowed
        }:
            model = row.get("model") if isinstance(row, dict) else None
            raise ExchangeError(f"Object {number}: “{model}” is not a model this export holds.")
    _check_empty(using)
    counts: dict[str, int] = {}
    connection = connections[using]
    try:
        # First the whole file is read and checked, writing nothing: every model, field and
        # value must fit (references by natural key to rows the file itself holds are
        # resolved when written, below).
        for _obj in serializers.deserialize(
            "python", data["objects"], using=using, handle_forward_references=True
        ):
            pass
        with transaction.atomic(using=using), disable_auditlog():
            deferred = []
            models = set()
            with connection.constraint_checks_disabled():
                for obj in serializers.deserialize(
                    "python", data["objects"], using=using, handle_forward_references=True
                ):
                    obj.save(using=using)
                    if obj.deferred_fields:
                        deferred.append(obj)
                    label = obj.object._meta.label
                    counts[label] = counts.get(label, 0) + 1
                    models.add(type(obj.object))
                # References to rows written later in the file (an account named before it).
                for obj in deferred:
                    obj.save_deferred_fields(using=using)
            connection.check_constraints(table_names=sorted(m._meta.db_table for m in models))
            _reset_sequences(using, models)
    except (DeserializationError, ValidationError, ValueError, TypeError) as error:
        raise ExchangeError(f"The file does not fit this site's data: {error}") from None
    return Imported(counts)


def _reset_sequences(using: str, models) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

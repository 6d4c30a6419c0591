"""Reads of the audit trail for the organisers' history pages.

A workshop's history is every record filed under it (``additional_data.workshop``, set by
``audit.registry``) and those of the trainers who teach its sessions; a registration's is
the records filed under it (the registration itself and its attendance). Callers reach the
workshop through ``events.queries.get_organised_workshop`` first (404 to everyone else).
"""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit import registry

VIA_LABELS = {
    "organiser": _("organiser's pages"),
    "admin": _("admin"),
    "import": _("import"),
    "api": _("API"),
    "public": _("public pages"),
    "personal": _("personal page"),
    "command": _("command"),
}

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}


def via_label(via: str) -> str:
    """The origin as shown: "command: purge_personal_data" for a named command."""
    if via.startswith("command:"):
        return f"{VIA_LABELS['command']}: {via.split(':', 1)[1]}"
    return str(VIA_LABELS.get(via, via))


def workshop_history(workshop) -> QuerySet[LogEntry]:
    """Every record about ``workshop``, newest first: one query (with actor and model).

    The records filed under it, and those of the rows its apps show in its history too
    (``audit.registry.follow(..., in_workshop_history=...)``: the trainers who teach it).
    """
    about = Q(additional_data__workshop=workshop.pk)
    for model, pks in registry.in_workshop_history().items():
        content_type = ContentType.objects.get_for_model(model)
        about |= Q(content_type=content_type, object_id__in=pks(workshop))
    return (
        LogEntry.objects.filter(about)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def registration_history(registration) -> QuerySet[LogEntry]:
    """Every record about ``registration`` and its attendance, newest first: one query."""
    return (
        LogEntry.objects.filter(additional_data__registration=registration.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes_of(entry: LogEntry) -> list[Change]:
    """The entry's changes as (field, before, after), m2m additions and removals included."""
    found = []
    for name, value in (entry.changes or {}).items():
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(value.get("objects", []))
            if value.get("operation") == "add":
                found.append(Change(name, "", f"+ {objects}"))
            else:
                found.append(Change(name, f"- {objects}", ""))
        elif isinstance(value, list | tuple) and len(value) == 2:
            before, after = ("" if v in (None, "None") else str(v) for v in value)
            found.append(Change(name, before, after))
    return found


@dataclass(frozen=True)
class Row:
    entry: LogEntry
    what: str
    action: str
    via: str
    changes: list[Change]


def rows(entries) -> list[Row]:
    """The history table's rows from ``entries`` (already fetched; no further query)."""
    return [
        Row(
            entry=entry,
            what=f"{entry.content_type.model_class()._meta.verbose_name}: {entry.object_repr}"
            if entry.content_type.model_class()
            else entry.object_repr,
            action=str(ACTION_LABELS.get(entry.action, entry.action)),
            via=via_label((entry.additional_data or {}).get("via", "")),
            changes=changes_of(entry),
        )
        for entry in entries
    ]

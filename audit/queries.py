"""Reads of the audit trail for the organisers' history pages.

A workshop's history is every record filed under it (``additional_data.workshop``, set by
``audit.registry``) and those of the trainers who teach its sessions; a registration's is
the records filed under it (the registration itself and its attendance). Callers reach the
workshop through ``events.queries.get_organised_workshop`` first (404 to everyone else).
"""

from dataclasses import dataclass
from datetime import UTC

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.timezone import is_aware, make_aware
from django.utils.translation import gettext, gettext_noop
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
    """One field's change as shown: its label, and the values before and after as people read
    them (a choice by its label, a related row by its name, a moment as a date and time to
    be shown in the workshop's zone); "" for no value."""

    field: str
    before: object
    after: object


def changes_of(entry: LogEntry, names: dict | None = None) -> list[Change]:
    """The entry's changes, m2m additions and removals included, in the words of the model's
    fields. ``names`` holds the related rows' names (from :func:`related_names`); a related
    row not in it (deleted since) is shown by its key."""
    model = entry.content_type.model_class()
    found = []
    for name, value in (entry.changes or {}).items():
        field = _field(model, name)
        label = _label(field) if field is not None else name
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(value.get("objects", []))
            if value.get("operation") == "add":
                found.append(Change(label, "", f"+ {objects}"))
            else:
                found.append(Change(label, f"- {objects}", ""))
        elif isinstance(value, list | tuple) and len(value) == 2:
            if field is not None and field.primary_key:
                continue  # the row's own key: the record already says which row
            before, after = (_shown(field, v, names or {}) for v in value)
            if before != "" or after != "":
                found.append(Change(label, before, after))
    return found


def related_names(entries, known=()) -> dict[tuple[type, str], str]:
    """{(model, key): name} for every related row the entries' changes name.

    Rows in ``known`` (what the page has read already: its workshop, the registration and
    its person, the sessions) and the entries' actors are named without a query; the others
    cost one query per related model, whatever the number of entries.
    """
    have = {(type(row), str(row.pk)): row for row in known if row is not None}
    have.update({(type(e.actor), str(e.actor.pk)): e.actor for e in entries if e.actor})
    names = {}
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, value in (entry.changes or {}).items():
            field = _field(model, name)
            if field is None or not field.is_relation or not isinstance(value, list | tuple):
                continue
            keys = (str(v) for v in value if not _empty(v))
            for key in (key for key in keys if _is_key(field.related_model, key)):
                row = have.get((field.related_model, key))
                if row is not None:
                    names[(field.related_model, key)] = str(row)
                else:
                    wanted.setdefault(field.related_model, set()).add(key)
    for related, keys in wanted.items():
        # select_related(): the names of registrations and agency roles read their workshop.
        rows = related._default_manager.select_related().filter(pk__in=keys)
        names.update({(related, str(row.pk)): str(row) for row in rows})
    return names


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# The labels Django makes from a followed field's name where the model gives it none (a
# relation's is its model's name, "workshop", which the apps' catalogues translate).
gettext_noop("created at")
gettext_noop("updated at")
gettext_noop("cancelled by participant")


def _label(field):
    """The field's label in the page's language, a made-up one (no ``verbose_name``) too."""
    name = field.verbose_name
    return capfirst(name if isinstance(name, Promise) else gettext(name))


def _is_key(model, value: str) -> bool:
    """Whether ``value`` can be a key of ``model``'s rows (what auditlog records for a
    relation); a merge records a session's trainers by their names."""
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


def _empty(value) -> bool:
    return value in (None, "", "None")


def _shown(field, value, names: dict):
    """``value`` as recorded (JSON, or auditlog's text) in the words people read."""
    if _empty(value):
        return ""
    if field is None:
        return str(value)
    if field.is_relation:
        if not _is_key(field.related_model, str(value)):
            # Recorded as text, not a key: a merge's names, or an erasure's mark.
            return str(value)
        return names.get((field.related_model, str(value)), f"#{value}")
    if field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        truth = value if isinstance(value, bool) else str(value) in ("True", "true", "1")
        return str(_("yes") if truth else _("no"))
    if kind == "DateTimeField":
        moment = parse_datetime(str(value))
        if moment is not None:
            # auditlog records moments in UTC without a zone; the template shows them in the
            # workshop's zone.
            return moment if is_aware(moment) else make_aware(moment, UTC)
    if kind == "DateField":
        day = parse_date(str(value))
        if day is not None:
            return day
    return str(value)


@dataclass(frozen=True)
class Row:
    entry: LogEntry
    what: str
    action: str
    via: str
    changes: list[Change]


def rows(entries, known=()) -> list[Row]:
    """The history table's rows from ``entries`` (already fetched, with their actors): no
    further query but for the related rows their changes name that are not ``known``
    (:func:`related_names`)."""
    entries = list(entries)
    names = related_names(entries, known)
    return [
        Row(
            entry=entry,
            what=f"{entry.content_type.model_class()._meta.verbose_name}: {entry.object_repr}"
            if entry.content_type.model_class()
            else entry.object_repr,
            action=str(ACTION_LABELS.get(entry.action, entry.action)),
            via=via_label((entry.additional_data or {}).get("via", "")),
            changes=changes_of(entry, names),
        )
        for entry in entries
    ]

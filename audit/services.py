"""Records the audit trail cannot see by itself, and the trail's part in erasing a person.

django-auditlog follows ``save()`` and ``delete()``. A service that changes rows with one
UPDATE (``QuerySet.update``) or in bulk says what it changed through :func:`record_update`,
so every write path leaves a record (tests/audit check each).
"""

from collections.abc import Sequence

from auditlog.models import LogEntry
from django.db.models import Model


def record_update(instance: Model, changes: dict[str, tuple]) -> LogEntry | None:
    """Record that ``instance`` changed: {field: (before, after)}, written as auditlog does.

    Fields whose value is the same before and after are left out; nothing is written when
    none is left. One INSERT (plus what ``instance`` needs for its workshop, if not cached).
    """
    changed = {
        name: [_text(before), _text(after)]
        for name, (before, after) in changes.items()
        if _text(before) != _text(after)
    }
    if not changed:
        return None
    return LogEntry.objects.log_create(instance, action=LogEntry.Action.UPDATE, changes=changed)


def record_create(instance: Model) -> LogEntry | None:
    """Record a row made by ``bulk_create`` (no signal): every field's value, as auditlog does
    (as JSON values, not their text, when the settings store JSON: as its signal does)."""
    from auditlog.diff import model_instance_diff
    from django.conf import settings

    changes = model_instance_diff(
        None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
    )
    return LogEntry.objects.log_create(instance, action=LogEntry.Action.CREATE, changes=changes)


def record_creates(instances: Sequence[Model]) -> list[LogEntry]:
    """:func:`record_create` for many rows at once: the same records, written by one INSERT.

    Each is made as ``LogEntry.objects.log_create`` makes it, and what auditlog's context
    adds when a record is saved (the actor, the address, the origin) is added by the same
    ``pre_save`` signal, sent here since ``bulk_create`` sends none."""
    from auditlog.cid import get_cid
    from auditlog.diff import model_instance_diff
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import pre_save
    from django.utils.encoding import smart_str

    manager = LogEntry.objects
    entries = []
    for instance in instances:
        pk = manager._get_pk_value(instance)
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=pk,
            object_id=pk if isinstance(pk, int) else None,
            object_repr=smart_str(instance),
            serialized_data=manager._get_serialized_data_or_none(instance),
            action=LogEntry.Action.CREATE,
            changes=model_instance_diff(
                None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
            ),
            cid=get_cid(),
        )
        if callable(getattr(instance, "get_additional_data", None)):
            entry.additional_data = instance.get_additional_data()
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
        entries.append(entry)
    return LogEntry.objects.bulk_create(entries)


def _text(value):
    """A value as the records hold it (JSON): a related row by its key, a moment in ISO."""
    if isinstance(value, Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

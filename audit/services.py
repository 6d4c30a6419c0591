"""Records the audit trail cannot see by itself, and the trail's part in erasing a person.

django-auditlog follows ``save()`` and ``delete()``. A service that changes rows with one
UPDATE (``QuerySet.update``) or in bulk says what it changed through :func:`record_update`,
so every write path leaves a record (tests/audit check each).
"""

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


def _text(value):
    """A value as the records hold it (JSON): a related row by its key, a moment in ISO."""
    if isinstance(value, Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

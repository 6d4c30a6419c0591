"""The versions of the calendar feeds: a counter on each workshop and each trainer that grows
whenever anything its feed shows may have changed.

Calendar programs poll feeds every few minutes. Answering "not modified" from a digest of
the content means reading every session (99 ms for 3,000); answering it from a counter read
with the workshop (or the trainer) costs the same for 30 sessions as for 3,000. The feeds
(``events.feeds``) make their ETag from the counter, the feed's scope and the language.

What a feed shows: the workshop (title, zone, status, venue, city), its sessions, their
rooms, trainers (with their agency) and topics. Every way these change ends in a model's
``save()``, ``delete()`` or a many-to-many change, whoever makes it (the services, the
admin, the API, an import), so the counters are kept here, by signals, once for all of them:

- a session saved, deleted, or its trainers or topics changed: its workshop, and the
  trainers it has (had, for a removal);
- a room, topic or agency saved or deleted: the workshops and trainers of the sessions
  that show it;
- a workshop saved: itself and the trainers of its sessions; a trainer saved: itself and
  the workshops it teaches in.

Writes that bypass ``save()`` (``QuerySet.update``, ``bulk_create``) must call
:func:`sessions_changed` themselves, as ``events.duplicates`` does for a merge; a change
missed only costs a client an out-of-date copy until the next change, never a wrong body
(the body is cached under a digest of its content).

A bump is an ``UPDATE ... SET calendar_version = calendar_version + 1`` in the database, so
two changes at once both count and an instance loaded earlier never writes an older
number back (``save()`` leaves the column to the database, see :func:`_keep_counter`).
"""

from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from events.models import Agency, Room, Session, Topic, Trainer, Workshop

SessionTrainers = Session.trainers.through
SessionTopics = Session.topics.through


def _bump(model, condition: Q) -> None:
    model.objects.filter(condition).update(calendar_version=F("calendar_version") + 1)


def sessions_changed(sessions) -> None:
    """The sessions ``sessions`` (a queryset or list of pks) changed: their workshops' and
    their trainers' feeds get a new version. Two UPDATEs."""
    _bump(Workshop, Q(pk__in=Session.objects.filter(pk__in=sessions).values("workshop_id")))
    _bump(
        Trainer,
        Q(pk__in=SessionTrainers.objects.filter(session_id__in=sessions).values("trainer_id")),
    )


def workshops_changed(workshop_ids) -> None:
    """The workshops themselves changed (their title, zone, status...): theirs and their
    trainers' feeds. Two UPDATEs."""
    _bump(Workshop, Q(pk__in=workshop_ids))
    _bump(
        Trainer,
        Q(
            pk__in=SessionTrainers.objects.filter(session__workshop_id__in=workshop_ids).values(
                "trainer_id"
            )
        ),
    )


def trainers_changed(trainer_ids) -> None:
    """The trainers themselves changed (their name, position, agency): theirs and their
    workshops' feeds. Two UPDATEs."""
    _bump(Trainer, Q(pk__in=trainer_ids))
    _bump(
        Workshop,
        Q(
            pk__in=Session.objects.filter(
                pk__in=SessionTrainers.objects.filter(trainer_id__in=trainer_ids).values(
                    "session_id"
                )
            ).values("workshop_id")
        ),
    )


# --- the signals --------------------------------------------------------------------------


def _keep_counter(sender, instance, **kwargs):
    """Before a workshop or trainer is saved: its counter is the database's, not the one
    loaded with the instance (which another change may have passed since)."""
    if not instance._state.adding:
        instance.calendar_version = F("calendar_version")


def _workshop_saved(sender, instance, created, **kwargs):
    if not created:
        workshops_changed([instance.pk])
        instance.refresh_from_db(fields=["calendar_version"])


def _trainer_saved(sender, instance, created, **kwargs):
    if not created:
        trainers_changed([instance.pk])
        instance.refresh_from_db(fields=["calendar_version"])


def _session_saved(sender, instance, **kwargs):
    sessions_changed([instance.pk])


def _session_deleted(sender, instance, **kwargs):
    # Before the delete: its trainers are still linked, so they are found.
    sessions_changed([instance.pk])


def _trainers_of_sessions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Session.trainers changed, from either side. A removal is counted before it happens
    (``pre_``), so the trainers taken off are still found; an addition after."""
    if action not in ("pre_remove", "pre_clear", "post_add"):
        return
    if reverse:  # trainer.sessions.add(...): ``instance`` is the trainer
        sessions = list(pk_set) if pk_set else list(instance.sessions.values_list("pk", flat=True))
        sessions_changed(sessions)
        _bump(Trainer, Q(pk=instance.pk))
    else:
        sessions_changed([instance.pk])
        if pk_set:
            _bump(Trainer, Q(pk__in=pk_set))


def _topics_of_sessions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_remove", "pre_clear", "post_add"):
        return
    if reverse:  # topic.sessions.add(...)
        sessions_changed(list(pk_set) if pk_set else instance.sessions.values("pk"))
    else:
        sessions_changed([instance.pk])


def _room_changed(sender, instance, **kwargs):
    sessions_changed(Session.objects.filter(room_id=instance.pk).values("pk"))


def _topic_changed(sender, instance, **kwargs):
    sessions_changed(SessionTopics.objects.filter(topic_id=instance.pk).values("session_id"))


def _agency_changed(sender, instance, **kwargs):
    trainers_changed(Trainer.objects.filter(agency_id=instance.pk).values("pk"))


def _trainer_deleted(sender, instance, **kwargs):
    trainers_changed([instance.pk])


def _workshop_deleted(sender, instance, **kwargs):
    workshops_changed([instance.pk])


def connect() -> None:
    """Called once, from ``EventsConfig.ready``."""
    uid = "events.calendar_versions"
    for model in (Workshop, Trainer):
        pre_save.connect(_keep_counter, sender=model, dispatch_uid=f"{uid}.keep.{model.__name__}")
    post_save.connect(_workshop_saved, sender=Workshop, dispatch_uid=f"{uid}.workshop")
    post_save.connect(_trainer_saved, sender=Trainer, dispatch_uid=f"{uid}.trainer")
    post_save.connect(_session_saved, sender=Session, dispatch_uid=f"{uid}.session")
    pre_delete.connect(_session_deleted, sender=Session, dispatch_uid=f"{uid}.session.delete")
    pre_delete.connect(_trainer_deleted, sender=Trainer, dispatch_uid=f"{uid}.trainer.delete")
    pre_delete.connect(_workshop_deleted, sender=Workshop, dispatch_uid=f"{uid}.workshop.delete")
    m2m_changed.connect(
        _trainers_of_sessions_changed, sender=SessionTrainers, dispatch_uid=f"{uid}.trainers"
    )
    m2m_changed.connect(
        _topics_of_sessions_changed, sender=SessionTopics, dispatch_uid=f"{uid}.topics"
    )
    for model, handler in (
        (Room, _room_changed),
        (Topic, _topic_changed),
        (Agency, _agency_changed),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        pre_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.{model.__name__}.del")

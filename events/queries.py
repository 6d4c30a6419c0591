"""Who may see what, for events: one named function per rule, used by views and API alike."""

from collections.abc import Iterable

from django.db.models import Case, Count, Max, Q, When
from django.http import Http404

from events.models import Agency, Session, Trainer, Workshop


def organised_workshops(user):
    """Workshops ``user`` may plan and change: all for a superuser, else those they organise."""
    return Workshop.objects.organised_by(user)


def get_organised_workshop(user, slug: str) -> Workshop:
    """The workshop ``slug`` if ``user`` organises it; 404 otherwise, revealing nothing.

    Strangers, participants, funders and other workshops' organisers all get the same 404,
    so a link cannot be used to learn that a workshop exists.
    """
    try:
        return organised_workshops(user).get(slug=slug)
    except Workshop.DoesNotExist:
        raise Http404 from None


def is_organiser(user) -> bool:
    """Whether ``user`` may use the organiser pages at all (dashboard, trainers, new workshop).

    Superusers, users allowed to add workshops (given in the admin, directly or by a group)
    and anyone who already organises a workshop. Funders and participants are not organisers.
    At most one query for an organiser, three for anyone else (the permission look-ups).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.organised_workshops.exists() or user.has_perm("events.add_workshop")


def search_agencies(query: str):
    """Agencies whose English or local name or acronym contains ``query``, best first."""
    query = query.strip()
    if not query:
        return Agency.objects.none()
    return (
        Agency.objects.filter(
            Q(name__icontains=query) | Q(name_local__icontains=query) | Q(acronym__icontains=query)
        )
        .select_related("parent")
        .order_by(
            # Exact acronyms first ("IOM"), then names that start with the words typed.
            Case(When(acronym__iexact=query, then=0), default=1),
            Case(When(name__istartswith=query, then=0), default=1),
            "name",
        )
    )


def search_trainers(query: str):
    """Trainers matching ``query`` by name in either script, position or agency."""
    trainers = Trainer.objects.select_related("agency").annotate(
        session_count=Count("sessions", filter=Q(sessions__status=Session.Status.SCHEDULED)),
        workshop_count=Count("sessions__workshop", distinct=True),
    )
    query = query.strip()
    if query:
        trainers = trainers.filter(
            Q(name__icontains=query)
            | Q(name_local__icontains=query)
            | Q(position__icontains=query)
            | Q(agency__name__icontains=query)
            | Q(agency__acronym__icontains=query)
        )
    return trainers.order_by("name", "pk")


def timetable_sessions(workshop: Workshop) -> list[Session]:
    """The workshop's sessions, cancelled ones too, with what the timetable shows of each.

    Three queries: the sessions with their rooms, their trainers, their topics.
    """
    sessions = list(
        workshop.sessions.select_related("room")
        .prefetch_related("trainers", "topics")
        .order_by("starts_at", "ends_at", "pk")
    )
    for session in sessions:
        # Saves a join: every session here belongs to this workshop.
        session.workshop = workshop
    return sessions


def timetable_version(*workshops: Workshop) -> str:
    """A string that changes whenever anything the workshops' timetables show may change.

    For keys of cached pages: the workshops themselves; their sessions and every other
    session at overlapping times (a clash may come from another workshop); the trainers,
    rooms and topics of those sessions. Counts catch deletions, the latest change times
    catch edits; a trainer or topic set on a session is caught by the session's own change
    time, since every write path saves the session. One query, on indexed columns.
    """
    scope = Q(workshop__in=[w.pk for w in workshops])
    for workshop in workshops:
        scope |= Q(starts_at__lt=workshop.ends_at, ends_at__gt=workshop.starts_at)
    figures = Session.objects.filter(scope).aggregate(
        # Named apart from the relations: an aggregate named "trainers" would hide them.
        session_count=Count("pk", distinct=True),
        session_changed=Max("updated_at"),
        trainer_count=Count("trainers", distinct=True),
        trainer_changed=Max("trainers__updated_at"),
        room_count=Count("room", distinct=True),
        room_changed=Max("room__updated_at"),
        topic_count=Count("topics", distinct=True),
        topic_changed=Max("topics__updated_at"),
    )
    parts = [f"{w.pk}@{w.updated_at.timestamp()}" for w in workshops]
    parts += [
        str(value.timestamp() if hasattr(value, "timestamp") else value)
        for _name, value in sorted(figures.items())
    ]
    return "/".join(parts)


def group_by_local_day(workshop: Workshop, sessions: Iterable[Session]) -> list[tuple]:
    """``(day, sessions)`` for every day of the workshop, in its time zone, in order.

    Sessions outside the workshop's days (possible only through old data or an import) come
    last, under the day ``None``.
    """
    days: dict = {day: [] for day in workshop.days}
    outside = []
    for session in sessions:
        day = workshop.local(session.starts_at).date()
        days.get(day, outside).append(session)
    grouped = list(days.items())
    if outside:
        grouped.append((None, outside))
    return grouped


def trainer_teaching(trainer: Trainer, user) -> list[tuple[Workshop, list[Session]]]:
    """What ``trainer`` teaches, as ``(workshop, sessions)``, latest workshop first.

    Only workshops ``user`` may see: those they organise and the public ones; another
    organiser's draft stays hidden. Each workshop says whether ``user`` organises it
    (``is_organised``), for a link to its timetable. Two queries.
    """
    visible = Workshop.objects.public() | organised_workshops(user)
    sessions = (
        trainer.sessions.filter(workshop__in=visible.values("pk"))
        .select_related("workshop", "room")
        .order_by("-workshop__start_date", "workshop__pk", "starts_at", "pk")
    )
    grouped: dict[int, tuple[Workshop, list[Session]]] = {}
    for session in sessions:
        grouped.setdefault(session.workshop_id, (session.workshop, []))[1].append(session)
    organised = (
        set(organised_workshops(user).filter(pk__in=grouped).values_list("pk", flat=True))
        if grouped
        else set()
    )
    for workshop, _sessions in grouped.values():
        workshop.is_organised = workshop.pk in organised
    return list(grouped.values())

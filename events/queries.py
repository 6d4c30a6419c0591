"""Who may see what, for events: one named function per rule, used by views and API alike."""

from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404

from events.models import Agency, Room, Session, Topic, Trainer, Workshop


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


def feed_workshops(user) -> QuerySet[Workshop]:
    """Workshops whose timetable ``user`` may fetch as a calendar.

    Every workshop but drafts: published ones and their later states, and cancelled ones,
    whose feed tells subscribed calendars that every session is cancelled. Drafts only for
    those who organise them (``organised_workshops``), for a download while planning.
    """
    return Workshop.objects.filter(
        ~Q(status=Workshop.Status.DRAFT) | Q(pk__in=organised_workshops(user).values("pk"))
    )


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


def contains_any(text: str, *fields: str) -> Q:
    """Rows where any of ``fields`` contains ``text``, ignoring case: what a search box
    matches."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return condition


def search_agencies(query: str):
    """Agencies whose English or local name or acronym contains ``query``, best first."""
    query = query.strip()
    if not query:
        return Agency.objects.none()
    return (
        Agency.objects.filter(contains_any(query, "name", "name_local", "acronym"))
        .select_related("parent")
        .order_by(
            # Exact acronyms first ("IOM"), then names that start with the words typed.
            Case(When(acronym__iexact=query, then=0), default=1),
            Case(When(name__istartswith=query, then=0), default=1),
            "name",
        )
    )


def trainers_managed_by(user) -> QuerySet[Trainer]:
    """Trainers ``user`` may change, and whose e-mail and calendar link they may see.

    A superuser: every trainer. Anyone else: the trainers they added, and those teaching a
    session (any status) in a workshop they organise, since those are the people they work
    with and send links to. Every other organiser sees a trainer's public details only.
    """
    if not user.is_authenticated:
        return Trainer.objects.none()
    if user.is_superuser:
        return Trainer.objects.all()
    teaching = Trainer.objects.filter(
        sessions__workshop__in=Workshop.objects.organised_by(user)
    ).values("pk")
    return Trainer.objects.filter(Q(created_by=user) | Q(pk__in=teaching))


def get_managed_trainer(user, pk: int) -> Trainer:
    """The trainer ``pk`` if ``user`` may change it; 404 otherwise, revealing nothing."""
    trainer = trainers_managed_by(user).select_related("agency").filter(pk=pk).first()
    if trainer is None:
        raise Http404
    return trainer


def search_trainers(query: str):
    """Trainers matching ``query`` by name in either script, position or agency."""
    trainers = Trainer.objects.select_related("agency").annotate(
        session_count=Count("sessions", filter=Q(sessions__status=Session.Status.SCHEDULED)),
        workshop_count=Count("sessions__workshop", distinct=True),
    )
    query = query.strip()
    if query:
        trainers = trainers.filter(
            contains_any(query, "name", "name_local", "position", "agency__name", "agency__acronym")
        )
    return trainers.order_by("name", "pk")


def timetable_rows(workshop: Workshop) -> list[dict]:
    """The workshop's sessions, cancelled ones too, in order, as what the timetable shows.

    Plain rows rather than model instances, since a programme may hold hundreds of sessions:
    ``pk``, ``title``, ``title_local``, ``kind``, ``status``, ``starts_at``, ``ends_at``,
    ``room`` (its name, or ""), ``trainers`` (a list of Trainer) and ``topics`` (their
    names, joined). Five queries: the sessions, their rooms, trainers and the links to them,
    topics and the links to them.
    """
    rows = list(
        workshop.sessions.order_by("starts_at", "ends_at", "pk").values(
            "pk", "title", "title_local", "kind", "status", "starts_at", "ends_at", "room_id"
        )
    )
    in_workshop = Q(sessions__workshop=workshop)
    rooms = {room.pk: str(room) for room in Room.objects.filter(in_workshop).distinct()}
    trainers = Trainer.objects.filter(in_workshop).distinct().in_bulk()
    topics = {topic.pk: topic.name for topic in Topic.objects.filter(in_workshop).distinct()}
    taught: dict[int, list] = {}
    for session_id, trainer_id in Session.trainers.through.objects.filter(
        session__workshop=workshop
    ).values_list("session_id", "trainer_id"):
        taught.setdefault(session_id, []).append(trainers[trainer_id])
    about: dict[int, list] = {}
    for session_id, topic_id in Session.topics.through.objects.filter(
        session__workshop=workshop
    ).values_list("session_id", "topic_id"):
        about.setdefault(session_id, []).append(topics[topic_id])
    for row in rows:
        row["room"] = rooms.get(row.pop("room_id"), "")
        row["trainers"] = sorted(taught.get(row["pk"], []), key=lambda t: t.name)
        row["topics"] = ", ".join(sorted(about.get(row["pk"], [])))
    return rows


_VERSION_SQL = """
SELECT COUNT(DISTINCT s.id), MAX(s.updated_at),
       COUNT(DISTINCT st.trainer_id), MAX(t.updated_at), MAX(a.updated_at),
       COUNT(DISTINCT s.room_id), MAX(r.updated_at),
       COUNT(DISTINCT sp.topic_id), MAX(p.updated_at),
       MAX(w.updated_at)
  FROM {session} s
  JOIN {workshop} w ON w.id = s.workshop_id
  LEFT JOIN {session_trainers} st ON st.session_id = s.id
  LEFT JOIN {trainer} t ON t.id = st.trainer_id
  LEFT JOIN {agency} a ON a.id = t.agency_id
  LEFT JOIN {room} r ON r.id = s.room_id
  LEFT JOIN {session_topics} sp ON sp.session_id = s.id
  LEFT JOIN {topic} p ON p.id = sp.topic_id
 WHERE s.workshop_id IN ({ids}) OR {windows}
"""


def timetable_version(*workshops: Workshop, overlapping: bool = True) -> str:
    """A string that changes whenever anything the workshops' timetables show may change.

    For keys of cached pages: the workshops themselves; their sessions and every other
    session at overlapping times (a clash may come from another workshop; its message names
    that workshop and its local time, so that workshop's own changes count too); the
    trainers (and their agencies), rooms and topics of those sessions. Counts catch
    deletions, the latest change times catch edits; a trainer or topic set on a session is
    caught by the session's own change time, since every write path saves the session. One
    query on indexed columns, written out because building it with the ORM costs more than
    running it.

    ``overlapping=False`` leaves other workshops' sessions out: for a page that shows no
    clashes (the public timetable), whose version then reads only its workshop's rows.
    """
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = _VERSION_SQL.format(
        session=qn(Session._meta.db_table),
        workshop=qn(Workshop._meta.db_table),
        session_trainers=qn(Session.trainers.through._meta.db_table),
        trainer=qn(Trainer._meta.db_table),
        agency=qn(Agency._meta.db_table),
        room=qn(Room._meta.db_table),
        session_topics=qn(Session.topics.through._meta.db_table),
        topic=qn(Topic._meta.db_table),
        ids=", ".join(["%s"] * len(workshops)),
        windows=" OR ".join(["(s.starts_at < %s AND s.ends_at > %s)"] * len(workshops))
        if overlapping
        else "FALSE",
    )
    params = [w.pk for w in workshops]
    if overlapping:
        for workshop in workshops:
            params += [adapt(workshop.ends_at), adapt(workshop.starts_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    stamps = [f"{w.pk}@{w.updated_at.isoformat()}" for w in workshops]
    return "/".join([*stamps, *map(str, row)])


class Teaching(NamedTuple):
    """One workshop of what a trainer teaches: its sessions, and whether the reader
    organises it (``organised``: the page links its timetable)."""

    workshop: Workshop
    sessions: list[Session]
    organised: bool


def trainer_teaching(trainer: Trainer, user) -> list[Teaching]:
    """What ``trainer`` teaches, a ``Teaching`` per workshop, latest workshop first.

    Only workshops ``user`` may see: those they organise and the public ones; another
    organiser's draft stays hidden. Two queries.
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
    return [
        Teaching(workshop, taught, workshop.pk in organised)
        for workshop, taught in grouped.values()
    ]


def last_timezone_of(user) -> str | None:
    """The time zone of the workshop ``user`` created or was added to last: one query."""
    return (
        Workshop.objects.filter(organisers=user)
        .order_by("-created_at", "-pk")
        .values_list("timezone", flat=True)
        .first()
    )

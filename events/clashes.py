"""The timetable rules the database cannot hold, in one place for forms, the admin and the API.

Two sessions overlap when each starts before the other ends: back-to-back sessions (one ends
at 10:00, the next starts at 10:00) do not. Cancelled sessions clash with nothing.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Room, Session, Trainer, Workshop


@dataclass(frozen=True)
class Clash:
    """``session`` and ``other`` overlap and share ``trainer`` or ``room``."""

    kind: str  # "trainer" or "room"
    session: Session
    other: Session
    trainer: Trainer | None = None
    room: Room | None = None

    @property
    def resource(self) -> Trainer | Room:
        return self.trainer if self.kind == "trainer" else self.room

    def message(self) -> str:
        other = self.other
        when = date_format(
            other.starts_at.astimezone(other.workshop.tz), "DATETIME_FORMAT", use_l10n=True
        )
        if self.kind == "trainer":
            return _("%(trainer)s also teaches “%(other)s” (%(workshop)s, %(when)s).") % {
                "trainer": self.trainer,
                "other": other.title,
                "workshop": other.workshop.title,
                "when": when,
            }
        return _("%(room)s is also booked for “%(other)s” (%(workshop)s, %(when)s).") % {
            "room": self.room,
            "other": other.title,
            "workshop": other.workshop.title,
            "when": when,
        }


def outside_workshop_dates(workshop: Workshop, starts_at: datetime, ends_at: datetime) -> str:
    """A message if the session is not wholly within the workshop's days (in its time zone)."""
    if starts_at < workshop.starts_at or ends_at > workshop.ends_at:
        return _(
            "The session must lie within the workshop's dates, %(first)s to %(last)s (%(tz)s)."
        ) % {
            "first": date_format(workshop.start_date, "DATE_FORMAT"),
            "last": date_format(workshop.end_date, "DATE_FORMAT"),
            "tz": workshop.timezone,
        }
    return ""


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def find_clashes(
    *,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None = None,
    trainers: Iterable[Trainer] = (),
    exclude: Session | None = None,
    status: str = Session.Status.SCHEDULED,
) -> list[Clash]:
    """The clashes a session with these values would have with sessions already saved.

    For a form before it saves: pass the cleaned values and ``exclude`` the session being
    edited. Looks across every workshop, since a trainer or a room is in one place at a
    time whatever the workshop. One query, plus one for trainers when there are any.
    """
    trainers = list(trainers)
    if status == Session.Status.CANCELLED or (room is None and not trainers):
        return []
    # The candidate as described by the values being checked, not as saved.
    candidate = Session(
        pk=exclude.pk if exclude else None,
        workshop_id=exclude.workshop_id if exclude else None,
        title=exclude.title if exclude else "",
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
    )
    sharing = Q(trainers__in=trainers) if trainers else Q()
    if room is not None:
        sharing = sharing | Q(room=room) if trainers else Q(room=room)
    others = (
        Session.objects.filter(sharing, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("workshop", "room")
        .prefetch_related("trainers")
        .distinct()
        .order_by("starts_at", "pk")
    )
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    wanted = {t.pk: t for t in trainers}
    clashes = []
    for other in others:
        for trainer in other.trainers.all():
            if trainer.pk in wanted:
                clashes.append(Clash("trainer", candidate, other, trainer=wanted[trainer.pk]))
        if room is not None and other.room_id == room.pk:
            clashes.append(Clash("room", candidate, other, room=room))
    return clashes


def workshop_clashes(workshop: Workshop) -> list[Clash]:
    """Every clash that involves a session of ``workshop``, each pair once.

    Includes clashes with other workshops' sessions (the same trainer booked elsewhere).
    A fixed number of queries, whatever the size of the timetable: the workshop's sessions,
    then every other session overlapping the workshop's days that shares a trainer or room.
    """
    own = list(
        workshop.sessions.exclude(status=Session.Status.CANCELLED)
        .select_related("room", "workshop")
        .prefetch_related("trainers")
    )
    if not own:
        return []
    trainer_ids = {t.pk for s in own for t in s.trainers.all()}
    room_ids = {s.room_id for s in own if s.room_id}
    first = min(s.starts_at for s in own)
    last = max(s.ends_at for s in own)
    foreign = list(
        Session.objects.filter(Q(trainers__in=trainer_ids) | Q(room__in=room_ids))
        .filter(starts_at__lt=last, ends_at__gt=first)
        .exclude(workshop=workshop)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("room", "workshop")
        .prefetch_related("trainers")
        .distinct()
    )
    return _sweep(own, foreign)


# The same rule as ``_sweep``, asked of the database: the pairs come back, not the sessions,
# so a page that only needs the clashes does not load a whole timetable to find them.
_PAIRS_SQL = """
SELECT a.id, b.id, 'trainer', ta.trainer_id
  FROM {session} a
  JOIN {trainers} ta ON ta.session_id = a.id
  JOIN {trainers} tb ON tb.trainer_id = ta.trainer_id AND tb.session_id <> a.id
  JOIN {session} b ON b.id = tb.session_id
 WHERE a.workshop_id IN ({workshops}) AND a.status = %s AND b.status = %s
   AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
UNION ALL
SELECT a.id, b.id, 'room', a.room_id
  FROM {session} a
  JOIN {session} b ON b.room_id = a.room_id AND b.id <> a.id
 WHERE a.workshop_id IN ({workshops}) AND a.status = %s AND b.status = %s
   AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


def clashes_by_workshop(
    workshops: Iterable[Workshop], *, sessions: Iterable[Session] = ()
) -> dict[int, list[Clash]]:
    """The clashes of several workshops at once, keyed by workshop id.

    Each pair once per workshop it involves, that workshop's session first: a clash between
    two of the given workshops is listed under both; within one workshop, the session that
    starts first comes first (as ``workshop_clashes`` lists them). ``sessions`` already
    loaded (with ``room`` selected and ``trainers`` prefetched) are used as they are.

    One query finds the clashing pairs in the database; only when there are some, one more
    loads the sessions involved that were not given and one their trainers: at most three,
    whatever the size of the timetables.
    """
    workshops = {w.pk: w for w in workshops}
    if not workshops:
        return {}
    scheduled = Session.Status.SCHEDULED
    sql = _PAIRS_SQL.format(
        session=connection.ops.quote_name(Session._meta.db_table),
        trainers=connection.ops.quote_name(Session.trainers.through._meta.db_table),
        workshops=", ".join(["%s"] * len(workshops)),
    )
    ids = list(workshops)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, scheduled, scheduled, *ids, scheduled, scheduled])
        rows = cursor.fetchall()
    if not rows:
        return {}

    known = {s.pk: s for s in sessions}
    wanted = {pk for a, b, _, _ in rows for pk in (a, b)} - known.keys()
    if wanted:
        known.update(
            (s.pk, s)
            for s in Session.objects.filter(pk__in=wanted).select_related("room", "workshop")
        )
    for session in known.values():
        if session.workshop_id in workshops:
            session.workshop = workshops[session.workshop_id]
    trainer_ids = {resource for _, _, kind, resource in rows if kind == "trainer"}
    trainers = Trainer.objects.in_bulk(trainer_ids) if trainer_ids else {}

    result: dict[int, list[Clash]] = defaultdict(list)
    for a_id, b_id, kind, resource in rows:
        session, other = known[a_id], known[b_id]
        if other.workshop_id == session.workshop_id and (other.starts_at, other.pk) < (
            session.starts_at,
            session.pk,
        ):
            continue  # the same pair, found from its other end
        if kind == "trainer":
            clash = Clash("trainer", session, other, trainer=trainers[resource])
        else:
            clash = Clash("room", session, other, room=session.room)
        result[session.workshop_id].append(clash)
    for clashes in result.values():
        clashes.sort(key=lambda c: (c.session.starts_at, c.kind, c.other.starts_at, c.other.pk))
    return dict(result)


def _sweep(own: list[Session], foreign: list[Session]) -> list[Clash]:
    """Pairs of overlapping sessions that share a trainer or a room.

    Per trainer and per room, sort its sessions by start and compare each with those still
    running: O(n log n + clashes), not O(n²), for a 300-session programme.
    """
    own_ids = {s.pk for s in own}
    by_trainer: dict[int, list[tuple[Session, Trainer]]] = defaultdict(list)
    by_room: dict[int, list[Session]] = defaultdict(list)
    for session in [*own, *foreign]:
        for trainer in session.trainers.all():
            by_trainer[trainer.pk].append((session, trainer))
        if session.room_id:
            by_room[session.room_id].append(session)

    clashes: list[Clash] = []

    def scan(items, make):
        items.sort(key=lambda item: item[0].starts_at)
        running: list = []
        for item in items:
            session = item[0]
            running = [r for r in running if r[0].ends_at > session.starts_at]
            for earlier in running:
                if earlier[0].pk == session.pk:
                    continue
                if earlier[0].pk in own_ids or session.pk in own_ids:
                    first, second = (earlier, item) if earlier[0].pk in own_ids else (item, earlier)
                    clashes.append(make(first, second))
            running.append(item)

    for items in by_trainer.values():
        scan(items, lambda a, b: Clash("trainer", a[0], b[0], trainer=a[1]))
    for sessions in by_room.values():
        scan(
            [(s,) for s in sessions],
            lambda a, b: Clash("room", a[0], b[0], room=a[0].room),
        )
    clashes.sort(key=lambda c: (c.session.starts_at, c.kind, c.other.starts_at))
    return clashes

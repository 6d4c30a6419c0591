"""The timetable rules the database cannot hold, in one place for forms, the admin and the API.

Two sessions overlap when each starts before the other ends: back-to-back sessions (one ends
at 10:00, the next starts at 10:00) do not. Cancelled sessions clash with nothing.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import SESSION_ENDS_AFTER_START, Room, Session, Trainer, Workshop


@dataclass(frozen=True)
class Clash:
    """``session`` and ``other`` overlap and share ``trainer`` or ``room``. ``other`` may be
    unsaved too: another row of the same form, another event of the same file."""

    kind: str  # "trainer" or "room"
    session: Session
    other: Session
    trainer: Trainer | None = None
    room: Room | None = None

    @property
    def resource(self) -> Trainer | Room:
        return self.trainer if self.kind == "trainer" else self.room

    def message(self, workshop: Workshop | None = None, *, full: bool = False) -> str:
        """What clashes, for the organisers of ``workshop`` (by default ``session``'s).

        A session of the same workshop is named in full. One of another workshop (maybe
        another organiser's draft, maybe a closed meeting) is only "another workshop" and its
        time, unless ``full`` (the admin, whose staff see every workshop anyway). The other
        session's time is in its own workshop's zone; when that is another workshop, the
        zone is named, since it may not be the reader's.
        """
        other = self.other
        own = workshop.pk if workshop is not None else self.session.workshop_id
        when = date_format(
            other.starts_at.astimezone(other.workshop.tz), "DATETIME_FORMAT", use_l10n=True
        )
        if other.workshop_id != own:
            when = f"{when} {other.workshop.timezone}"
        if not full and other.workshop_id != own:
            if self.kind == "trainer":
                return _("%(trainer)s is busy in another workshop at that time (%(when)s).") % {
                    "trainer": self.trainer,
                    "when": when,
                }
            return _("%(room)s is booked by another workshop at that time (%(when)s).") % {
                "room": self.room,
                "when": when,
            }
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


def session_time_problems(
    workshop: Workshop | None, starts_at: datetime, ends_at: datetime
) -> dict[str, str]:
    """The rules of one session's own times, by field: it ends after it starts and lies
    within ``workshop``'s days (not checked without a workshop). No query."""
    if ends_at <= starts_at:
        return {"ends_at": str(SESSION_ENDS_AFTER_START)}
    outside = outside_workshop_dates(workshop, starts_at, ends_at) if workshop else ""
    return {"starts_at": outside} if outside else {}


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Candidate:
    """A session as a form, the admin or an import describes it, before it is saved.

    ``exclude``: the saved session these values would replace (it does not clash with
    itself). A cancelled candidate clashes with nothing. ``title`` names it in the messages
    of the other candidates it clashes with.
    """

    starts_at: datetime
    ends_at: datetime
    room: Room | None = None
    trainers: tuple[Trainer, ...] = ()
    exclude: Session | None = None
    status: str = Session.Status.SCHEDULED
    title: str = ""

    @property
    def checked(self) -> bool:
        return self.status != Session.Status.CANCELLED and (
            self.room is not None or bool(self.trainers)
        )

    def as_session(self, workshop: Workshop | None = None) -> Session:
        """The candidate as the values being checked describe it, not as saved."""
        exclude = self.exclude
        session = Session(
            pk=exclude.pk if exclude else None,
            workshop_id=exclude.workshop_id if exclude else None,
            title=self.title or (exclude.title if exclude else ""),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            room=self.room,
        )
        if workshop is not None:
            session.workshop = workshop
        return session


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
    time whatever the workshop. One query, plus one for trainers when it finds sessions
    (see :func:`find_clashes_of_many`, which this asks for one candidate).
    """
    candidate = Candidate(starts_at, ends_at, room, tuple(trainers), exclude, status)
    return find_clashes_of_many([candidate])[0]


def find_clashes_of_many(
    candidates: Sequence[Candidate],
    *,
    among: bool = False,
    workshop: Workshop | None = None,
    replacing: Iterable[int] = (),
) -> list[list[Clash]]:
    """For each candidate, in the order given, the clashes it would have.

    Without ``among``, each candidate is checked against the saved sessions alone (but the
    one it replaces), as if it were the only change. With ``among``, the candidates are one
    change (the rows of one form, the events of one file): each is checked against the
    others too, and no saved session that one of them replaces (or whose pk is in
    ``replacing``) counts, since it will be where its candidate puts it. ``workshop``: the
    one the candidates belong to, for the messages.

    For each candidate the clashes come ordered by the other session's start, then pk; a
    trainer's clash before the room's; clashes among the candidates after those with saved
    sessions.

    Two queries whatever the number of candidates: every scheduled session that overlaps
    the candidates' overall span and shares a room or a trainer with any of them, then those
    sessions' trainers (only when there are some). None when no candidate has a room or a
    trainer. The overlap rule is then applied per candidate, here, in Python: a bisection
    per candidate, room and trainer (see ``_Timeline``), so 1,000 candidates stay linear.
    """
    results: list[list[Clash]] = [[] for _ in candidates]
    checked = [(i, c) for i, c in enumerate(candidates) if c.checked]
    if not checked:
        return results
    replaced = set(replacing) if among else set()
    if among:
        replaced |= {c.exclude.pk for c in candidates if c.exclude is not None}
    room_ids = {c.room.pk for _, c in checked if c.room is not None}
    trainer_ids = {t.pk for _, c in checked for t in c.trainers}
    sharing = Q(room__in=room_ids) if room_ids else Q(trainers__in=trainer_ids)
    if room_ids and trainer_ids:
        sharing |= Q(trainers__in=trainer_ids)
    first = min(c.starts_at for _, c in checked)
    last = max(c.ends_at for _, c in checked)
    saved = Session.objects.filter(sharing, starts_at__lt=last, ends_at__gt=first).exclude(
        status=Session.Status.CANCELLED
    )
    if replaced:
        saved = saved.exclude(pk__in=replaced)
    others = list(
        saved.select_related("workshop", "room")
        .prefetch_related("trainers")
        .distinct()
        .order_by("starts_at", "pk")
    )

    by_room = _Timeline()
    by_trainer = _Timeline()
    for other in others:
        if other.room_id in room_ids:
            by_room.add(other.room_id, other.pk, other)
        for trainer in other.trainers.all():
            if trainer.pk in trainer_ids:
                by_trainer.add(trainer.pk, other.pk, other)
    sessions = {i: c.as_session(workshop) for i, c in checked}
    peers_by_room = _Timeline()
    peers_by_trainer = _Timeline()
    if among:
        for index, candidate in sorted(checked, key=lambda item: item[1].starts_at):
            if candidate.room is not None:
                peers_by_room.add(candidate.room.pk, index, sessions[index])
            for trainer in candidate.trainers:
                peers_by_trainer.add(trainer.pk, index, sessions[index])

    for index, candidate in checked:
        start, end = candidate.starts_at, candidate.ends_at
        trainers = {t.pk for t in candidate.trainers}
        rooms = {candidate.room.pk} if candidate.room is not None else set()
        excluded = candidate.exclude.pk if candidate.exclude is not None else None
        near = by_trainer.near(start, end, trainers) | by_room.near(start, end, rooms)
        saved = sorted(
            (
                s
                for s in near.values()
                if s.pk != excluded and _overlaps(start, end, s.starts_at, s.ends_at)
            ),
            key=lambda s: (s.starts_at, s.pk),
        )
        peers = peers_by_trainer.near(start, end, trainers) | peers_by_room.near(start, end, rooms)
        peers.pop(index, None)
        among_them = sorted(
            ((i, s) for i, s in peers.items() if _overlaps(start, end, s.starts_at, s.ends_at)),
            key=lambda item: (item[1].starts_at, item[0]),
        )
        session = sessions[index]
        wanted = {t.pk: t for t in candidate.trainers}
        for other in saved:
            for trainer in other.trainers.all():
                if trainer.pk in wanted:
                    results[index].append(
                        Clash("trainer", session, other, trainer=wanted[trainer.pk])
                    )
            if candidate.room is not None and other.room_id == candidate.room.pk:
                results[index].append(Clash("room", session, other, room=candidate.room))
        for peer_index, other in among_them:
            peer = candidates[peer_index]
            for trainer in peer.trainers:
                if trainer.pk in wanted:
                    results[index].append(
                        Clash("trainer", session, other, trainer=wanted[trainer.pk])
                    )
            shares_room = candidate.room is not None and peer.room is not None
            if shares_room and peer.room.pk == candidate.room.pk:
                results[index].append(Clash("room", session, other, room=candidate.room))
    return results


class _Timeline:
    """Sessions per room or per trainer, by start, to find those near a time span.

    A search costs a bisection plus the sessions that start within the longest session's
    length before the span: a file of 1,000 events against a full timetable stays linear.
    """

    def __init__(self):
        self._items: dict[int, list[tuple[object, Session]]] = defaultdict(list)
        self._starts: dict[int, list[datetime]] = defaultdict(list)
        self._longest: dict[int, timedelta] = defaultdict(timedelta)

    def add(self, key: int, ident, session: Session) -> None:
        # Sessions arrive ordered by start, so each list stays sorted.
        self._items[key].append((ident, session))
        self._starts[key].append(session.starts_at)
        self._longest[key] = max(self._longest[key], session.ends_at - session.starts_at)

    def near(self, start: datetime, end: datetime, keys: Iterable[int]) -> dict:
        """Sessions under ``keys`` that may overlap [start, end), by ident (a superset)."""
        found: dict = {}
        for key in keys:
            items = self._items.get(key)
            if not items:
                continue
            starts = self._starts[key]
            # Nothing starting a longest session's length before ``start`` reaches it.
            low = bisect_right(starts, start - self._longest[key])
            high = bisect_left(starts, end)
            found.update(items[low:high])
        return found


# The overlap rule of ``find_clashes_of_many``, asked of the database for sessions already
# saved: the pairs come back, not the sessions, so a page that only needs the clashes does
# not load a whole timetable to find them.
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
    starts first comes first. ``sessions`` already
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

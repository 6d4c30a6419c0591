"""Attendance, in one place: who may be marked, marking and undoing, check-in codes, who has
completed a workshop, and the attendance rates. The check-in screen, the sheet entry
screen, the admin, the demo data, the register, certificates and reports all go through it.

The rules:

- Only a confirmed registration can be marked, only at a scheduled (not cancelled) session
  of its own workshop, with one of the four statuses (present, late, excused, absent).
- One record per registration and session, whatever arrives at once: the database's unique
  constraint holds it, and ``record_attendance`` updates the record another connection has
  just created instead of failing. Marking the status a record already has changes
  nothing (the record keeps who marked it first, and when); a new status overwrites both.
- Undo (``clear_attendance``) removes the record: the person is unmarked again.
- A mark sent by a check-in screen carries an id its browser made; the same id sent again
  (a screen that was offline resends what it is not sure arrived) is applied once.
- Attended means present or late. A session *counts* once it is scheduled, is not a break,
  has begun, and its register has been taken (someone has a record at it). Sessions that
  start at the same moment are parallel (groups): attending one of them attends that slot.
- A participant *completed* the workshop when they attended at least the workshop's
  ``completion_share`` per cent of the counted slots and every scheduled mandatory session
  (a mandatory session never marked keeps everyone from completing).
- Rates are attended over expected, computed in the database: per participant (slots
  attended / slots counted), per session (attended / confirmed registrations), per day and
  per agency (slots attended by the people concerned / their number * the slots counted).
"""

import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_creates, record_update
from config.refusals import Refusal
from events.models import Session, Workshop
from integrations import webhooks
from participants.models import Attendance, Registration

Status = Attendance.Status
ATTENDED = (Status.PRESENT, Status.LATE)

# A check-in code: eight letters of an alphabet without 0/O, 1/I (read aloud or typed from
# a badge without doubt), derived from the personal link's secret, so nothing is stored and
# a new personal link gives a new code.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
# Self check-in: the code on the room's screen changes every WINDOW seconds; the current and
# the previous window are accepted (a scan at the turn of a window, a slow phone).
SELF_CHECKIN_WINDOW = 30
SELF_CHECKIN_CODE_LENGTH = 10
# How long a check-in screen's mark id is remembered: a day's offline queue and then some.
CLIENT_MARK_TTL = 3 * 24 * 3600


class AttendanceRefused(Refusal):
    """A rule refused the mark; ``field`` names what was wrong, ``message`` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Mark:
    """What ``record_attendance`` left: the status now recorded and whether it changed."""

    registration_id: int
    session_id: int
    status: str | None
    changed: bool


def check_markable(*, registration: Registration, session: Session) -> None:
    """Raise ``AttendanceRefused`` unless ``registration`` may be marked at ``session``."""
    if session.workshop_id != registration.workshop_id:
        raise AttendanceRefused(
            "session", _("This session belongs to another workshop than the registration.")
        )
    if session.status != Session.Status.SCHEDULED:
        raise AttendanceRefused(
            "session", _("This session is cancelled: attendance cannot be recorded for it.")
        )
    if registration.status != Registration.Status.CONFIRMED:
        raise AttendanceRefused(
            "registration",
            _("Only confirmed registrations can be marked; this one is “%(status)s”.")
            % {"status": registration.get_status_display()},
        )


def check_status(status: str) -> None:
    """Raise ``AttendanceRefused`` unless ``status`` is one of the four."""
    if status not in Status.values:
        raise AttendanceRefused(
            "status",
            _("“%(status)s” is not an attendance status: use present, late, excused or absent.")
            % {"status": str(status)[:40]},
        )


def record_attendance(
    *,
    registration: Registration,
    session: Session,
    status: str,
    by,
    note: str = "",
) -> Mark:
    """Record ``registration``'s ``status`` at ``session``, marked by the user ``by``.

    Safe under concurrency: two organisers marking the same person at once leave one record
    (the unique constraint refuses the second insert, which then updates the first).
    Queries: an UPDATE of a record with another status; if none, an EXISTS and an INSERT
    (in a savepoint); after a lost race, one more UPDATE.
    """
    check_status(status)
    check_markable(registration=registration, session=session)
    note = note[: Attendance._meta.get_field("note").max_length]
    values = {
        "status": status,
        "recorded_by": by if getattr(by, "pk", None) else None,
        "recorded_at": timezone.now(),
    }
    if note:
        values["note"] = note
    existing = Attendance.objects.filter(registration=registration, session=session)
    # No savepoint of its own inside a caller's transaction (a batch of marks, all or
    # nothing): two round trips a mark saved; a lost insert race has its savepoint below.
    with transaction.atomic(savepoint=False):
        if _update_recorded(
            existing, status=status, values=values, registration=registration, session=session
        ):
            return _recorded(Mark(registration.pk, session.pk, status, True), session)
        if existing.exists():
            return Mark(registration.pk, session.pk, status, False)
        try:
            with transaction.atomic():
                # A save(): the audit trail records the new record itself.
                Attendance.objects.create(registration=registration, session=session, **values)
            return _recorded(Mark(registration.pk, session.pk, status, True), session)
        except IntegrityError:
            # Another connection inserted it since the EXISTS: that record is the one.
            changed = _update_recorded(
                existing, status=status, values=values, registration=registration, session=session
            )
            return _recorded(Mark(registration.pk, session.pk, status, changed), session)


@dataclass(frozen=True)
class Entry:
    """One mark of a register entered at once (``record_register``)."""

    registration: Registration
    session: Session
    status: str
    note: str = ""


@transaction.atomic
def record_register(*, entries: Sequence[Entry], by) -> list[Mark]:
    """Record many marks at once, all or none: a register typed in from paper, the API's
    batch of marks, or the demo's.

    Each is refused as ``record_attendance`` refuses it (``check_status``,
    ``check_markable``) before anything is written; a record that already has the status
    is left as it is (who marked it first, and when). Safe under concurrency, as
    ``record_attendance``: the records already there are read under a row lock, and if
    another connection inserted one of the new ones since, the new ones go one by one
    through ``record_attendance``, which settles the race (so does a batch that names one
    record twice, in its order).
    Queries: the records already there, one INSERT for the new ones (in a savepoint), per
    changed record its UPDATE and audit entry; per new record its audit entry; who listens
    to the webhooks, once per workshop.
    """
    for entry in entries:
        check_status(entry.status)
        check_markable(registration=entry.registration, session=entry.session)
    if not entries:
        return []
    keys = [(entry.registration.pk, entry.session.pk) for entry in entries]
    if len(set(keys)) < len(keys):
        return [_record_entry(entry, by) for entry in entries]
    existing = {
        (a.registration_id, a.session_id): a
        for a in _locked(
            Attendance.objects.filter(
                registration__in={e.registration.pk for e in entries},
                session__in={e.session.pk for e in entries},
            )
        )
    }
    recorded_by = by if getattr(by, "pk", None) else None
    now = timezone.now()
    marks, new = [], []
    max_note = Attendance._meta.get_field("note").max_length
    for entry in entries:
        key = (entry.registration.pk, entry.session.pk)
        values = {"status": entry.status, "recorded_by": recorded_by, "recorded_at": now}
        if entry.note:
            values["note"] = entry.note[:max_note]
        record = existing.get(key)
        if record is None:
            new.append(Attendance(registration=entry.registration, session=entry.session, **values))
            changed = True
        else:
            # Locked since the read: its status is the one to compare with.
            changed = record.status != entry.status and _update_recorded(
                Attendance.objects.filter(pk=record.pk),
                status=entry.status,
                values=values,
                registration=entry.registration,
                session=entry.session,
                before=record,
            )
        marks.append(Mark(key[0], key[1], entry.status, changed))
    settled = set()  # the marks record_attendance made (and told the webhooks of)
    try:
        if new:
            with transaction.atomic():
                Attendance.objects.bulk_create(new)
    except IntegrityError:
        # Another connection recorded one of them since the read (the savepoint undid the
        # insert): the new ones one at a time, each settling its race.
        settled = {(record.registration_id, record.session_id) for record in new}
        marks = [
            _record_entry(entry, by) if key in settled else mark
            for entry, key, mark in zip(entries, keys, marks, strict=True)
        ]
        new = []
    record_creates(new)  # bulk_create sends no signal: the audit trail is told (one INSERT)
    hooks = {}  # who listens, asked once per workshop
    for mark, entry, key in zip(marks, entries, keys, strict=True):
        if key in settled:
            continue
        workshop = entry.session.workshop
        if mark.changed and workshop.pk not in hooks:
            hooks[workshop.pk] = webhooks.listening(
                webhooks.Event.ATTENDANCE_RECORDED, workshop=workshop
            )
        _recorded(mark, entry.session, hooks=hooks.get(workshop.pk))
    return marks


def _record_entry(entry: Entry, by) -> Mark:
    return record_attendance(
        registration=entry.registration,
        session=entry.session,
        status=entry.status,
        by=by,
        note=entry.note,
    )


def _locked(records: QuerySet[Attendance]) -> QuerySet[Attendance]:
    """``records`` read under a row lock on those rows alone, in the order of their ids.

    Not in Attendance's own order: that sorts by session and registration, which joins
    their tables and the workshop's, and FOR UPDATE then locks those rows too, so a
    batch of marks would hold the workshop row that ``register_participant`` locks to
    count seats, and every mark in the workshop would wait for every other. The order of
    ids keeps two batches that share records from locking them in opposite orders.
    """
    return records.order_by("pk").select_for_update(of=("self",))


def _update_recorded(
    existing,
    *,
    status: str,
    values: dict,
    registration: Registration,
    session: Session,
    before: Attendance | None = None,
) -> bool:
    """Give the record in ``existing`` the new ``values`` unless it has ``status`` already.

    The record is read under a row lock first (its status before, for the audit trail;
    ``before``: the caller read it so, with another status), then updated by one UPDATE,
    then the change recorded: a SELECT, an UPDATE and an INSERT when it changes, the SELECT
    alone when there is nothing to change.
    """
    if before is None:
        before = _locked(existing.exclude(status=status)).first()
    if before is None or not existing.filter(pk=before.pk).update(**values):
        return False
    after = Attendance(pk=before.pk, registration=registration, session=session, **values)
    record_update(
        after,
        {
            "status": (before.status, status),
            "recorded_by": (before.recorded_by_id, after.recorded_by_id),
            "recorded_at": (before.recorded_at, after.recorded_at),
            "note": (before.note, after.note),
        },
    )
    return True


def _recorded(mark: Mark, session: Session, *, hooks=None) -> Mark:
    """Tell the workshop's webhooks (``hooks``, if known) of a mark that changed something."""
    if mark.changed:
        webhooks.emit(
            webhooks.Event.ATTENDANCE_RECORDED,
            workshop=session.workshop,
            hooks=hooks,
            data={
                "registration": mark.registration_id,
                "session": mark.session_id,
                "status": mark.status,
            },
        )
    return mark


def clear_attendance(*, registration: Registration, session: Session) -> Mark:
    """Undo: remove ``registration``'s record at ``session`` (one DELETE), if any."""
    check_markable(registration=registration, session=session)
    deleted, _rows = Attendance.objects.filter(registration=registration, session=session).delete()
    return Mark(registration.pk, session.pk, None, bool(deleted))


def apply_client_mark(
    *,
    mark_id: str,
    registration: Registration,
    session: Session,
    status: str | None,
    by,
) -> Mark:
    """A check-in screen's mark (``status`` None: undo), applied once per ``mark_id``.

    The id is remembered in the shared cache (the database) for a few days: a resend of a
    mark already applied changes nothing, even if another mark came in between.
    """
    key = f"attendance-mark:{session.pk}:{mark_id[:64]}"
    if not cache.add(key, 1, CLIENT_MARK_TTL):
        current = (
            Attendance.objects.filter(registration=registration, session=session)
            .values_list("status", flat=True)
            .first()
        )
        return Mark(registration.pk, session.pk, current, False)
    try:
        if status is None:
            return clear_attendance(registration=registration, session=session)
        return record_attendance(registration=registration, session=session, status=status, by=by)
    except Exception:
        cache.delete(key)
        raise


# Check-in codes ------------------------------------------------------------------------


def _encode(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    chars = []
    for _position in range(length):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def checkin_code(registration: Registration) -> str:
    """The registration's check-in code (``CODE_LENGTH`` characters), derived, not stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"checkin:{registration.token}".encode(), hashlib.sha256
    ).digest()
    return _encode(digest, CODE_LENGTH)


def format_code(code: str) -> str:
    """``K7M29XQP`` as ``K7M2-9XQP``, easier to read out."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    """What was typed or scanned, as a code: capitals, without spaces, dashes or a prefix."""
    text = (typed or "").upper().replace("O", "0").replace("I", "1")
    return "".join(char for char in text if char in CODE_ALPHABET)[-CODE_LENGTH:]


def find_by_checkin_code(workshop: Workshop, typed: str) -> Registration | None:
    """The confirmed registration of ``workshop`` whose code is ``typed``, or None.

    One query (the workshop's confirmed registrations' tokens); the codes are derived here.
    """
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    for registration in Registration.objects.filter(
        workshop=workshop, status=Registration.Status.CONFIRMED
    ):
        if hmac.compare_digest(checkin_code(registration), code):
            return registration
    return None


def self_checkin_code(session: Session, *, at: float | None = None, window_offset: int = 0) -> str:
    """The code shown on the room's screen for ``session`` now (or at the Unix time ``at``)."""
    moment = time.time() if at is None else at
    window = int(moment // SELF_CHECKIN_WINDOW) + window_offset
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"self-checkin:{session.pk}:{session.uid}:{window}".encode(),
        hashlib.sha256,
    ).digest()
    return _encode(digest, SELF_CHECKIN_CODE_LENGTH)


def self_checkin_code_valid(session: Session, code: str, *, at: float | None = None) -> bool:
    """Whether ``code`` is the current or the previous window's code of ``session``."""
    code = (code or "").upper()
    return any(
        hmac.compare_digest(self_checkin_code(session, at=at, window_offset=offset), code)
        for offset in (0, -1)
    )


def self_check_in(*, registration: Registration, session: Session, code: str, now=None) -> Mark:
    """A participant scanned the room's code: mark them present (late if the session is
    under way for more than a quarter of an hour), unless they are already marked."""
    if not self_checkin_code_valid(session, code):
        raise AttendanceRefused(
            "code",
            _(
                "This check-in code has expired: codes on the room's screen change every "
                "%(seconds)s seconds. Scan the code on the screen again."
            )
            % {"seconds": SELF_CHECKIN_WINDOW},
        )
    now = now or timezone.now()
    if not (session.starts_at - timedelta(hours=1) <= now <= session.ends_at):
        raise AttendanceRefused(
            "session", _("Self check-in opens an hour before the session and ends with it.")
        )
    check_markable(registration=registration, session=session)
    current = (
        Attendance.objects.filter(registration=registration, session=session)
        .values_list("status", flat=True)
        .first()
    )
    if current in ATTENDED:
        return Mark(registration.pk, session.pk, current, False)
    status = Status.LATE if now > session.starts_at + timedelta(minutes=15) else Status.PRESENT
    return record_attendance(registration=registration, session=session, status=status, by=None)


# Who is marked, who completed, rates ---------------------------------------------------


def session_roster(session: Session) -> QuerySet[Registration]:
    """The confirmed registrations of ``session``'s workshop, with ``mark`` (their status at
    the session, or None), by agency then name. One query (agency by join, the mark by a
    correlated subquery on the unique index)."""
    mark = Attendance.objects.filter(registration=OuterRef("pk"), session=session).values("status")[
        :1
    ]
    return (
        Registration.objects.filter(
            workshop_id=session.workshop_id, status=Registration.Status.CONFIRMED
        )
        .select_related("agency")
        .annotate(mark=Subquery(mark), agency_sort=Coalesce(F("agency__name"), F("agency_name")))
        .order_by("agency_sort", "name", "pk")
    )


def counted_sessions(workshop: Workshop, *, now: datetime | None = None) -> QuerySet[Session]:
    """The sessions that count for completion and rates (see the module's rules)."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            workshop=workshop,
            status=Session.Status.SCHEDULED,
            starts_at__lte=now,
        )
        .exclude(kind=Session.Kind.BREAK)
        .filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
    )


def completion(workshop: Workshop, *, now: datetime | None = None) -> QuerySet[Registration]:
    """Every confirmed registration of ``workshop``, annotated, in one query:

    - ``slots_counted``: the workshop's counted slots (the same on every row);
    - ``slots_attended``: the counted slots the person attended;
    - ``mandatory_missed``: mandatory scheduled sessions they did not attend;
    - ``seconds_attended``: the length of the counted sessions they attended;
    - ``completed``: the rule of the module's doc.

    The one definition of who completed: the register, certificates and reports filter it.
    """
    counted = counted_sessions(workshop, now=now)
    slots = (
        counted.order_by()
        .values("workshop")
        .annotate(n=Count("starts_at", distinct=True))
        .values("n")
    )
    attended = Attendance.objects.filter(
        registration=OuterRef("pk"), status__in=ATTENDED, session__in=counted
    ).order_by()
    slots_attended = (
        attended.values("registration")
        .annotate(n=Count("session__starts_at", distinct=True))
        .values("n")
    )
    seconds = (
        attended.values("registration")
        .annotate(
            d=Sum(
                ExpressionWrapper(
                    F("session__ends_at") - F("session__starts_at"), output_field=DurationField()
                )
            )
        )
        .values("d")
    )
    missed = (
        Session.objects.filter(
            workshop=workshop, status=Session.Status.SCHEDULED, is_mandatory=True
        )
        .exclude(
            Exists(
                Attendance.objects.filter(
                    registration=OuterRef(OuterRef("pk")),
                    session=OuterRef("pk"),
                    status__in=ATTENDED,
                )
            )
        )
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    share = workshop.completion_share
    return (
        Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
        .annotate(
            slots_counted=Coalesce(Subquery(slots, output_field=IntegerField()), 0),
            slots_attended=Coalesce(Subquery(slots_attended, output_field=IntegerField()), 0),
            mandatory_missed=Coalesce(Subquery(missed, output_field=IntegerField()), 0),
            time_attended=Subquery(seconds, output_field=DurationField()),
        )
        .annotate(attended_percent=F("slots_attended") * 100)
        .annotate(
            completed=Case(
                When(
                    Q(slots_counted__gt=0, mandatory_missed=0)
                    & Q(attended_percent__gte=F("slots_counted") * share),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def completed_registrations(workshop: Workshop, *, now=None) -> QuerySet[Registration]:
    """Those who completed ``workshop`` (see ``completion``)."""
    return completion(workshop, now=now).filter(completed=True)


@dataclass(frozen=True)
class Rate:
    """``attended`` of ``expected``; ``rate`` from 0 to 1, None when nothing was expected."""

    key: object
    attended: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None


def session_rates(workshop: Workshop) -> dict[int, Rate]:
    """Per scheduled session: attended by confirmed registrations / confirmed registrations.
    One query."""
    confirmed = Registration.objects.filter(
        workshop=workshop, status=Registration.Status.CONFIRMED
    ).count()
    rows = (
        Session.objects.filter(workshop=workshop, status=Session.Status.SCHEDULED)
        .annotate(
            n=Count(
                "attendances",
                filter=Q(
                    attendances__status__in=ATTENDED,
                    attendances__registration__status=Registration.Status.CONFIRMED,
                ),
            )
        )
        .values_list("pk", "n")
    )
    return {pk: Rate(pk, n, confirmed) for pk, n in rows}


def day_rates(workshop: Workshop, *, now=None) -> dict:
    """Per day of the workshop (its time zone): slots attended by confirmed people / (their
    number * the day's counted slots). Three queries: the counted slots, the people who
    attended each slot, the confirmed count.

    The day is found for each slot (a few dozen rows), never for each attendance record:
    on SQLite a time-zone conversion in SQL is a Python call per row."""
    counted = counted_sessions(workshop, now=now)
    slots = dict(
        counted.annotate(day=TruncDate("starts_at", tzinfo=workshop.tz))
        .order_by()
        .values("day")
        .annotate(n=Count("starts_at", distinct=True))
        .values_list("day", "n")
    )
    confirmed = Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
    # Per slot (a start time), the people who attended one of its sessions: summed by day,
    # the slots each person attended that day.
    attended_rows = (
        Attendance.objects.filter(
            session__in=counted.values("pk"),
            status__in=ATTENDED,
            registration__in=confirmed,
        )
        .order_by()
        .values("session__starts_at")
        .annotate(n=Count("registration", distinct=True))
        .values_list("session__starts_at", "n")
    )
    attended: dict = {}
    for starts_at, count in attended_rows:
        day = workshop.local(starts_at).date()
        attended[day] = attended.get(day, 0) + count
    people = confirmed.count()
    return {
        day: Rate(day, attended.get(day, 0), people * slots.get(day, 0)) for day in workshop.days
    }


def participant_rates(workshop: Workshop, *, now=None) -> dict[int, Rate]:
    """Per confirmed registration: slots attended / slots counted (from ``completion``)."""
    return {
        row.pk: Rate(row.pk, row.slots_attended, row.slots_counted)
        for row in completion(workshop, now=now).only("pk")
    }


def agency_rates(workshop: Workshop, *, now=None) -> list[Rate]:
    """Per agency of the confirmed people (as chosen, or as typed), by name: the slots its
    people attended / (its people * the slots counted). One query."""
    rows = (
        completion(workshop, now=now)
        .annotate(
            label=Coalesce(F("agency__name"), F("agency_name")),
        )
        .order_by()
        .values("label")
        .annotate(
            people=Count("pk"),
            attended=Sum("slots_attended"),
            counted=Sum("slots_counted"),
        )
        .order_by("label")
    )
    return [Rate(row["label"] or "", row["attended"] or 0, row["counted"] or 0) for row in rows]

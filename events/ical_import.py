"""Import a timetable from an iCalendar file (say, drafted in Outlook) into a workshop.

Two steps, so that nothing is written until an organiser has seen what will happen:
:func:`preview_import` reads the file and lists each event as the session it would become,
with its problems; :func:`import_sessions` writes the chosen ones in one transaction.

Each event becomes a session whose ``uid`` is the event's UID, so importing the same file
again updates those sessions instead of adding copies (``Session.save`` bumps SEQUENCE when a
time, room or status changes). A recurring event is expanded within the workshop's days;
each occurrence gets a UID derived from the event's UID and its RECURRENCE-ID, so it too is
found again next time.

Times: a TZID defined by the file's own VTIMEZONE (Outlook's "W. Europe Standard Time") or an
IANA or Windows zone name is honoured (icalendar resolves both); a floating time is read in
the file's X-WR-TIMEZONE if it names a zone, else in the workshop's zone.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from icalendar.error import InvalidCalendar

from audit.context import via
from events import services, timezones
from events.models import SESSION_ENDS_AFTER_START, Room, Session, Trainer, Workshop

# The largest file accepted: a generous year of a busy calendar is well under this.
MAX_FILE_BYTES = 1024 * 1024
# The most sessions one import may list, recurrences expanded.
MAX_EVENTS = 1000
# A recurring event is expanded from its first occurrence: at most this many occurrences
# may come before the workshop's first day (five years of a daily series, 38 of a weekly).
MAX_RECURRENCE_STEPS = 2_000
# What a timetable's repeat rule may say. dateutil looks for the next match up to the year
# 9999 whatever UNTIL says, so a rule that can never match (BYMONTH=2;BYMONTHDAY=30), or
# one that repeats every minute, costs seconds to hours; these parts always match soon.
RECURRENCE_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
RECURRENCE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", "BYMONTHDAY"}
# An event with a start and no end (no DTEND, no DURATION) is given this length.
DEFAULT_DURATION = timedelta(hours=1)
UID_MAX_LENGTH = Session._meta.get_field("uid").max_length
TITLE_MAX_LENGTH = Session._meta.get_field("title").max_length


class CalendarFileError(ValueError):
    """The upload is not a calendar we can read; the message says why, for the organiser."""


@dataclass
class ImportedEvent:
    """One event of the file as the session it would become."""

    uid: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    description: str = ""
    location: str = ""
    kind: str | None = None  # None: the file does not say (a new session is a lecture)
    cancelled: bool = False
    room: Room | None = None
    trainers: list[Trainer] = field(default_factory=list)
    existing: Session | None = None
    recurrence: bool = False
    # ATTENDEE addresses, only to find trainers by e-mail; never stored.
    attendees: list[str] = field(default_factory=list, repr=False)
    # Problems stop the event from being imported; warnings are for the organiser to check.
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return not self.problems

    @property
    def action(self) -> str:
        """ "create", "update", "unchanged" (the session already says all this) or "skip"."""
        if not self.importable:
            return "skip"
        if self.existing is None:
            return "create"
        return "update" if self.changes_existing() else "unchanged"

    def changes_existing(self) -> bool:
        """Whether importing this event would change its saved session: what
        ``import_sessions`` writes (title, description, times, status; kind, room and
        trainers when the file names them) differs from what the session holds."""
        session = self.existing
        status = Session.Status.CANCELLED if self.cancelled else Session.Status.SCHEDULED
        if (session.title, session.description, session.starts_at, session.ends_at) != (
            self.title,
            self.description,
            self.starts_at,
            self.ends_at,
        ) or session.status != status:
            return True
        if self.kind and self.kind != session.kind:
            return True
        if self.room is not None and self.room.pk != session.room_id:
            return True
        return bool(self.trainers) and {t.pk for t in self.trainers} != {
            t.pk for t in session.trainers.all()
        }


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def read_calendar(data: bytes) -> Calendar:
    """The parsed calendar, or :class:`CalendarFileError` with a message naming the rule."""
    if len(data) > MAX_FILE_BYTES:
        raise CalendarFileError(_("The file is too large: at most %(size)s.") % {"size": "1 MB"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarFileError(
            _("The file is not UTF-8 text; export it again as an iCalendar (.ics) file.")
        ) from None
    if "BEGIN:VCALENDAR" not in text[:1024].upper():
        raise CalendarFileError(
            _("This is not an iCalendar file: it must begin with BEGIN:VCALENDAR.")
        )
    text = _mend(text)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise CalendarFileError(
            _("The calendar file could not be read: %(error)s") % {"error": error}
        ) from None
    if not calendar.walk("VEVENT"):
        raise CalendarFileError(_("The calendar file holds no events."))
    return calendar


# Damage that calendar programs write and that has one plain reading, mended before parsing:
# a date with a TZID but no VALUE=DATE (Google's all-day events) is a date; blanks after a
# date, time or duration (DURATION:PT1H followed by a space) mean nothing.
_ZONED_DATE = re.compile(
    r"^(DTSTART|DTEND)((?:;[^:\r\n]*)?):(\d{8})[ \t]*(\r?)$", re.IGNORECASE | re.MULTILINE
)
_TRAILING_BLANKS = re.compile(
    r"^((?:DTSTART|DTEND|DURATION|RECURRENCE-ID|EXDATE|RDATE)[^\r\n]*?)[ \t]+(\r?)$",
    re.IGNORECASE | re.MULTILINE,
)


def _mend(text: str) -> str:
    text = _TRAILING_BLANKS.sub(r"\1\2", text)

    def as_date(match: re.Match) -> str:
        params = [
            p
            for p in match.group(2).split(";")
            if p and not p.upper().startswith(("TZID=", "VALUE="))
        ]
        return (
            ";".join([match.group(1), *params, "VALUE=DATE"]) + f":{match.group(3)}{match.group(4)}"
        )

    return _ZONED_DATE.sub(as_date, text)


# Properties an organiser may know by name, for the message about a damaged one.
_PROPERTY_NAMES = {
    "DTSTART": "start (DTSTART)",
    "DTEND": "end (DTEND)",
    "DURATION": "duration (DURATION)",
    "RRULE": "repeat rule (RRULE)",
    "RECURRENCE-ID": "changed occurrence (RECURRENCE-ID)",
}


def _damaged(component: Event, error: Exception) -> ImportedEvent:
    """An event that cannot be read, with a message in the organiser's words: which value
    is damaged and what to do, never the library's wording."""
    title = " ".join(str(component.get("SUMMARY", "")).split())[:TITLE_MAX_LENGTH]
    doubled = [name for name in _PROPERTY_NAMES if isinstance(component.get(name), list)]
    broken = re.search(r"broken property '([A-Z-]+)'", str(error))
    if doubled:
        problem = _("It has two %(what)s values; an event has one.") % {
            "what": _PROPERTY_NAMES[doubled[0]]
        }
    elif broken:
        what = _PROPERTY_NAMES.get(broken.group(1), broken.group(1))
        problem = _(
            "Its %(what)s cannot be read: a date or time that does not exist, or in a form "
            "calendars do not use."
        ) % {"what": what}
    else:
        problem = _("This event is damaged and cannot be read.")
    event = ImportedEvent(
        uid=_fit_uid(_raw_uid_safe(component)),
        title=title or _("Untitled session"),
        starts_at=None,
        ends_at=None,
    )
    event.problems.append(
        problem + " " + _("Correct it in your calendar program and export the file again.")
    )
    return event


def _raw_uid_safe(component: Event) -> str:
    try:
        return _raw_uid(component)
    except (AttributeError, TypeError, ValueError, InvalidCalendar):
        uid = str(component.get("UID", "")).strip()
        return uid or f"{hashlib.sha256(str(component).encode()).hexdigest()[:32]}@imported"


def preview_import(workshop: Workshop, data: bytes) -> list[ImportedEvent]:
    """Each event of the file as the session it would become, with its problems, by start.

    Reads only, in a fixed number of queries whatever the length of the file: rooms and
    trainers to match, the workshop's sessions with the same UIDs, and the saved sessions
    any event may clash with (with their trainers).
    """
    calendar = read_calendar(data)
    floating_zone = _file_zone(calendar) or workshop.tz
    try:
        events = _expand(calendar, workshop, floating_zone)
    except InvalidCalendar as error:
        # icalendar parses lazily: a malformed date is found when it is first read.
        raise CalendarFileError(
            _("The calendar file could not be read: %(error)s") % {"error": error}
        ) from None
    if len(events) > MAX_EVENTS:
        raise CalendarFileError(
            _("The file lists %(count)d sessions; at most %(max)d can be imported at once.")
            % {"count": len(events), "max": MAX_EVENTS}
        )
    _match_rooms(events, workshop)
    _match_trainers(events)
    _match_existing(events, workshop)
    _check(events, workshop)
    events.sort(key=lambda e: (e.starts_at is None, e.starts_at or workshop.starts_at, e.title))
    return events


@transaction.atomic
@via("import")  # the audit trail files every change as made by an import
def import_sessions(
    *, workshop: Workshop, events: list[ImportedEvent], chosen: set[str]
) -> ImportResult:
    """Create or update the chosen importable events as sessions of ``workshop``, atomically,
    through ``events.services.save_sessions``: the timetable's rules, checked again now, as
    for any other change, and the same calendar revisions, webhooks and notices.

    A session found by UID keeps its trainers, room and kind unless the file names ones we
    know; its title, description, times and status follow the file.
    """
    changes = []
    for event in events:
        if event.action not in ("create", "update") or event.uid not in chosen:
            continue  # not importable, not chosen, or nothing to change
        data = {
            "title": event.title,
            "description": event.description,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
        }
        if event.existing is None:
            # A new session's kind: the file's, else what its title says, else a lecture
            # (an existing session keeps the kind an organiser gave it).
            data["kind"] = event.kind or kind_from_title(event.title) or Session.Kind.LECTURE
        elif event.kind:
            data["kind"] = event.kind
        if event.room is not None:
            data["room"] = event.room
        changes.append(
            services.SessionChange(
                data=data,
                trainers=event.trainers or None,
                session=event.existing,
                uid=event.uid if event.existing is None else None,
                status=Session.Status.CANCELLED if event.cancelled else Session.Status.SCHEDULED,
            )
        )
    services.save_sessions(workshop=workshop, changes=changes)
    created = sum(change.session is None for change in changes)
    return ImportResult(created=created, updated=len(changes) - created)


# --- reading events -----------------------------------------------------------------------


def _file_zone(calendar: Calendar) -> ZoneInfo | None:
    # The workshops' own list of zones (events.timezones): a name they would refuse is no zone.
    return timezones.zone_or_none(str(calendar.get("X-WR-TIMEZONE", "")).strip())


def _expand(calendar: Calendar, workshop: Workshop, floating: ZoneInfo) -> list[ImportedEvent]:
    """Every VEVENT as an ImportedEvent; a recurring one as its occurrences in the workshop."""
    masters: list[Event] = []
    overrides: dict[str, dict[datetime, Event]] = {}
    for component in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" in component and "UID" in component:
            try:
                recurrence_id = component["RECURRENCE-ID"].dt
            except (AttributeError, TypeError, ValueError, InvalidCalendar):
                masters.append(component)  # reported as damaged below
                continue
            if isinstance(recurrence_id, datetime):
                recurrence_id = _aware(recurrence_id, floating)
                overrides.setdefault(str(component["UID"]), {})[recurrence_id] = component
                continue
        masters.append(component)

    events: list[ImportedEvent] = []
    seen_uids: set[str] = set()
    for component in masters:
        # One damaged event (two DTSTART, a 32nd of August) is reported on its own row; the
        # file's readable events are still offered.
        try:
            if "RECURRENCE-ID" in component and not isinstance(
                component.get("RECURRENCE-ID"), list
            ):
                component["RECURRENCE-ID"].dt  # noqa: B018  (raises if damaged)
            if "RRULE" in component or "RDATE" in component:
                events.extend(
                    _occurrences(
                        component, workshop, floating, overrides.get(_raw_uid(component), {})
                    )
                )
                continue
            event = _read_event(component, floating)
        except (AttributeError, TypeError, ValueError, KeyError, InvalidCalendar) as error:
            event = _damaged(component, error)
        if event.uid in seen_uids:
            event.problems.append(_("Another event in the file has the same UID."))
        seen_uids.add(event.uid)
        events.append(event)
    return events


def _raw_uid(component: Event) -> str:
    uid = str(component.get("UID", "")).strip()
    if uid:
        return uid
    # No UID (the RFC requires one, not every program writes one): derive a stable one.
    start = component.get("DTSTART")
    seed = f"{component.get('SUMMARY', '')}|{start.to_ical().decode() if start else ''}"
    return f"{hashlib.sha256(seed.encode()).hexdigest()[:32]}@imported"


def _fit_uid(uid: str) -> str:
    if len(uid) <= UID_MAX_LENGTH:
        return uid
    return f"{hashlib.sha256(uid.encode()).hexdigest()}@imported"


def _aware(moment: datetime, zone) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _read_event(
    component: Event,
    floating: ZoneInfo,
    *,
    uid: str | None = None,
    start: datetime | None = None,
    recurrence: bool = False,
) -> ImportedEvent:
    """One VEVENT (or one occurrence of a recurring one, from ``start``) as an ImportedEvent."""
    title = " ".join(str(component.get("SUMMARY", "")).split())
    event = ImportedEvent(
        uid=_fit_uid(uid or _raw_uid(component)),
        title=title[:TITLE_MAX_LENGTH] or _("Untitled session"),
        starts_at=None,
        ends_at=None,
        description=without_feed_header(str(component.get("DESCRIPTION", "")).strip()),
        location=" ".join(str(component.get("LOCATION", "")).split()),
        kind=_kind(component),
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
        recurrence=recurrence,
        attendees=[
            str(a).removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()
            for a in _as_list(component.get("ATTENDEE"))
        ],
    )
    if not title:
        event.warnings.append(_("No title in the file."))
    elif len(title) > TITLE_MAX_LENGTH:
        event.warnings.append(
            _("The title was shortened to %(max)d characters.") % {"max": TITLE_MAX_LENGTH}
        )
    if not str(component.get("UID", "")).strip():
        event.warnings.append(
            _("No UID in the file: if its time changes, importing it again adds a new session.")
        )

    dtstart = component.get("DTSTART")
    if dtstart is None:
        event.problems.append(_("No start time."))
        return event
    first = dtstart.dt
    if not isinstance(first, datetime):
        event.problems.append(_("An all-day event has no times; give it a start and an end."))
        return event
    if first.tzinfo is None and "TZID" in dtstart.params and not dtstart.params["TZID"].strip():
        event.warnings.append(
            _("The file names no time zone for it (an empty TZID): times read in %(zone)s.")
            % {"zone": floating.key}
        )
    elif first.tzinfo is None and "TZID" in dtstart.params:
        event.warnings.append(
            _("Unknown time zone “%(tzid)s”: times read in the workshop's time zone.")
            % {"tzid": dtstart.params["TZID"]}
        )
    first = _aware(first, floating)

    duration = _duration(component, first, floating)
    if duration is None:
        duration = DEFAULT_DURATION
        event.warnings.append(
            _("No end time in the file: it is given %(minutes)d minutes.")
            % {"minutes": DEFAULT_DURATION.seconds // 60}
        )
    starts_at = start or first
    event.starts_at = starts_at
    event.ends_at = starts_at + duration
    if duration <= timedelta(0):
        event.problems.append(str(SESSION_ENDS_AFTER_START))
    return event


def _duration(component: Event, first: datetime, floating: ZoneInfo) -> timedelta | None:
    """The event's length from DTEND or DURATION; None when the file gives neither."""
    if "DTEND" in component:
        end = component["DTEND"].dt
        if not isinstance(end, datetime):
            end = datetime.combine(end, first.timetz())
        return _aware(end, floating) - first
    if "DURATION" in component:
        return component["DURATION"].dt
    return None


# Words in a title that say what kind of session it is, in English and Chinese, tried in
# this order when the file's CATEGORIES say nothing ("Coffee break", "小组讨论", "Opening").
KIND_WORDS = (
    (Session.Kind.BREAK, ("break", "lunch", "dinner", "coffee", "tea", "茶歇", "午餐", "晚餐")),
    (Session.Kind.CEREMONY, ("opening", "closing", "ceremony", "welcome", "开幕", "闭幕", "仪式")),
    (Session.Kind.FIELD_VISIT, ("field visit", "site visit", "excursion", "考察", "参观")),
    (Session.Kind.CASE_STUDY, ("case study", "case studies", "案例")),
    (Session.Kind.GROUP_WORK, ("group work", "working group", "group exercise", "小组")),
    (Session.Kind.DISCUSSION, ("discussion", "panel", "q&a", "round table", "讨论", "座谈")),
)


def kind_from_title(title: str) -> str | None:
    """The session kind a title names, if it names one plainly; else None (a lecture)."""
    text = " ".join(title.casefold().split())
    for kind, words in KIND_WORDS:
        for word in words:
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return kind
    return None


def _feed_words() -> tuple[set[str], tuple[str, ...]]:
    """The kind labels and the line prefixes our own feeds write, in both languages."""
    kinds, prefixes = set(), []
    for code in ("en", "zh-hans"):
        with translation.override(code):
            kinds.update(str(label) for _value, label in Session.Kind.choices)
            kinds.add(_("Cancelled"))
            prefixes += [
                _("Trainers: %(names)s").split("%")[0],
                _("Topics: %(names)s").split("%")[0],
            ]
    return kinds, tuple(p for p in prefixes if p)


def without_feed_header(description: str) -> str:
    """The description without the lines our own feeds put before it (the local title, the
    kind, the trainers, the topics: ``events.calendar``), so that importing a feed of ours
    back does not put them into the session's description, to be written twice next time."""
    if not description:
        return description
    head, blank, rest = description.partition("\n\n")
    lines = head.split("\n")
    kinds, prefixes = _feed_words()
    at_kind = next(
        (n for n, line in enumerate(lines[:3]) if line.strip() in kinds - {_("Cancelled")}), None
    )
    if at_kind is None:
        return description
    if all(line.startswith(prefixes) for line in lines[at_kind + 1 :]):
        return rest.strip() if blank else ""
    return description


def _kind(component: Event) -> str | None:
    """A session kind named in CATEGORIES (by value or English label), if any."""
    wanted = set()
    categories = component.get("CATEGORIES")
    for item in categories if isinstance(categories, list) else [categories]:
        if item is not None:
            wanted.update(str(c).strip().lower() for c in item.cats)
    for value, label in Session.Kind.choices:
        if value in wanted or str(label).lower() in wanted or value.replace("_", " ") in wanted:
            return value
    return None


def _occurrences(
    component: Event,
    workshop: Workshop,
    floating: ZoneInfo,
    overrides: dict[datetime, Event],
) -> list[ImportedEvent]:
    """A recurring event's occurrences within the workshop's days, overrides applied."""
    base = _read_event(component, floating)
    if base.problems:  # all-day, no start: say so once, for the whole series
        base.recurrence = True
        return [base]
    first = base.starts_at
    unsupported = _unsupported_recurrence(component)
    if unsupported:
        base.recurrence = True
        base.problems.append(unsupported)
        return [base]
    try:
        starts = _recurrence_starts(component, first, workshop)
    except RecurrenceTooLong:
        base.recurrence = True
        base.problems.append(
            _(
                "It repeats more than %(max)s times before the workshop begins; export only "
                "the workshop's days and import that file."
            )
            % {"max": f"{MAX_RECURRENCE_STEPS:,}"}
        )
        return [base]
    except (ValueError, TypeError) as error:
        base.problems.append(
            _("The recurrence rule could not be read: %(error)s") % {"error": error}
        )
        return [base]
    uid = _raw_uid(component)
    events = []
    for start in starts:
        recurrence_id = f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        override = overrides.pop(start, None)
        source = override if override is not None else component
        event = _read_event(
            source,
            floating,
            uid=f"{uid}/{recurrence_id}",
            start=None if override is not None else start,
            recurrence=True,
        )
        events.append(event)
    for moved in overrides.values():  # an override for an occurrence outside the days
        moved_from = _aware(moved["RECURRENCE-ID"].dt, floating).astimezone(UTC)
        recurrence_id = f"{moved_from:%Y%m%dT%H%M%SZ}"
        events.append(_read_event(moved, floating, uid=f"{uid}/{recurrence_id}", recurrence=True))
    if not events:
        base.recurrence = True
        base.problems.append(
            _("It repeats, but never within the workshop's dates (%(first)s to %(last)s).")
            % {
                "first": date_format(workshop.start_date, "DATE_FORMAT"),
                "last": date_format(workshop.end_date, "DATE_FORMAT"),
            }
        )
        return [base]
    return events


class RecurrenceTooLong(Exception):
    """More than MAX_RECURRENCE_STEPS occurrences before the workshop's first day."""


def _unsupported_recurrence(component: Event) -> str:
    """Why the event's repeat rule is refused before any expansion, or ""."""
    for rule in _as_list(component.get("RRULE")):
        frequency = str(rule.get("FREQ", [""])[0]).upper()
        parts = {str(part).upper() for part in rule}
        if frequency not in RECURRENCE_FREQUENCIES or parts - RECURRENCE_PARTS:
            return _(
                "Its repeat rule is not one a timetable uses: only daily, weekly, monthly or "
                "yearly repeats, on weekdays or days of the month, can be imported."
            )
    return ""


def _recurrence_starts(component: Event, first: datetime, workshop: Workshop) -> list[datetime]:
    """The starts of a recurring event within the workshop's days (RRULE, RDATE, EXDATE).

    Expanded with dateutil, which icalendar already depends on, in the event's own zone so
    that a weekly 09:00 stays 09:00 across a change of summer time.
    """
    rules = rruleset()
    for rule in _as_list(component.get("RRULE")):
        until = rule.get("UNTIL", [None])[0]
        if until is not None and not (isinstance(until, datetime) and until.tzinfo):
            # A floating UNTIL, or a date, with a zoned start: read it in the start's zone
            # (dateutil insists on UTC).
            if not isinstance(until, datetime):
                until = datetime.combine(until, datetime.max.time())
            rule = rule.copy()
            rule["UNTIL"] = [until.replace(tzinfo=first.tzinfo).astimezone(UTC)]
        rules.rrule(rrulestr(rule.to_ical().decode(), dtstart=first))
    for dates in _as_list(component.get("RDATE")):
        for item in dates.dts:
            if isinstance(item.dt, datetime):
                rules.rdate(_aware(item.dt, first.tzinfo))
    for dates in _as_list(component.get("EXDATE")):
        for item in dates.dts:
            if isinstance(item.dt, datetime):
                rules.exdate(_aware(item.dt, first.tzinfo))
    if "RRULE" not in component:
        rules.rdate(first)  # RDATE adds to DTSTART, which is the first occurrence
    # From the first occurrence, counting those before the workshop: xafter() would skip
    # them unbounded inside dateutil.
    starts = []
    for step, start in enumerate(rules, start=1):
        if start >= workshop.ends_at or len(starts) > MAX_EVENTS:
            break
        if start >= workshop.starts_at:
            starts.append(start)
        elif step > MAX_RECURRENCE_STEPS:
            raise RecurrenceTooLong
    return starts


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- matching and checking ----------------------------------------------------------------


def _match_rooms(events: list[ImportedEvent], workshop: Workshop) -> None:
    """LOCATION names a room by its name (case aside), alone or before a comma.

    One query. Rooms of the workshop's venue win over rooms of the same name elsewhere.
    """
    rooms: dict[str, Room] = {}
    for room in Room.objects.order_by("venue", "name"):
        key = room.name.strip().lower()
        if key not in rooms or (room.venue and room.venue == workshop.venue):
            rooms[key] = room
    for event in events:
        if not event.location:
            continue
        candidates = [event.location, event.location.split(",")[0]]
        event.room = next(
            (rooms[c.strip().lower()] for c in candidates if c.strip().lower() in rooms), None
        )
        if event.room is None and event.importable:
            event.warnings.append(
                _("No room is called “%(location)s”: the session gets no room.")
                % {"location": event.location}
            )


def _match_trainers(events: list[ImportedEvent]) -> None:
    """ATTENDEEs whose e-mail is a trainer's become the session's trainers. One query.

    Other attendees are ignored: an import never stores people who are not trainers.
    """
    wanted = {email for event in events for email in event.attendees}
    if not wanted:
        return
    trainers = {
        t.email_lower: t
        for t in Trainer.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    }
    for event in events:
        event.trainers = [trainers[e] for e in dict.fromkeys(event.attendees) if e in trainers]


def _match_existing(events: list[ImportedEvent], workshop: Workshop) -> None:
    """The workshop's sessions with the events' UIDs: those are updated. One query, and one
    for their trainers when there are some (to tell an update from an unchanged session)."""
    existing = {
        s.uid: s
        for s in workshop.sessions.filter(uid__in=[e.uid for e in events]).prefetch_related(
            "trainers"
        )
    }
    for event in events:
        event.existing = existing.get(event.uid)
        if event.cancelled and event.existing is None and event.importable:
            event.problems.append(_("Cancelled in the file, and there is no session to cancel."))


def _check(events: list[ImportedEvent], workshop: Workshop) -> None:
    """The timetable's rules (``events.services.session_refusals``, as for the organiser's
    form and the admin): within the workshop's dates, no clash with saved sessions nor
    between the file's events. The file is one change: a saved session it moves is checked
    where the file puts it. Two queries, however long the file."""
    updating = [e.existing.pk for e in events if e.existing is not None]
    checked = [e for e in events if e.starts_at and e.ends_at and not e.problems]
    refusals = services.session_refusals(
        workshop=workshop,
        drafts=[
            services.SessionDraft(
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                room=event.room,
                trainers=tuple(event.trainers),
                exclude=event.existing,
                status=Session.Status.CANCELLED if event.cancelled else Session.Status.SCHEDULED,
                title=event.title,
            )
            for event in checked
        ],
        replacing=updating,
    )
    for event, pairs in zip(checked, refusals, strict=True):
        event.problems.extend(message for _field, message in pairs)

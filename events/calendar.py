"""iCalendar (RFC 5545) from sessions: pure functions that know nothing of where they came from.

The feeds (a workshop's timetable, a trainer's and a participant's sessions) and the e-mailed
invitations all call :func:`calendar_for_sessions`. It reads only the sessions it is given and
their prefetched relations (``workshop``, ``room``, ``trainers__agency``, ``topics``): it runs no
query of its own when those are prefetched.

What calendar programs rely on, and why each field is there:

- UID is ``Session.uid``, which never changes, so an edited session replaces the old entry
  instead of appearing twice; SEQUENCE is ``Session.sequence``, which ``Session.save`` bumps
  when the time, room or status changes, so clients accept the newer version.
- A cancelled session stays, with STATUS:CANCELLED, so subscribed calendars remove it.
- Times carry the TZID of the workshop's zone, with a VTIMEZONE giving that zone's offsets
  (DST changes included) over the years the sessions span: 09:00 in Berlin stays 09:00 on
  both sides of the end of summer time, whatever zone the reader is in.
- DTSTAMP: in a published feed (no METHOD) RFC 5545 makes it the time the information was
  last revised, so it is the session's ``updated_at`` and the same request gives the same
  bytes (the ETag can hash them). In an iTIP message (METHOD) it is when the message was made.
- No participant's personal data is ever written: the builder sees sessions only.
"""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from email.mime.text import MIMEText
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, translation
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration, vText

from config import shell
from events.localised import localised
from events.models import Session, Workshop

logger = logging.getLogger(__name__)

PRODID = "-//Workshops//Timetable calendar//EN"
# Part of every ETag: bump it when the builder writes the same data differently.
BUILDER_VERSION = "1"
# How often a subscribed client should poll; clients that honour it poll no more often.
REFRESH_INTERVAL = timedelta(hours=1)
METHODS = frozenset({"PUBLISH", "REQUEST", "CANCEL"})


class EventFields(NamedTuple):
    """Everything one VEVENT says, read from a session: the builder's only input.

    Feeds hash these (:func:`calendar_fingerprint`) for their ETag, so a change to anything
    a calendar shows (a trainer's name, a room, a topic) changes the ETag, and unchanged
    data answers 304 without building the calendar.
    """

    uid: str
    stamp: datetime
    starts_at: datetime  # in the workshop's zone: its key is the TZID
    ends_at: datetime
    summary: str
    description: str
    location: str
    url: str
    last_modified: datetime
    sequence: int
    cancelled: bool
    organiser: str  # the workshop's title, named as ORGANIZER in iTIP messages


def calendar_for_sessions(
    sessions: Iterable[Session], *, name: str, method: str | None = None
) -> bytes:
    """The sessions as one RFC 5545 calendar named ``name``, serialised (CRLF, folded lines).

    ``method`` is None for a feed or a download, ``"REQUEST"`` for an e-mailed invitation and
    ``"CANCEL"`` when the sessions (or the person's registration) are cancelled: every event
    of a CANCEL message is STATUS:CANCELLED.
    """
    return render_calendar(event_fields(sessions, method=method), name=name, method=method)


def event_fields(sessions: Iterable[Session], *, method: str | None = None) -> list[EventFields]:
    """What each session's VEVENT will say, in the order given. Runs no query if prefetched.

    ``sessions`` are Session instances with ``workshop``, ``room``, ``trainers__agency`` and
    ``topics`` loaded, or any objects with the same attributes whose ``trainers`` and
    ``topics`` are plain lists (``events.feeds.load_calendar_sessions`` makes those, faster).
    """
    _check_method(method)
    stamp = django_timezone.now().astimezone(UTC) if method else None
    texts = _Texts()
    links: dict[int, str] = {}
    zones: dict[str, ZoneInfo] = {}
    rows = []
    for session in sessions:
        workshop = session.workshop
        url = links.get(workshop.pk)
        if url is None:
            url = links[workshop.pk] = workshop_url(workshop.slug)
        zone = zones.get(workshop.timezone)
        if zone is None:
            zone = zones[workshop.timezone] = ZoneInfo(workshop.timezone)
        updated_at = session.updated_at.astimezone(UTC)
        cancelled = (
            method == "CANCEL"
            or session.status == Session.Status.CANCELLED
            or workshop.status == Workshop.Status.CANCELLED
        )
        rows.append(
            EventFields(
                uid=session.uid,
                stamp=stamp or updated_at,
                starts_at=session.starts_at.astimezone(zone),
                ends_at=session.ends_at.astimezone(zone),
                summary=session.title,
                description=texts.description(session, cancelled=cancelled),
                location=session_location(session),
                url=url,
                last_modified=updated_at,
                sequence=session.sequence,
                cancelled=cancelled,
                # iTIP messages are built in the recipient's language (participants.emails).
                organiser=localised(workshop, "title"),
            )
        )
    return rows


class _Texts:
    """The translated words of descriptions, looked up once per calendar, not per event.

    Translating a label costs microseconds that a 3,000-session feed would pay 30,000 times;
    a trainer teaching many sessions is described once.
    """

    def __init__(self):
        self.kinds = {value: str(label) for value, label in Session.Kind.choices}
        self.trainers_line = _("Trainers: %(names)s")
        self.topics_line = _("Topics: %(names)s")
        self.cancelled = _("Cancelled")
        self.trainer_labels: dict[int, str] = {}

    def trainer(self, trainer) -> str:
        label = self.trainer_labels.get(trainer.pk)
        if label is None:
            label = self.trainer_labels[trainer.pk] = trainer_label(trainer)
        return label

    def description(self, session, *, cancelled: bool) -> str:
        """Kind, trainers with their titles, topics, then the session's own description."""
        lines = [self.kinds.get(session.kind, session.kind)]
        if session.title_local:
            lines.insert(0, session.title_local)
        if cancelled:
            lines.insert(0, self.cancelled)
        trainers = _rows(session.trainers)
        if trainers:
            names = "; ".join([self.trainer(trainer) for trainer in trainers])
            lines.append(self.trainers_line % {"names": names})
        topics = _rows(session.topics)
        if topics:
            lines.append(self.topics_line % {"names": ", ".join([t.name for t in topics])})
        if session.description:
            lines.extend(["", session.description])
        return "\n".join(lines)


def _rows(related) -> list:
    """A prefetched many-to-many's objects, or the plain list given in its place."""
    return related if isinstance(related, list) else list(related.all())


def calendar_fingerprint(rows: Sequence[EventFields], *, name: str) -> str:
    """A digest of everything a feed built from ``rows`` says: a strong ETag.

    Only for feeds (no METHOD): their bytes depend on nothing else, since DTSTAMP is each
    session's last change, not the time of the request.
    """
    digest = hashlib.sha256(f"{BUILDER_VERSION}\n{PRODID}\n{name}\n".encode())
    digest.update(repr(rows).encode())
    return digest.hexdigest()


class Attendee(NamedTuple):
    """Whom an iTIP message invites: a participant or a trainer, by address and name."""

    email: str
    name: str


def render_calendar(
    rows: Sequence[EventFields],
    *,
    name: str,
    method: str | None = None,
    attendee: Attendee | None = None,
) -> bytes:
    """Serialise ``rows`` as a VCALENDAR with icalendar: CRLF ends, lines folded at 75 octets."""
    return build_calendar(rows, name=name, method=method, attendee=attendee).to_ical()


def invitation(session: Session, *, method: str, attendee: Attendee, name: str) -> bytes:
    """One iTIP message (RFC 5546) about one session for one person: a REQUEST (come, or the
    session moved) or a CANCEL (the session, or the person's seat, is cancelled).

    One UID per message: a REQUEST or CANCEL carrying a whole timetable is read by Outlook
    as its first event only and by Thunderbird as a PUBLISH. The person is the ATTENDEE (so
    Gmail and Outlook show Accept/Decline) and the workshop's office the ORGANIZER. The
    SEQUENCE of a CANCEL is above the last REQUEST's: a cancelled session's revision grew
    when it was cancelled; a seat given up leaves the session as it was, so the CANCEL says
    one more than the session's revision.
    """
    [row] = event_fields([session], method=method)
    if method == "CANCEL" and session.status != Session.Status.CANCELLED:
        row = row._replace(sequence=row.sequence + 1)
    return render_calendar([row], name=name, method=method, attendee=attendee)


def one_line(text: str) -> str:
    """A header value on one line (Django refuses headers with line breaks)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def invitation_email(
    session, *, method: str, attendee: Attendee, change: str = ""
) -> EmailMultiAlternatives:
    """One session's REQUEST or CANCEL for one person, in the active language: a short text
    and the iTIP part (its METHOD on the MIME type too, RFC 6047, or mail programs show a
    file). ``change`` says why it comes: "" (a seat gained or lost), "moved", "cancelled",
    "reinstated"."""
    workshop = session.workshop
    local = workshop.local(session.starts_at)
    when = _("%(moment)s (%(zone)s time)") % {
        "moment": formats.date_format(local, "DATETIME_FORMAT"),
        "zone": workshop.timezone,
    }
    title = localised(session, "title")
    subject = {
        ("REQUEST", ""): _("Invitation: %(session)s, %(when)s"),
        ("CANCEL", ""): _("Cancelled for you: %(session)s, %(when)s"),
        ("REQUEST", "moved"): _("Moved: %(session)s, now %(when)s"),
        ("REQUEST", "reinstated"): _("Scheduled again: %(session)s, %(when)s"),
        ("CANCEL", "cancelled"): _("Session cancelled: %(session)s, %(when)s"),
    }[(method, change)] % {"session": title, "when": when}
    body = "\n\n".join(
        [
            subject,
            _("Workshop: %(title)s") % {"title": localised(workshop, "title")},
            _("Your calendar program updates the session from the attached invitation."),
        ]
    )
    email = EmailMultiAlternatives(
        subject=one_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[attendee.email],
    )
    ics = invitation(session, method=method, attendee=attendee, name=localised(workshop, "title"))
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    email.attach(part)
    return email


# Who hears of a change to a session: the workshop's confirmed participants and the
# session's trainers, each in their language, one message per person per change.
CHANGES = {"moved": "REQUEST", "reinstated": "REQUEST", "cancelled": "CANCEL"}


def session_change_emails(session: Session, change: str) -> list[EmailMultiAlternatives]:
    """The messages telling everyone concerned that ``session`` moved, was cancelled or was
    scheduled again. Confirmed registrations are read through the workshop's reverse
    relation (``events`` does not import ``participants``): three queries in all."""
    method = CHANGES[change]
    session = (
        Session.objects.select_related("workshop", "room")
        .prefetch_related("trainers__agency", "topics")
        .get(pk=session.pk)
    )
    workshop = session.workshop
    people = [
        (Attendee(r.participant.email, r.name), r.preferred_language)
        for r in workshop.registrations.holding_seats()
        .exclude(participant__email="")
        .select_related("participant")
        .order_by("pk")
    ]
    people += [
        (Attendee(t.email, str(t)), workshop.language) for t in session.trainers.all() if t.email
    ]
    messages = []
    for attendee, language in people:
        with translation.override(language or settings.LANGUAGE_CODE):
            messages.append(
                invitation_email(session, method=method, attendee=attendee, change=change)
            )
    return messages


def send_session_change(
    session_pk: int, change: str, *, only: list[str] | None = None
) -> tuple[int, list[str]]:
    """Send :func:`session_change_emails` (by the worker, after the change committed): how
    many went out, and the addresses that could not be sent to. ``only`` limits it to those
    addresses (a retry). A message that cannot be sent is logged and passed over."""
    session = Session.objects.filter(pk=session_pk).first()
    if session is None:
        return 0, []
    sent, failed = 0, []
    for message in session_change_emails(session, change):
        if only is not None and message.to[0] not in only:
            continue
        try:
            message.send()
        except Exception:
            logger.exception("Could not send the %s update of session %s", change, session_pk)
            failed.append(message.to[0])
        else:
            sent += 1
    return sent, failed


def build_calendar(
    rows: Sequence[EventFields],
    *,
    name: str,
    method: str | None = None,
    attendee: Attendee | None = None,
) -> Calendar:
    """The :class:`icalendar.Calendar` behind :func:`render_calendar`."""
    _check_method(method)
    if method in ("REQUEST", "CANCEL") and len({row.uid for row in rows}) != 1:
        raise ValueError("An iTIP REQUEST or CANCEL carries exactly one event (one UID).")
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method:
        calendar.add("METHOD", method)
    else:
        calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    # icalendar types NAME and X-WR-CALNAME as unknown and would write commas and semicolons
    # raw; they are TEXT (RFC 7986), so escape them as such.
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    for timezone in _timezones_for(rows):
        calendar.add_component(timezone)
    for row in rows:
        calendar.add_component(_event(row, method=method, attendee=attendee))
    return calendar


def _event(row: EventFields, *, method: str | None, attendee: Attendee | None = None) -> Event:
    event = Event()
    event.add("UID", row.uid)
    event.add("DTSTAMP", row.stamp)
    event.add("DTSTART", row.starts_at)
    event.add("DTEND", row.ends_at)
    event.add("SUMMARY", row.summary)
    event.add("DESCRIPTION", row.description)
    if row.location:
        event.add("LOCATION", row.location)
    event.add("URL", row.url)
    event.add("LAST-MODIFIED", row.last_modified)
    event.add("SEQUENCE", row.sequence)
    event.add("STATUS", "CANCELLED" if row.cancelled else "CONFIRMED")
    if method:
        # iTIP messages name who sends them: the workshop's office, never a participant.
        event.add(
            "ORGANIZER", f"mailto:{settings.DEFAULT_FROM_EMAIL}", parameters={"CN": row.organiser}
        )
    if method and attendee is not None:
        event.add(
            "ATTENDEE",
            f"mailto:{attendee.email}",
            parameters={
                "CN": attendee.name or attendee.email,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE" if method == "REQUEST" else "FALSE",
            },
        )
    return event


def _check_method(method: str | None) -> None:
    if method is not None and method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}; expected one of {sorted(METHODS)}.")


def trainer_label(trainer) -> str:
    """'Prof. Zhang Wei (张伟), Deputy Director-General, MPS': reads ``agency``, prefetch it."""
    name = f"{trainer.honorific} {trainer.name}".strip()
    if trainer.name_local:
        name = f"{name} ({trainer.name_local})"
    parts = [name]
    if trainer.position:
        parts.append(trainer.position)
    agency = trainer.agency
    if agency is not None:
        parts.append(agency.acronym or agency.name)
    return ", ".join(parts)


def session_location(session: Session) -> str:
    """Room, venue, city: the room's own venue and city first, else the workshop's."""
    workshop = session.workshop
    room = session.room
    parts = [
        room.name if room else "",
        (room.venue if room else "") or workshop.venue,
        (room.city if room else "") or workshop.city,
    ]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def workshop_url(slug: str) -> str:
    """The workshop's public page, absolute: the page registered as "workshop_public"."""
    return settings.SITE_URL + shell.page_url("workshop_public", slug)


def _timezones_for(rows: Sequence[EventFields]) -> list[Timezone]:
    """One VTIMEZONE per zone used, covering the years the sessions span in that zone."""
    spans: dict[str, tuple[int, int]] = {}
    for row in rows:
        tzid = row.starts_at.tzinfo.key
        first, last = row.starts_at.year, row.ends_at.year
        if tzid in spans:
            old_first, old_last = spans[tzid]
            first, last = min(first, old_first), max(last, old_last)
        spans[tzid] = (first, last)
    return [
        _vtimezone(tzid, first, last)
        for tzid, (first, last) in sorted(spans.items())
        if tzid != "UTC"
    ]


@lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    # Walking a zone's transitions costs milliseconds; zones and years repeat, so cache the
    # serialised component (immutable bytes, safe to share) and parse a fresh copy each time.
    component = Timezone.from_tzid(
        tzid, first_date=date(first_year - 1, 1, 1), last_date=date(last_year + 2, 1, 1)
    )
    return component.to_ical()


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    return Timezone.from_ical(_vtimezone_ical(tzid, first_year, last_year))

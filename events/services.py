"""Changes of state for workshops, timetables, trainers, agencies, rooms and topics, and for
the people who sign in: accounts, a workshop's organisers, a funder's agency.

Each is one function, called alike by the organiser pages, the admin and the API, so that a
rule (which status may follow which, no trainer in two places at once) lives here only.
Refusals are ``config.refusals.Refusal``s (``ValidationError``s) whose messages name the
rule, with the field at fault where there is one, so that a form can show them beside it;
a session, or a batch of them, is refused by field and row (``SessionsRefused``, a
``Refusals``: one refusal per message).
"""

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import record_create, record_update
from config.refusals import Refusal, Refusals
from events import tasks, timezones
from events.clashes import (
    Candidate,
    clashes_by_workshop,
    find_clashes_of_many,
    outside_workshop_dates,
    session_time_problems,
)
from events.models import (
    Agency,
    AgencyMember,
    Programme,
    Room,
    Session,
    Topic,
    Trainer,
    Workshop,
    WorkshopAgency,
    edition_slug_text,
    new_session_uid,
    unique_slug,
)
from integrations import webhooks
from integrations.queue import enqueue_on_commit

Status = Workshop.Status

# Which status may follow which. Cancelling is possible from anything but a finished
# workshop. A workshop is marked completed only once it has ended (``may_complete``); a
# completed workshop's timetable and list of participants are read-only, unless an organiser
# reopens it (back to "registration closed") to correct them.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.PUBLISHED, Status.CANCELLED),
    Status.PUBLISHED: (Status.CLOSED, Status.COMPLETED, Status.CANCELLED),
    Status.CLOSED: (Status.PUBLISHED, Status.COMPLETED, Status.CANCELLED),
    Status.COMPLETED: (Status.CLOSED,),
    Status.CANCELLED: (),
}

# What each change is called on a button, in the order the buttons are shown.
TRANSITION_LABELS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.PUBLISHED): gettext_lazy("Publish"),
    (Status.PUBLISHED, Status.CLOSED): gettext_lazy("Close registration"),
    (Status.CLOSED, Status.PUBLISHED): gettext_lazy("Reopen registration"),
    (Status.PUBLISHED, Status.COMPLETED): gettext_lazy("Mark completed"),
    (Status.CLOSED, Status.COMPLETED): gettext_lazy("Mark completed"),
    (Status.DRAFT, Status.CANCELLED): gettext_lazy("Cancel workshop"),
    (Status.PUBLISHED, Status.CANCELLED): gettext_lazy("Cancel workshop"),
    (Status.CLOSED, Status.CANCELLED): gettext_lazy("Cancel workshop"),
    (Status.COMPLETED, Status.CLOSED): gettext_lazy("Reopen to correct it"),
}


class RowData:
    """A row as its writers describe it, whole: a frozen dataclass of some of its model's
    fields, which the services set and validate (``create_trainer`` takes a
    ``TrainerData``...). The model's defaults for what is not told."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(cls.__dataclass_fields__)

    @classmethod
    def of(cls, row, **changes):
        """``row`` as it stands, but for ``changes`` (some of its fields)."""
        unknown = set(changes) - set(cls.names())
        if unknown:
            raise TypeError(f"not a field of {cls.__name__}: {sorted(unknown)}")
        # Read from ``row`` only what is not told: a foreign key told is no query for the
        # row's own.
        return cls(
            **{
                name: changes[name] if name in changes else getattr(row, name)
                for name in cls.names()
            }
        )

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.names()}


@dataclass(frozen=True)
class WorkshopData(RowData):
    """A workshop as the organiser's form, the admin, the API and the demo describe one:
    all its fields, in the order of ``WORKSHOP_FIELDSETS``. No defaults: a new one is
    ``WorkshopData.of(Workshop(), ...)``, the model's defaults for what is not told."""

    title: str
    title_local: str
    slug: str
    programme: Programme | None
    objectives: str
    objectives_local: str
    language: str
    start_date: date | None
    end_date: date | None
    timezone: str
    venue: str
    venue_local: str
    city: str
    city_local: str
    region: str
    region_local: str
    country: str
    country_local: str
    capacity: int
    requires_approval: bool
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    completion_share: int
    retention_months: int
    narrative: str
    narrative_local: str
    summary_provided_by: Agency | None
    summary_date: date | None


# The fields of a workshop an organiser sets, in the groups the organiser's form and the
# admin show them (``WorkshopData``'s, in its order: tests/events/test_row_writers.py); the
# rest (status, sample mark, dates of the row) are the system's. The form, the admin, the
# API and the copy of a workshop read them (``WORKSHOP_FIELDS``).
WORKSHOP_FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        gettext_lazy("The workshop"),
        (
            "title",
            "title_local",
            "slug",
            "programme",
            "objectives",
            "objectives_local",
            "language",
        ),
    ),
    (
        gettext_lazy("When and where"),
        (
            "start_date",
            "end_date",
            "timezone",
            "venue",
            "venue_local",
            "city",
            "city_local",
            "region",
            "region_local",
            "country",
            "country_local",
        ),
    ),
    (
        gettext_lazy("Registration"),
        ("capacity", "requires_approval", "registration_opens_at", "registration_closes_at"),
    ),
    (gettext_lazy("Attendance"), ("completion_share",)),
    (gettext_lazy("Personal data"), ("retention_months",)),
    (
        gettext_lazy("For the report"),
        ("narrative", "narrative_local", "summary_provided_by", "summary_date"),
    ),
)
WORKSHOP_FIELDS = WorkshopData.names()

# What the next edition of a workshop does not take from it: its name and dates are its
# own, the registration window moves with the dates, the narrative and report belong to the
# old one.
NOT_COPIED_FIELDS = frozenset(
    {
        "title",
        "slug",
        "start_date",
        "end_date",
        "registration_opens_at",
        "registration_closes_at",
        "narrative",
        "narrative_local",
        "summary_provided_by",
        "summary_date",
    }
)
COPIED_FIELDS = tuple(name for name in WORKSHOP_FIELDS if name not in NOT_COPIED_FIELDS)

SESSION_FIELDS = (
    "title",
    "title_local",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "room",
    "is_mandatory",
)


@dataclass(frozen=True)
class TrainerData(RowData):
    """A trainer as the organiser's form, the admin, the API and the demo describe one."""

    name: str
    name_local: str = ""
    honorific: str = ""
    position: str = ""
    agency: Agency | None = None
    bio: str = ""
    email: str = ""


@dataclass(frozen=True)
class RoomData(RowData):
    """A room as the admin and the demo describe one."""

    name: str
    venue: str = ""
    city: str = ""
    capacity: int | None = None


@dataclass(frozen=True)
class TopicData(RowData):
    """A topic as the admin and the demo describe one."""

    name: str
    name_local: str = ""
    description: str = ""


@dataclass(frozen=True)
class AgencyData(RowData):
    """An agency as the organiser's page, the admin, the API and the demo describe one."""

    name: str
    name_local: str = ""
    acronym: str = ""
    kind: str = Agency.Kind.GOVERNMENT
    level: str = Agency.Level.NATIONAL
    region: str = ""
    country: str = ""
    parent: Agency | None = None
    website: str = ""


# The fields an organiser gives (the forms', the API's): the dataclasses'.
TRAINER_FIELDS = TrainerData.names()
ROOM_FIELDS = RoomData.names()
TOPIC_FIELDS = TopicData.names()
AGENCY_FIELDS = AgencyData.names()


@dataclass(frozen=True)
class Transition:
    to: str
    label: str
    is_destructive: bool


def may_complete(workshop: Workshop, now: datetime | None = None) -> bool:
    """Whether the workshop has ended (its last day is over in its own zone)."""
    return (now or timezone.now()) >= workshop.ends_at


def allowed_transitions(workshop: Workshop) -> list[Transition]:
    """The status changes open to ``workshop`` now, as the buttons to offer."""
    now = timezone.now()
    return [
        Transition(
            to=target,
            label=str(TRANSITION_LABELS[(workshop.status, target)]),
            is_destructive=target in (Status.CANCELLED, Status.COMPLETED),
        )
        for target in TRANSITIONS[workshop.status]
        if target != Status.COMPLETED or may_complete(workshop, now)
    ]


def _tell_people(session: Session, change: str) -> None:
    """After the commit, queue the session's REQUEST or CANCEL to its workshop's confirmed
    participants and its trainers (``events.tasks``: the worker builds and sends them, one
    per person): a draft's timetable is nobody's yet."""
    if session.workshop.status in (Status.PUBLISHED, Status.CLOSED):
        enqueue_on_commit(tasks.send_session_change_emails, session.pk, change)


def check_publishable(workshop: Workshop) -> None:
    """Refuse to publish a timetable whose trainers or rooms are booked twice, here or in
    another workshop that is not cancelled (a second copy to the same dates, for one).
    At most three queries (``clashes_by_workshop``)."""
    clashes = [
        clash
        for clash in clashes_by_workshop([workshop]).get(workshop.pk, [])
        if clash.other.workshop.status != Status.CANCELLED
        and clash.session.workshop.status != Status.CANCELLED
    ]
    if clashes:
        shown = "; ".join(
            f"“{clash.session.title}”: {clash.message(workshop)}" for clash in clashes[:5]
        )
        raise Refusal(
            ngettext(
                "The timetable has %(count)d clash; resolve it before publishing: %(clashes)s",
                "The timetable has %(count)d clashes; resolve them before publishing: %(clashes)s",
                len(clashes),
            )
            % {"count": len(clashes), "clashes": shown},
            code="clashes",
        )


def check_timetable_editable(workshop: Workshop) -> None:
    """Refuse a change to a completed workshop's timetable: it is the record of what was."""
    if workshop.status == Status.COMPLETED:
        raise Refusal(
            _(
                "This workshop is completed: its timetable is read-only. Reopen the workshop "
                "(on its overview) to correct it."
            ),
            code="completed",
        )


def _apply(instance, data: dict, fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _full_clean(instance, *, exclude=()) -> None:
    """Run the model's validation, so that the admin, the API and forms refuse alike."""
    instance.full_clean(exclude=list(exclude), validate_constraints=True)


# Workshops ---------------------------------------------------------------------------------


@transaction.atomic
def create_workshop(*, data: WorkshopData, by, workshop: Workshop | None = None) -> Workshop:
    """A new draft workshop organised by ``by``, as ``data`` describes it.

    ``workshop``: the unsaved instance to fill and save, when a caller already holds one
    (the admin's form, whose inline rows point to it); its system fields (``is_sample``)
    stay as they are, its status becomes draft.
    """
    workshop = workshop if workshop is not None else Workshop()
    workshop.status = Status.DRAFT
    _apply(workshop, data.values(), WORKSHOP_FIELDS)
    if not workshop.slug:
        workshop.slug = unique_slug(
            Workshop, edition_slug_text(workshop.title, workshop.start_date)
        )
    _full_clean(workshop)
    workshop.save()
    add_organiser(workshop=workshop, user=by)
    return workshop


def check_capacity(*, workshop: Workshop, capacity: int | None) -> None:
    """Refuse a capacity below the seats already confirmed, naming how many they are.

    The confirmed registrations are counted through the reverse relation, by the
    registrations' own rule of who holds a seat (``holding_seats``; ``events`` does not
    import ``participants``): one query. No limit (None) is always allowed.
    """
    if capacity is None or workshop.pk is None:
        return
    confirmed = workshop.registrations.holding_seats().count()
    if capacity < confirmed:
        raise Refusal(
            ngettext(
                "%(confirmed)d seat is already confirmed: the capacity cannot be lower "
                "than %(confirmed)d. Cancel registrations first to lower it.",
                "%(confirmed)d seats are already confirmed: the capacity cannot be lower "
                "than %(confirmed)d. Cancel registrations first to lower it.",
                confirmed,
            )
            % {"confirmed": confirmed},
            field="capacity",
            code="below_confirmed",
        )


@dataclass(frozen=True)
class ZoneChange:
    """A workshop moved to another time zone, its sessions kept at their local times."""

    old: str
    new: str
    sessions: int  # how many sessions moved in absolute time to keep their local times

    def message(self) -> str:
        return ngettext(
            "The time zone changed from %(old)s to %(new)s. The session keeps its local times "
            "(09:00 stays 09:00, now %(new)s time), so it moved for anyone elsewhere; "
            "subscribed calendars update.",
            "The time zone changed from %(old)s to %(new)s. The %(count)d sessions keep their "
            "local times (09:00 stays 09:00, now %(new)s time), so they moved for anyone "
            "elsewhere; subscribed calendars update.",
            self.sessions,
        ) % {"old": self.old, "new": self.new, "count": self.sessions}


def _kept_local(moment: datetime, old_tz: ZoneInfo, new_tz: ZoneInfo) -> datetime:
    """``moment``'s wall-clock time in ``old_tz``, read as a time in ``new_tz``."""
    return moment.astimezone(old_tz).replace(tzinfo=None).replace(tzinfo=new_tz)


def keep_local_times(*, workshop: Workshop, old_timezone: str) -> ZoneChange:
    """After ``workshop.timezone`` changed from ``old_timezone``: move every session so that
    its wall-clock times in the new zone are those it had in the old one.

    An organiser who corrects the zone means "09:00 where the workshop is", never "the same
    instant": without this, 09:00 in Shanghai would become 02:00 when the zone is set to
    Europe/Paris. Each moved session's calendar revision grows. Two queries (read, one bulk
    update), whatever the number of sessions. Used by the workshop form and the admin. In a
    published or closed workshop, the sessions whose instants moved are sent as moved to
    the confirmed participants and the trainers.
    """
    old_tz, new_tz = ZoneInfo(old_timezone), workshop.tz
    sessions = list(workshop.sessions.only("pk", "starts_at", "ends_at", "sequence", "status"))
    now = timezone.now()
    moved = []
    for session in sessions:
        before = session.starts_at, session.ends_at
        for name in ("starts_at", "ends_at"):
            setattr(session, name, _kept_local(getattr(session, name), old_tz, new_tz))
        session.sequence += 1
        session.updated_at = now
        if (session.starts_at, session.ends_at) != before:
            moved.append(session)
    Session.objects.bulk_update(sessions, ["starts_at", "ends_at", "sequence", "updated_at"])
    # The sessions whose instant moved reach people's calendars as moved: each confirmed
    # participant and trainer gets the updated invitation of each, once the change commits
    # (one event per message, as for a session moved on its own).
    if workshop.status in (Status.PUBLISHED, Status.CLOSED):
        for session in moved:
            if session.status == Session.Status.SCHEDULED:
                enqueue_on_commit(tasks.send_session_change_emails, session.pk, "moved")
    return ZoneChange(old=old_timezone, new=workshop.timezone, sessions=len(sessions))


def stored_timezone(workshop: Workshop) -> str | None:
    """The zone the database holds for ``workshop`` (the instance may carry a new one)."""
    if workshop.pk is None:
        return None
    return Workshop.objects.filter(pk=workshop.pk).values_list("timezone", flat=True).first()


@dataclass(frozen=True)
class WorkshopUpdate:
    workshop: Workshop
    zone_change: ZoneChange | None  # set when the time zone changed
    rooms_dropped: int = 0  # sessions that lost a room of the venue the workshop left

    def rooms_message(self) -> str:
        if not self.rooms_dropped:
            return ""
        return ngettext(
            "The venue changed: %(count)d session no longer has a room of the old venue. "
            "Choose its room at %(venue)s on the timetable.",
            "The venue changed: %(count)d sessions no longer have a room of the old venue. "
            "Choose their rooms at %(venue)s on the timetable.",
            self.rooms_dropped,
        ) % {"count": self.rooms_dropped, "venue": self.workshop.venue or "—"}


def drop_rooms_of_old_venue(*, workshop: Workshop, old_venue: str) -> int:
    """After ``workshop`` moved from the venue ``old_venue``: its sessions in rooms of that
    venue lose their room (they are not there any more, and a copy to new dates would
    otherwise keep booking the old building's rooms, clashing with the edition held there).
    Each session is saved, so its calendar and the audit trail follow. Returns how many."""
    if not old_venue or old_venue == workshop.venue:
        return 0
    sessions = list(workshop.sessions.filter(room__venue=old_venue))
    for session in sessions:
        session.room = None
        session.save()
    return len(sessions)


def _check_changed_workshop(workshop: Workshop, *, old_timezone: str | None) -> None:
    """Refuse ``workshop`` as changed (not yet saved) if it seats fewer people than are
    confirmed, or leaves scheduled sessions outside its dates once they keep their local
    times in its zone (``keep_local_times``). Two queries; writes nothing."""
    check_capacity(workshop=workshop, capacity=workshop.capacity)
    if workshop.pk is None or not (workshop.start_date and workshop.end_date):
        return
    old_tz = ZoneInfo(old_timezone or workshop.timezone)
    new_tz = workshop.tz
    outside = [
        s
        for s in workshop.sessions.filter(status=Session.Status.SCHEDULED)
        if outside_workshop_dates(
            workshop,
            _kept_local(s.starts_at, old_tz, new_tz),
            _kept_local(s.ends_at, old_tz, new_tz),
        )
    ]
    if outside:
        raise Refusal(
            _("These sessions would fall outside the new dates; move them first: %(sessions)s.")
            % {"sessions": ", ".join(_session_label(workshop, s) for s in outside)},
            field="start_date",
            code="sessions_outside",
        )


def check_workshop_update(*, workshop: Workshop, data: WorkshopData) -> None:
    """Refuse what ``update_workshop(workshop=workshop, data=data)`` would refuse beyond the
    model's own validation, writing nothing and leaving ``workshop`` as it is: for a form
    that must say so before it saves (the admin's)."""
    if workshop.pk is None:
        return
    draft = copy.copy(workshop)
    _apply(draft, data.values(), WORKSHOP_FIELDS)
    if timezones.zone_or_none(draft.timezone) is None:
        return  # the form's own field says so
    _check_changed_workshop(draft, old_timezone=stored_timezone(workshop))


@transaction.atomic
def update_workshop(*, workshop: Workshop, data: WorkshopData) -> WorkshopUpdate:
    """``workshop`` as ``data`` describes it (all of it: ``WorkshopData.of(workshop, ...)``
    changes some); refused if it would leave sessions outside its dates, or seat fewer
    people than are confirmed.

    A new time zone keeps the sessions at their local times (``keep_local_times``); the
    registration window arrives already read in the new zone. A new venue takes the old
    venue's rooms off the sessions (``drop_rooms_of_old_venue``).
    """
    old_timezone = stored_timezone(workshop)
    old_venue = (
        Workshop.objects.filter(pk=workshop.pk).values_list("venue", flat=True).first() or ""
    )
    _apply(workshop, data.values(), WORKSHOP_FIELDS)
    _full_clean(workshop)
    _check_changed_workshop(workshop, old_timezone=old_timezone)
    zone_change = None
    if old_timezone and old_timezone != workshop.timezone:
        zone_change = keep_local_times(workshop=workshop, old_timezone=old_timezone)
    dropped = drop_rooms_of_old_venue(workshop=workshop, old_venue=old_venue)
    workshop.save()
    return WorkshopUpdate(workshop=workshop, zone_change=zone_change, rooms_dropped=dropped)


@transaction.atomic
def change_workshop_status(*, workshop: Workshop, status: str) -> Workshop:
    """Move the workshop to ``status`` if the rules allow it (see ``TRANSITIONS``)."""
    if status not in Status.values:
        raise Refusal(_("“%(status)s” is not a workshop status.") % {"status": status})
    # Lock the row: two organisers pressing buttons at once must not skip a rule.
    current = Workshop.objects.select_for_update().only("status").get(pk=workshop.pk)
    workshop.status = current.status
    if status not in TRANSITIONS[current.status]:
        raise Refusal(
            _("A workshop that is “%(current)s” cannot become “%(target)s”.")
            % {"current": current.get_status_display(), "target": Status(status).label},
            code="invalid_transition",
        )
    if status == Status.COMPLETED and not may_complete(workshop):
        raise Refusal(
            _(
                "The workshop can be marked completed once it has ended: after its last day, "
                "%(last)s (%(zone)s)."
            )
            % {"last": date_format(workshop.end_date, "DATE_FORMAT"), "zone": workshop.timezone},
            code="not_ended",
        )
    if status == Status.PUBLISHED:
        check_publishable(workshop)
    workshop.status = status
    workshop.save(update_fields=["status", "updated_at"])
    return workshop


def shift_keeping_wall_clock(moment: datetime, *, days: int, tz) -> datetime:
    """``moment`` moved by ``days`` calendar days, at the same local time in ``tz``.

    Across a change to or from summer time, a session at 09:00 stays at 09:00 local time;
    adding a ``timedelta`` to the aware instant would move it to 08:00 or 10:00.
    """
    local = moment.astimezone(tz)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)
    return moved


@transaction.atomic
def copy_workshop(*, source: Workshop, start_date: date, title: str | None = None, by) -> Workshop:
    """A new draft edition of ``source`` starting on ``start_date``, organised by ``by``.

    Keeps the timetable (shifted to the new dates at the same local times in the workshop's
    time zone), its trainers, topics and rooms, and the agencies' roles. Cancelled sessions,
    participants, the narrative and the report are not copied. Sessions get new calendar
    UIDs: they are new events in people's calendars. A fixed number of queries.
    """
    days = (start_date - source.start_date).days
    title = title or source.title
    copy = Workshop(
        title=title,
        start_date=start_date,
        end_date=source.end_date + timedelta(days=days),
        status=Status.DRAFT,
        slug=unique_slug(Workshop, edition_slug_text(title, start_date)),
    )
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(source, name))
    tz = source.tz
    for name in ("registration_opens_at", "registration_closes_at"):
        value = getattr(source, name)
        if value is not None:
            setattr(copy, name, shift_keeping_wall_clock(value, days=days, tz=tz))
    _full_clean(copy)
    copy.save()
    add_organiser(workshop=copy, user=by)

    WorkshopAgency.objects.bulk_create(
        WorkshopAgency(
            workshop=copy,
            agency_id=role.agency_id,
            role=role.role,
            order=role.order,
            note=role.note,
        )
        for role in source.agency_roles.all()
    )

    originals = list(
        source.sessions.filter(status=Session.Status.SCHEDULED).prefetch_related(
            "trainers", "topics"
        )
    )
    copies = Session.objects.bulk_create(
        Session(
            workshop=copy,
            title=s.title,
            title_local=s.title_local,
            kind=s.kind,
            description=s.description,
            starts_at=shift_keeping_wall_clock(s.starts_at, days=days, tz=tz),
            ends_at=shift_keeping_wall_clock(s.ends_at, days=days, tz=tz),
            room_id=s.room_id,
            uid=new_session_uid(),
        )
        for s in originals
    )
    SessionTrainers = Session.trainers.through
    SessionTopics = Session.topics.through
    SessionTrainers.objects.bulk_create(
        SessionTrainers(session_id=new.pk, trainer_id=trainer.pk)
        for old, new in zip(originals, copies, strict=True)
        for trainer in old.trainers.all()
    )
    SessionTopics.objects.bulk_create(
        SessionTopics(session_id=new.pk, topic_id=topic.pk)
        for old, new in zip(originals, copies, strict=True)
        for topic in old.topics.all()
    )
    # bulk_create sends no signal: the audit trail records each copied row itself.
    for row in [*copy.agency_roles.all(), *copies]:
        record_create(row)
    return copy


# Agencies ----------------------------------------------------------------------------------


def _update(row, data: RowData, *, exclude=()):
    """``row`` as ``data`` describes it, validated as the model validates it, saved."""
    _apply(row, data.values(), data.names())
    _full_clean(row, exclude=exclude)
    row.save()
    return row


@transaction.atomic
def create_agency(*, data: AgencyData, agency: Agency | None = None) -> Agency:
    """A new agency; refused if its name is taken or its parent chain would loop.
    ``agency``: the unsaved instance to fill and save, when a caller already holds one
    (the admin's)."""
    return _update(agency if agency is not None else Agency(), data)


@transaction.atomic
def update_agency(*, agency: Agency, data: AgencyData) -> Agency:
    """``agency`` as ``data`` describes it (all of it: ``AgencyData.of(agency, ...)``
    changes some), under the same rules as a new one's."""
    return _update(agency, data)


@transaction.atomic
def create_agency_with_role(
    *, data: AgencyData, workshop: Workshop, role: str, note: str = ""
) -> Agency:
    """A new agency with a ``role`` in ``workshop``: both or neither, since an agency made
    for a role it could not take would only be clutter."""
    agency = create_agency(data=data)
    add_agency_role(workshop=workshop, agency=agency, role=role, note=note)
    return agency


def check_agency_role(*, workshop: Workshop, agency: Agency, role: str) -> None:
    """Refuse ``agency`` a ``role`` in ``workshop`` that ``add_agency_role`` would refuse (it
    has that role already). Called by it, and by the admin's forms before they save, so that
    a rule added here shows beside the form's fields there too."""
    if WorkshopAgency.objects.filter(workshop=workshop, agency=agency, role=role).exists():
        raise Refusal(
            _("%(agency)s is already listed as %(role)s.")
            % {"agency": agency, "role": WorkshopAgency.Role(role).label.lower()},
            code="duplicate_role",
        )


@transaction.atomic
def add_agency_role(
    *,
    workshop: Workshop,
    agency: Agency,
    role: str,
    note: str = "",
    position: int | None = None,
) -> WorkshopAgency:
    """Give ``agency`` a ``role`` in ``workshop``, with its ``note`` (“also sent personnel to
    attend”), named after the agencies already in that role, or at ``position`` among them.

    Positions count from 0, as ``order`` stores them: the agencies of a role are numbered
    0, 1, 2… in the order they are named, by this and by ``place_agency_role`` (the
    organiser page's arrows, the admin, the demo).
    """
    check_agency_role(workshop=workshop, agency=agency, role=role)
    last = (
        WorkshopAgency.objects.filter(workshop=workshop, role=role)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    added = WorkshopAgency.objects.create(
        workshop=workshop,
        agency=agency,
        role=role,
        note=note,
        order=0 if last is None else last + 1,
    )
    if position is not None and position != added.order:
        placed = place_agency_role(agency_role=added, position=position)
        added.order = next(item.order for item in placed if item.pk == added.pk)
    return added


@transaction.atomic
def update_agency_role(*, agency_role: WorkshopAgency, note: str) -> WorkshopAgency:
    """Change the note on an agency's role (its place changes by ``place_agency_role``)."""
    agency_role.note = note
    _full_clean(agency_role)
    agency_role.save(update_fields=["note"])
    return agency_role


@transaction.atomic
def remove_agency_role(*, agency_role: WorkshopAgency) -> None:
    """Take an agency out of one role in a workshop (the agency itself stays)."""
    agency_role.delete()


@transaction.atomic
def place_agency_role(*, agency_role: WorkshopAgency, position: int) -> list[WorkshopAgency]:
    """Name the agency at ``position`` (from 0; past the last: last) among the workshop's
    agencies in that role, the others keeping their order, and number them 0, 1, 2…

    Returns that role's agencies in their new order. Two queries, and one more per agency
    whose number changed (its audit record).
    """
    siblings = list(
        WorkshopAgency.objects.select_for_update()
        .filter(workshop_id=agency_role.workshop_id, role=agency_role.role)
        .order_by("order", "pk")
    )
    index = next(i for i, item in enumerate(siblings) if item.pk == agency_role.pk)
    siblings.insert(max(0, min(position, len(siblings) - 1)), siblings.pop(index))
    before = {item.pk: item.order for item in siblings}
    for order, item in enumerate(siblings):
        item.order = order
    moved = [item for item in siblings if item.order != before[item.pk]]
    if moved:
        WorkshopAgency.objects.bulk_update(moved, ["order"])
    for item in moved:  # bulk_update sends no signal: the audit trail is told
        record_update(item, {"order": (before[item.pk], item.order)})
    return siblings


@transaction.atomic
def move_agency_role(*, agency_role: WorkshopAgency, up: bool) -> None:
    """Swap the agency with its neighbour among the workshop's agencies in that role."""
    siblings = list(
        WorkshopAgency.objects.filter(
            workshop_id=agency_role.workshop_id, role=agency_role.role
        ).order_by("order", "pk")
    )
    index = next(i for i, item in enumerate(siblings) if item.pk == agency_role.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        place_agency_role(agency_role=agency_role, position=other)


# Trainers ----------------------------------------------------------------------------------


@transaction.atomic
def create_trainer(*, data: TrainerData, by=None, trainer: Trainer | None = None) -> Trainer:
    """A new trainer, recorded as added by ``by`` (who may then change it).

    ``trainer``: the unsaved instance to fill and save, when a caller already holds one
    (the admin's).
    """
    trainer = trainer if trainer is not None else Trainer()
    trainer.created_by = by
    return _update(trainer, data, exclude=["feed_token"])


@transaction.atomic
def update_trainer(*, trainer: Trainer, data: TrainerData) -> Trainer:
    """``trainer`` as ``data`` describes it (all of it: ``TrainerData.of(trainer, ...)``
    changes some)."""
    return _update(trainer, data, exclude=["feed_token"])


# Sessions ----------------------------------------------------------------------------------


def _session_label(workshop: Workshop, session: Session) -> str:
    when = date_format(workshop.local(session.starts_at), "DATETIME_FORMAT")
    return f"“{session.title}” ({when})"


# A session as it would be saved, for ``check_sessions``: its times, room and trainers,
# the saved session it replaces (``exclude``), its status and title.
SessionDraft = Candidate


# The code of a timetable rule's refusal, as the API has always given it: the rules of
# ``session_refusals`` are told apart by their field and message.
TIMETABLE_RULE = "invalid"


class SessionsRefused(Refusals):
    """Some sessions of a batch were refused: ``by_draft[i]`` holds the i-th draft's
    messages by field (empty for a draft that passed). One draft's refusal is a refusal per
    message, on its field, as a form shows them; a batch's, each message after its draft's
    title, on the whole batch."""

    def __init__(self, by_draft: list[dict[str, list[str]]], drafts: Sequence[SessionDraft]):
        self.by_draft = by_draft
        if len(by_draft) == 1:  # one session: its messages by field, as a form shows them
            super().__init__(
                [
                    Refusal(message, field=field, code=TIMETABLE_RULE)
                    for field, messages in by_draft[0].items()
                    for message in messages
                ]
            )
            return
        super().__init__(
            [
                Refusal(
                    _("“%(title)s”: %(problem)s") % {"title": draft.title, "problem": message}
                    if draft.title
                    else message,
                    code=TIMETABLE_RULE,
                )
                for draft, row in zip(drafts, by_draft, strict=True)
                for messages in row.values()
                for message in messages
            ]
        )


def session_refusals(
    *,
    workshop: Workshop,
    drafts: Sequence[SessionDraft],
    among: bool = True,
    replacing: Iterable[int] = (),
) -> list[list[tuple[str, str]]]:
    """For each draft, in order, what refuses it as ``(field, message)`` pairs: it ends
    before it starts or lies outside the workshop's dates (``session_time_problems``), or
    it puts a trainer or a room in two places at once, with a saved session or (``among``)
    with another of the drafts (``find_clashes_of_many``, which ``replacing`` is passed to).

    The one check of a timetable's rules: the organiser's forms, the admin, the calendar
    import and the API all come here. Two queries whatever the number of drafts.
    """
    refusals: list[list[tuple[str, str]]] = [[] for _ in drafts]
    timed = []
    for index, draft in enumerate(drafts):
        problems = session_time_problems(workshop, draft.starts_at, draft.ends_at)
        refusals[index].extend(problems.items())
        if "ends_at" not in problems:
            timed.append(index)
    found = find_clashes_of_many(
        [drafts[i] for i in timed], among=among, workshop=workshop, replacing=replacing
    )
    for index, clashes in zip(timed, found, strict=True):
        for clash in clashes:
            field = "trainers" if clash.kind == "trainer" else "room"
            refusals[index].append((field, clash.message(workshop)))
    return refusals


def _by_field(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in pairs:
        errors.setdefault(field, []).append(message)
    return errors


def check_sessions(*, workshop: Workshop, drafts: Sequence[SessionDraft]) -> None:
    """Refuse a batch of sessions (the rows of one form, the events of one file) if any of
    them breaks a rule of ``session_refusals``, among themselves included; raises
    :class:`SessionsRefused`, which says which draft and field."""
    rows = [_by_field(pairs) for pairs in session_refusals(workshop=workshop, drafts=drafts)]
    if any(rows):
        raise SessionsRefused(rows, drafts)


def check_session(
    *,
    workshop: Workshop,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None = None,
    trainers: Iterable[Trainer] = (),
    session: Session | None = None,
    status: str = Session.Status.SCHEDULED,
) -> None:
    """Refuse a session that ends before it starts, lies outside the workshop's dates, or
    puts a trainer or a room in two places at once, naming each clash, by field (a
    :class:`SessionsRefused` of one draft).

    Forms call it before saving, so the organiser sees every problem at once; the save
    calls it again inside its transaction. ``check_sessions`` of one draft: two queries.
    """
    draft = SessionDraft(starts_at, ends_at, room, tuple(trainers), session, status)
    check_sessions(workshop=workshop, drafts=[draft])


@dataclass(frozen=True)
class SessionChange:
    """One session for ``save_sessions`` to create (``session`` None) or change.

    ``data`` holds some of ``SESSION_FIELDS`` (the others stay as they are); ``trainers``
    and ``topics`` replace the session's, None keeps them. ``uid``: a new session's
    calendar UID (an imported event keeps its own); ``status``: scheduled or cancelled, for
    an import that follows a file (elsewhere ``cancel_session`` and ``reinstate_session``).
    """

    data: dict
    trainers: Sequence[Trainer] | None = None
    topics: Sequence[Topic] | None = None
    session: Session | None = None
    uid: str | None = None
    status: str | None = None


@transaction.atomic
def save_sessions(
    *, workshop: Workshop, changes: Sequence[SessionChange], notify: bool = True
) -> list[Session]:
    """Create or change several sessions of ``workshop`` as one change, or none of them.

    They are checked together (``check_sessions``: two sessions may swap their times, and
    no two of them may share a trainer or a room at once) before anything is written; a
    refusal is a :class:`SessionsRefused` naming each refused session and field. A change
    of time, room or status raises the session's calendar revision (``Session.save``), tells
    the webhooks a session moved and, after the commit, its people (``_tell_people``;
    not when ``notify`` is False: the demo, whose people are samples).
    Queries: the check's two, one for the trainers kept, then a few per session written.
    """
    check_timetable_editable(workshop)
    sessions = []
    for change in changes:
        session = change.session
        if session is None:
            session = Session(workshop=workshop)
            if change.uid:
                session.uid = change.uid
        elif session.workshop_id != workshop.pk:
            raise Refusal(_("This session belongs to another workshop."))
        _apply(session, change.data, SESSION_FIELDS)
        if change.status:
            session.status = change.status
        sessions.append(session)
    kept = [s for s, c in zip(sessions, changes, strict=True) if c.trainers is None and s.pk]
    prefetch_related_objects(kept, "trainers")
    trainers = [
        list(c.trainers) if c.trainers is not None else list(s.trainers.all()) if s.pk else []
        for s, c in zip(sessions, changes, strict=True)
    ]
    check_sessions(
        workshop=workshop,
        drafts=[
            SessionDraft(
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                room=s.room,
                trainers=tuple(t),
                exclude=s if s.pk else None,
                status=s.status,
                title=s.title,
            )
            for s, t in zip(sessions, trainers, strict=True)
        ],
    )
    for session, change in zip(sessions, changes, strict=True):
        # The fields' own rules (lengths, choices); the times and the constraints were
        # checked above, and the room and workshop are given as objects.
        session.full_clean(
            exclude=["trainers", "topics", "room", "workshop"],
            validate_unique=False,
            validate_constraints=False,
        )
        revision = session.sequence if session.pk else None
        snapshot = getattr(session, "_calendar_snapshot", None) or {}
        moved = session.pk is not None and (
            snapshot.get("starts_at"),
            snapshot.get("ends_at"),
        ) != (session.starts_at, session.ends_at)
        session.save()
        if change.trainers is not None:
            session.trainers.set(list(change.trainers))
        if change.topics is not None:
            session.topics.set(list(change.topics))
        if moved:
            _emit_session(webhooks.Event.SESSION_MOVED, session)
        if notify and revision is not None and session.sequence > revision:
            _tell_people(session, "cancelled" if session.is_cancelled else "moved")
    return sessions


def save_session(
    *,
    workshop: Workshop,
    data: dict,
    trainers: Iterable[Trainer] = (),
    topics: Iterable[Topic] = (),
    session: Session | None = None,
) -> Session:
    """Create a session in ``workshop`` or change ``session``; refused on any clash.

    ``data`` holds ``SESSION_FIELDS``; ``starts_at`` and ``ends_at`` are aware datetimes.
    ``save_sessions`` of one change: the organiser's form and the API come here.
    """
    change = SessionChange(data=data, trainers=list(trainers), topics=list(topics), session=session)
    (saved,) = save_sessions(workshop=workshop, changes=[change])
    return saved


@transaction.atomic
def move_session(*, session: Session, starts_at: datetime, ends_at: datetime) -> Session:
    """Give ``session`` a new time, keeping everything else; refused on any clash."""
    check_timetable_editable(session.workshop)
    check_session(
        workshop=session.workshop,
        starts_at=starts_at,
        ends_at=ends_at,
        room=session.room,
        trainers=session.trainers.all(),
        session=session,
        status=session.status,
    )
    session.starts_at, session.ends_at = starts_at, ends_at
    revision = session.sequence
    session.save()
    _emit_session(webhooks.Event.SESSION_MOVED, session)
    if session.sequence > revision:
        _tell_people(session, "moved")
    return session


def _emit_session(event: str, session: Session) -> None:
    webhooks.emit(
        event,
        workshop=session.workshop,
        data={
            "session": session.pk,
            "status": session.status,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
        },
    )


@transaction.atomic
def cancel_session(*, session: Session) -> Session:
    """Cancel the session; it stays in the timetable and in calendars as cancelled."""
    check_timetable_editable(session.workshop)
    if session.is_cancelled:
        return session
    session.status = Session.Status.CANCELLED
    session.save()
    _emit_session(webhooks.Event.SESSION_CANCELLED, session)
    _tell_people(session, "cancelled")
    return session


@transaction.atomic
def reinstate_session(*, session: Session) -> Session:
    """Schedule a cancelled session again, if its trainers and room are still free."""
    check_timetable_editable(session.workshop)
    if not session.is_cancelled:
        return session
    check_session(
        workshop=session.workshop,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        trainers=session.trainers.all(),
        session=session,
    )
    session.status = Session.Status.SCHEDULED
    session.save()
    _tell_people(session, "reinstated")
    return session


@transaction.atomic
def create_room(*, data: RoomData, room: Room | None = None) -> Room:
    """A new room; refused if its venue already has a room of that name. ``room``: the
    unsaved instance to fill and save, when a caller already holds one (the admin's)."""
    return _update(room if room is not None else Room(), data)


@transaction.atomic
def update_room(*, room: Room, data: RoomData) -> Room:
    """``room`` as ``data`` describes it (all of it: ``RoomData.of(room, ...)`` changes some)."""
    return _update(room, data)


# Topics ------------------------------------------------------------------------------------


@transaction.atomic
def create_topic(*, data: TopicData, topic: Topic | None = None) -> Topic:
    """A new topic; refused if one has that name already. ``topic``: the unsaved instance
    to fill and save, when a caller already holds one (the admin's)."""
    return _update(topic if topic is not None else Topic(), data)


@transaction.atomic
def update_topic(*, topic: Topic, data: TopicData) -> Topic:
    """``topic`` as ``data`` describes it (all of it: ``TopicData.of(topic, ...)`` changes
    some)."""
    return _update(topic, data)


def get_or_create_room(*, name: str, venue: str, city: str = "") -> Room:
    """The room called ``name`` at ``venue``, created if new (a typed room in a form)."""
    room, _created = Room.objects.get_or_create(
        venue=venue.strip(), name=name.strip(), defaults={"city": city}
    )
    return room


# Accounts ----------------------------------------------------------------------------------
# The people who sign in: organisers, administrators and funders' staff. Django's own models;
# the rules are the ones its admin forms apply, kept here so that every writer applies them.


def check_password_rules(*, user, password: str | None) -> None:
    """Refuse ``password`` (on the field ``password``) unless the site's validators
    (``AUTH_PASSWORD_VALIDATORS``) accept it for ``user``; None (no usable password, a
    reset link sets one) is always accepted."""
    if password is None:
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise Refusals(
            [
                Refusal(" ".join(each.messages), field="password", code=each.code)
                for each in error.error_list
            ]
        ) from None


def check_account(*, user, password: str | None) -> None:
    """Refuse a new account as the admin's add-user form refuses one: a username that is
    malformed or taken, also in another case; a malformed e-mail address; a password the
    site's validators refuse (too short, too common, all digits, too like the username or
    the address). Called by ``create_account`` and by the admin's form, which shows each
    refusal beside its field."""
    User = type(user)
    taken = User.objects.filter(username__iexact=user.username).exclude(pk=user.pk)
    if user.username and taken.exists():
        error = user.unique_error_message(User, ["username"])
        raise Refusal(" ".join(error.messages), field="username", code=error.code)
    _full_clean(user, exclude=["password"])
    check_password_rules(user=user, password=password)


def _set_password(user, password: str | None, hashed: str | None) -> None:
    if password is None:
        user.set_unusable_password()
    elif hashed is not None:
        user.password = hashed
    else:
        user.set_password(password)


@transaction.atomic
def create_account(
    *,
    username: str,
    email: str = "",
    password: str | None,
    hashed: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
):
    """A new account (an organiser, an administrator, a funder's staff), refused as
    ``check_account`` says. ``password`` None: no usable password.

    ``hashed``: ``password`` as the site's hasher stores it, when the caller holds it so
    (the demo's fixed logins, the admin's form), which saves hashing it again (about
    0.4 s, by design); it is checked as ``password`` all the same.
    """
    user = get_user_model()(
        username=username, email=email, is_staff=is_staff, is_superuser=is_superuser
    )
    check_account(user=user, password=password)
    _set_password(user, password, hashed)
    user.save()
    return user


@transaction.atomic
def update_account(*, user, email: str, is_staff: bool, is_superuser: bool, is_active: bool = True):
    """The account's address and standing changed, under a new account's rules."""
    user.email, user.is_staff, user.is_superuser, user.is_active = (
        email,
        is_staff,
        is_superuser,
        is_active,
    )
    _full_clean(user, exclude=["password"])
    user.save(update_fields=["email", "is_staff", "is_superuser", "is_active"])
    return user


@transaction.atomic
def set_account_password(*, user, password: str | None, hashed: str | None = None):
    """A new password for ``user``, under a new account's rules (``check_password_rules``);
    None: no usable password."""
    check_password_rules(user=user, password=password)
    _set_password(user, password, hashed)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def set_agency_membership(*, user, agency: Agency | None) -> AgencyMember | None:
    """Tie ``user`` to ``agency``, so that they see what it funds (an account has one
    agency: another replaces it); None unties them."""
    member = AgencyMember.objects.filter(user=user).first()
    if agency is None:
        if member is not None:
            member.delete()
        return None
    if member is None:
        member = AgencyMember(user=user)
    elif member.agency_id == agency.pk:
        return member
    member.agency = agency
    _full_clean(member)
    member.save()
    return member


@transaction.atomic
def add_organiser(*, workshop: Workshop, user) -> None:
    """``user`` organises ``workshop`` too (and sees it among their workshops)."""
    workshop.organisers.add(user)


@transaction.atomic
def remove_organiser(*, workshop: Workshop, user) -> None:
    """``user`` no longer organises ``workshop``."""
    workshop.organisers.remove(user)

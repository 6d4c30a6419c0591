"""The registration rules, in one place: the public form, the organisers' pages, the nominations
import, the API and the admin all change registrations through these functions.

The rules:

- One person, one row: a participant is found by e-mail, ignoring case. The same person
  registering twice for one workshop gets their existing registration back, so a repeated
  submit is harmless.
- What a person or an organiser tells for a workshop (names, gender, agency, position,
  region, phone, language) is kept on that registration, never on the person: another
  workshop's form or import neither reads nor changes it. An organiser's source updates
  their own workshop's registration with the non-blank values given; the public form and
  the API never change an existing registration (anyone can type anyone's address).
- A public submission never reopens a registration that an organiser cancelled or declined;
  the person may reopen one they cancelled themselves.
- Self-registration (the public form, the API) is accepted only while the workshop is
  published and its registration window is open. Organisers (their pages, the import, the
  demo data) may add people at any time, except to a cancelled workshop.
- Only confirmed registrations hold a seat, and never more than the workshop's capacity,
  whatever arrives at once: every function that may take or free a seat first locks the
  workshop's row, so the count it decides on cannot change before it commits.
- A workshop that requires approval puts newcomers in ``pending``; an organiser's approval
  then takes a seat if one is free, or a place on the waiting list.
- The waiting list is a queue ordered by (``waitlisted_at``, pk). Nobody overtakes it: while
  anyone waits, a newcomer (or a newly approved registration) joins the end of it even if a
  seat is free; and whenever a seat is freed, the first in the queue takes it, in the same
  transaction, and is told by e-mail. Seats added by raising the capacity go to the queue
  at the next registration or decision, or at once through ``promote_from_waitlist``.

E-mails are queued for the worker when the transaction commits, so nobody hears of a change
that was rolled back, and no request waits on the mail server.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.refusals import Refusal
from config.tokens import new_token
from events.models import Agency, Workshop
from integrations import webhooks
from integrations.queue import enqueue_on_commit
from participants import tasks
from participants.emails import Kind
from participants.models import Participant, Registration, seat_counts
from participants.queries import may_promote_from_waitlist

logger = logging.getLogger(__name__)

Status = Registration.Status
Source = Registration.Source

# Sources where people register themselves: the window and the workshop's status apply, and
# an existing registration is never changed (anyone can type anyone's address).
SELF_SERVICE_SOURCES = frozenset({Source.PUBLIC, Source.API})


class RegistrationError(Refusal):
    """A rule refused the change; ``str(error)`` is a message for the person who asked."""


class RegistrationClosed(RegistrationError):
    """The workshop does not accept registrations now."""

    default_code = "registration_closed"


class InvalidTransition(RegistrationError):
    """The registration cannot go from its status to the one asked for."""

    default_code = "invalid_transition"


@dataclass
class RegistrationData:
    """What a person tells about themselves for one workshop.

    Blank values leave what that workshop's registration already holds as it is.
    """

    name: str = ""
    email: str = ""
    name_local: str = ""
    gender: str = ""
    agency: Agency | None = None
    agency_name: str = ""
    position: str = ""
    region: str = ""
    phone: str = ""
    preferred_language: str = ""
    nominated_by: Agency | None = None

    # The details kept on the registration (the e-mail is the person's identity).
    DETAIL_FIELDS = (
        "name",
        "name_local",
        "gender",
        "agency",
        "agency_name",
        "position",
        "region",
        "phone",
        "preferred_language",
    )

    @classmethod
    def from_value(cls, data: "RegistrationData | Mapping") -> "RegistrationData":
        if isinstance(data, cls):
            return data
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise TypeError(f"Unknown registration fields: {', '.join(sorted(unknown))}")
        return cls(**{key: value for key, value in data.items() if value is not None})

    def __post_init__(self):
        for name in ("name", "email", "name_local", "agency_name", "position", "region", "phone"):
            setattr(self, name, (getattr(self, name) or "").strip())

    def details(self) -> dict:
        """The non-blank details, by the registration's field names (``agency`` as given)."""
        return {
            name: getattr(self, name)
            for name in self.DETAIL_FIELDS
            if getattr(self, name) not in ("", None)
        }


@dataclass(frozen=True)
class Registered:
    """What :func:`register_participant` did.

    ``created``: a new registration; ``reopened``: the person's own cancellation undone by
    registering again themselves. Neither: the existing registration, unchanged.
    """

    registration: Registration
    created: bool
    reopened: bool = False

    @property
    def is_new(self) -> bool:
        """Whether this call registered the person (the registered_* e-mail went out)."""
        return self.created or self.reopened


# --- The workshop lock ------------------------------------------------------------------


def _lock_workshop(workshop: Workshop) -> Workshop:
    """The workshop's row, locked until the transaction ends, fresh from the database.

    On PostgreSQL ``SELECT ... FOR UPDATE`` makes every seat decision for this workshop
    wait its turn (other workshops are not held up). SQLite ignores FOR UPDATE; there the
    settings open every transaction IMMEDIATE, which takes the database's write lock at once.
    Always: the concurrency tests' control run and the benchmark's floor replace this
    function to see what happens without it.
    """
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _seat_figures(workshop: Workshop) -> tuple[int, int]:
    """(confirmed, waitlisted) for ``workshop``: one aggregate query."""
    figures = Registration.objects.filter(workshop=workshop).seat_figures()
    return figures["confirmed"], figures["waitlisted"]


def _seat_or_queue(
    workshop: Workshop,
    now: datetime,
    *,
    notify: bool,
    figures: tuple[int, int] | None = None,
    hooks: list | None = None,
) -> str:
    """CONFIRMED if a seat is free and nobody waits for it, else WAITLISTED. Under the lock.

    Seats found free while people wait (a capacity raised since) go to the waiting list
    first: the newcomer only gets what is left. ``figures``: the seat counts, if the caller
    read them under this lock already; ``hooks``: the workshop's webhooks, read before it.
    """
    confirmed, waitlisted = figures or _seat_figures(workshop)
    if waitlisted and confirmed < workshop.capacity:
        promoted = _fill_free_seats(
            workshop, now, notify=notify, figures=(confirmed, waitlisted), hooks=hooks
        )
        confirmed, waitlisted = confirmed + len(promoted), waitlisted - len(promoted)
    if confirmed < workshop.capacity and not waitlisted:
        return Status.CONFIRMED
    return Status.WAITLISTED


def _set_status(registration: Registration, status: str, now: datetime) -> None:
    registration.status = status
    registration.status_changed_at = now
    if status == Status.WAITLISTED:
        # Joining the queue, whatever happened before, means joining at its end.
        registration.waitlisted_at = now
    elif status != Status.CONFIRMED:
        registration.waitlisted_at = None


def _save_status(registration: Registration) -> None:
    registration.save(
        update_fields=[
            "status",
            "status_changed_at",
            "waitlisted_at",
            "cancelled_by_participant",
            "updated_at",
        ]
    )


def _fill_free_seats(
    workshop: Workshop,
    now: datetime,
    *,
    notify: bool,
    figures: tuple[int, int] | None = None,
    hooks: list | None = None,
) -> list[Registration]:
    """Promote the first of the waiting list into every free seat. Under the lock. None for
    a workshop that is over or will not take place (``may_promote_from_waitlist``), whatever
    freed the seat: a cancellation, a decline, a capacity raised.

    Two queries (the count unless ``figures`` gives it, the queue's head) plus, per
    promotion, its update, audit record and e-mail's task (and the webhooks' query, unless
    ``hooks`` gives the workshop's webhooks, read before the lock).
    """
    if not may_promote_from_waitlist(workshop):
        return []
    confirmed, waitlisted = figures or _seat_figures(workshop)
    free = workshop.capacity - confirmed
    if free <= 0 or not waitlisted:
        return []
    promoted = list(
        Registration.objects.filter(workshop=workshop)
        .waiting()
        .select_related("participant")[:free]
    )
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.status_changed_at = now
        # waitlisted_at stays: it records that this seat came from the queue, and when.
        _save_status(registration)
        _emit(webhooks.Event.REGISTRATION_PROMOTED, registration, workshop, hooks=hooks)
        if notify:
            _notify(registration, Kind.PROMOTED)
    return promoted


def promote_from_waitlist(*, workshop: Workshop, notify: bool = True) -> list[Registration]:
    """Give every free seat to the waiting list, first come first served.

    Call it after raising a workshop's capacity (the organisers' roster offers it). Returns
    the promoted registrations, in queue order; none for a completed or cancelled workshop.
    """
    with transaction.atomic():
        hooks = webhooks.active_webhooks(workshop=workshop)  # before the lock: not a seat
        workshop = _lock_workshop(workshop)
        return _fill_free_seats(workshop, timezone.now(), notify=notify, hooks=hooks)


# --- Registering ------------------------------------------------------------------------


def check_registration_open(workshop: Workshop, *, source: str, now: datetime | None = None):
    """Raise RegistrationClosed, with a message saying why, if ``source`` may not register now."""
    now = now or timezone.now()
    state = workshop.self_registration(now)
    if state == Workshop.SelfRegistration.CANCELLED:
        raise RegistrationClosed(_("This workshop has been cancelled."))
    if source not in SELF_SERVICE_SOURCES or state == Workshop.SelfRegistration.OPEN:
        return
    if state == Workshop.SelfRegistration.NOT_YET:
        raise RegistrationClosed(
            _("Registration opens on %(moment)s.")
            % {"moment": _format_moment(workshop, workshop.registration_opens_at)}
        )
    if state == Workshop.SelfRegistration.CLOSED and workshop.status == Workshop.Status.PUBLISHED:
        raise RegistrationClosed(
            _("Registration closed on %(moment)s.")
            % {"moment": _format_moment(workshop, workshop.registration_closes_at)}
        )
    raise RegistrationClosed(_("This workshop is not open for registration."))


def _format_moment(workshop: Workshop, moment: datetime) -> str:
    local = workshop.local(moment)
    return _("%(moment)s (%(zone)s)") % {
        "moment": formats.date_format(local, "DATETIME_FORMAT"),
        "zone": workshop.timezone,
    }


def _find_person(email: str) -> Participant | None:
    if not email:
        return None
    # Lower(email) of the non-blank addresses is what the participant_email_unique_ci index
    # holds: without its condition too, PostgreSQL cannot use it and reads the table, every
    # row for an address not yet known (each newcomer).
    return (
        Participant.objects.exclude(email="")
        .annotate(email_ci=Lower("email"))
        .filter(email_ci=email.lower())
        .first()
    )


def find_or_create_person(email: str) -> Participant:
    """The person with ``email`` (any case), created if new: the identity only, no details."""
    person = _find_person(email)
    if person is not None:
        return person
    try:
        # A savepoint: two first registrations of one address for different workshops
        # (not serialised by a workshop lock) race here; the loser reads the winner's row.
        with transaction.atomic():
            return Participant.objects.create(email=email)
    except IntegrityError:
        person = _find_person(email)
        if person is None:
            raise
        return person


def _update_details(registration: Registration, data: RegistrationData) -> None:
    """Write the non-blank details of ``data`` onto an existing registration (trusted sources)."""
    changed = []
    for name, value in data.details().items():
        attname = "agency_id" if name == "agency" else name
        new = value.pk if name == "agency" else value
        if getattr(registration, attname) != new:
            setattr(registration, attname, new)
            changed.append(attname)
    if changed:
        registration.save(update_fields=[*changed, "updated_at"])


def register_participant(
    *,
    workshop: Workshop,
    data: RegistrationData | Mapping,
    source: str,
    notify: bool = True,
) -> Registered:
    """Register the person described by ``data`` for ``workshop``.

    ``data`` is a RegistrationData or a mapping of its fields. The person is found by e-mail,
    ignoring case (or created, identity only). If they already have a registration for this
    workshop, it is returned (``created`` False): an organiser's source (their pages, the
    import) updates its details with the non-blank values given; a self-service source (public
    form, API) changes nothing, except that a person who cancelled themselves and registers
    again reopens it under the same rules as a newcomer (``reopened``). An organiser's
    cancellation or decline stands against the public form; organisers approve instead.

    The new registration is ``pending`` when the workshop requires approval, else
    ``confirmed`` if a seat is free and nobody waits, else ``waitlisted``. It holds exactly
    the details ``data`` gives: nothing is copied from the person's other workshops.

    Raises RegistrationClosed (see :func:`check_registration_open`) and RegistrationError
    when neither a name nor an e-mail address is given.
    """
    data = RegistrationData.from_value(data)
    if not data.name:
        raise RegistrationError(_("A name is required."))
    if source in SELF_SERVICE_SOURCES and not data.email:
        raise RegistrationError(_("An e-mail address is required."))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            raise RegistrationError(
                _("“%(email)s” is not a valid e-mail address.") % {"email": data.email}
            ) from None
    with transaction.atomic():
        # Every registration for this workshop waits for its lock, which is held until the
        # commit: so all that does not depend on the seats comes before it, on rows of its
        # own (an error below rolls them back): the person's look-up, insert and audit
        # record (nominated without an address: a person of their own, found by nobody
        # else), and the workshop's webhooks. Under the lock: its row, one query for the
        # seats and this person's registration, then only writes (the registration, its
        # audit record, the e-mail's task, a webhook's delivery), and the commit.
        person = find_or_create_person(data.email) if data.email else Participant.objects.create()
        hooks = webhooks.active_webhooks(workshop=workshop)
        workshop = _lock_workshop(workshop)
        check_roster_editable(workshop)
        # Read under the lock, so that a registration of the same person committed by the
        # lock's previous holder (a double submit) is seen, and the seats it took.
        figures = Registration.objects.filter(workshop=workshop).aggregate(
            **seat_counts(), existing=Max("pk", filter=Q(participant=person))
        )
        registration = None
        if figures["existing"] is not None:
            registration = Registration.objects.select_related("participant").get(
                pk=figures["existing"]
            )
        reopen = (
            registration is not None
            and registration.status == Status.CANCELLED
            and registration.cancelled_by_participant
            and source in SELF_SERVICE_SOURCES
        )
        if registration is not None and not reopen:
            if source not in SELF_SERVICE_SOURCES:
                _update_details(registration, data)
            return Registered(registration, created=False)

        check_registration_open(workshop, source=source)
        now = timezone.now()
        if workshop.requires_approval:
            status = Status.PENDING
        else:
            status = _seat_or_queue(
                workshop,
                now,
                notify=notify,
                figures=(figures["confirmed"], figures["waitlisted"]),
                hooks=hooks,
            )
        created = registration is None
        if created:
            registration = Registration(
                workshop=workshop,
                participant=person,
                source=source,
                token=new_token(),
                **data.details(),
            )
        registration.cancelled_by_participant = False
        _set_status(registration, status, now)
        if data.nominated_by is not None:
            registration.nominated_by = data.nominated_by
        registration.save()
        _emit(webhooks.Event.REGISTRATION_CREATED, registration, workshop, hooks=hooks)
        if notify:
            _notify(registration, Kind.registered(status))
        return Registered(registration, created=created, reopened=not created)


# --- Organisers' decisions and cancellation ----------------------------------------------


def check_roster_editable(workshop: Workshop) -> None:
    """Refuse a change to a completed workshop's participants: the record of who came."""
    if workshop.status == Workshop.Status.COMPLETED:
        raise RegistrationClosed(
            _(
                "This workshop is completed: its list of participants is read-only. Reopen the "
                "workshop (on its overview) to correct it."
            )
        )


def _locked_registration(registration: Registration) -> tuple[Workshop, Registration, list]:
    """Read the workshop's webhooks, lock the workshop, then read the registration afresh
    (under the lock: a decision made meanwhile is seen). In a transaction. Refused for a
    completed workshop. Returns the workshop, the registration and the webhooks."""
    hooks = webhooks.active_webhooks(workshop=registration.workshop)
    workshop = _lock_workshop(registration.workshop)
    check_roster_editable(workshop)
    fresh = Registration.objects.select_related("participant").get(pk=registration.pk)
    return workshop, fresh, hooks


def _log_decision(action: str, registration: Registration, by) -> None:
    logger.info(
        "registration %s: %s by %s -> %s",
        registration.pk,
        action,
        getattr(by, "pk", None) or "participant",
        registration.status,
    )


def approve_registration(*, registration: Registration, by, notify: bool = True) -> Registration:
    """An organiser accepts a pending (or declined, or cancelled) registration.

    It takes a seat if one is free and nobody waits, else joins the end of the waiting list.
    """
    allowed = {Status.PENDING, Status.DECLINED, Status.CANCELLED}
    with transaction.atomic():
        workshop, registration, hooks = _locked_registration(registration)
        if registration.status not in allowed:
            raise InvalidTransition(
                _cannot(registration, _("A registration that is “%(status)s” cannot be approved."))
            )
        if registration.cancelled_by_participant:
            raise InvalidTransition(
                _(
                    "%(name)s cancelled this registration themselves; only they can register "
                    "again, on the workshop's page."
                )
                % {"name": registration.name}
            )
        now = timezone.now()
        status = _seat_or_queue(workshop, now, notify=notify, hooks=hooks)
        _set_status(registration, status, now)
        _save_status(registration)
        _log_decision("approved", registration, by)
        if notify:
            _notify(
                registration,
                Kind.APPROVED if status == Status.CONFIRMED else Kind.REGISTERED_WAITLISTED,
            )
    return registration


def waitlist_registration(*, registration: Registration, by, notify: bool = True) -> Registration:
    """An organiser accepts a pending registration onto the end of the waiting list.

    While the workshop may still fill seats (participants.queries.may_promote_from_waitlist),
    a seat is never left empty while someone waits: if one is free, the head of the queue
    (which may be this registration) takes it at once. A confirmed registration cannot be
    moved to the waiting list: cancel or decline it to free its seat.
    """
    allowed = {Status.PENDING, Status.DECLINED, Status.CANCELLED}
    with transaction.atomic():
        workshop, registration, hooks = _locked_registration(registration)
        if registration.status not in allowed:
            raise InvalidTransition(
                _cannot(
                    registration,
                    _("A registration that is “%(status)s” cannot be put on the waiting list."),
                )
            )
        now = timezone.now()
        _set_status(registration, Status.WAITLISTED, now)
        _save_status(registration)
        promoted = _fill_free_seats(workshop, now, notify=notify, hooks=hooks)
        _log_decision("waitlisted", registration, by)
        if any(p.pk == registration.pk for p in promoted):
            registration.refresh_from_db()
        elif notify:
            _notify(registration, Kind.REGISTERED_WAITLISTED)
    return registration


def decline_registration(*, registration: Registration, by, notify: bool = True) -> Registration:
    """An organiser declines a registration; a seat it held goes to the waiting list's first."""
    allowed = {Status.PENDING, Status.WAITLISTED, Status.CONFIRMED}
    with transaction.atomic():
        workshop, registration, hooks = _locked_registration(registration)
        if registration.status not in allowed:
            raise InvalidTransition(
                _cannot(registration, _("A registration that is “%(status)s” cannot be declined."))
            )
        _end_registration(
            workshop, registration, Status.DECLINED, by=by, notify=notify, hooks=hooks
        )
    return registration


def cancel_registration(
    *, registration: Registration, by=None, notify: bool = True
) -> Registration:
    """Cancel a registration (``by`` None: the participant did it on their personal page).

    A seat it held goes to the first on the waiting list, in the same transaction, and they
    are told. Cancelling a cancelled or declined registration changes nothing, so a
    repeated click is harmless.
    """
    with transaction.atomic():
        workshop, registration, hooks = _locked_registration(registration)
        if registration.status in (Status.CANCELLED, Status.DECLINED):
            return registration
        registration.cancelled_by_participant = by is None
        _end_registration(
            workshop, registration, Status.CANCELLED, by=by, notify=notify, hooks=hooks
        )
        _emit(webhooks.Event.REGISTRATION_CANCELLED, registration, workshop, hooks=hooks)
    return registration


def _end_registration(
    workshop: Workshop,
    registration: Registration,
    status: str,
    *,
    by,
    notify: bool,
    hooks: list | None = None,
) -> None:
    """Decline or cancel ``registration``, locked by the caller's transaction. A seat it
    held goes to the first on the waiting list; the person hears of it (e-mail
    ``<status>_seat``) or of the end alone (``<status>``)."""
    held_seat = registration.status == Status.CONFIRMED
    now = timezone.now()
    _set_status(registration, status, now)
    _save_status(registration)
    promoted = _fill_free_seats(workshop, now, notify=notify, hooks=hooks) if held_seat else []
    _log_decision(status, registration, by)
    if notify:
        # The e-mail says whether the seat went to someone waiting.
        _notify(registration, Kind.ended(status, held_seat=held_seat, seat_passed=bool(promoted)))


def revoke_registration_link(*, registration: Registration, notify: bool = True) -> Registration:
    """Give the registration a new secret: the old personal link stops working at once.

    The registration's calendar link is replaced too, in the same transaction: the personal
    page shows it, so whoever holds the old page link may hold that one as well. The person
    is sent the new page link, which shows the new calendar link.
    """
    with transaction.atomic():
        registration.token = new_token()
        registration.feed_token = new_token()
        registration.save(update_fields=["token", "feed_token", "updated_at"])
        if notify:
            _notify(registration, Kind.NEW_LINK)
    return registration


def resend_personal_link(*, registration: Registration) -> None:
    """E-mail the person their personal link again (a known address on the public form)."""
    _notify(registration, Kind.LINK)


def update_preferred_language(*, registration: Registration, language: str) -> Registration:
    """The language of the person's pages and e-mails about this workshop, as they chose it."""
    if language not in dict(settings.LANGUAGES):
        raise RegistrationError(_("Choose one of the languages offered."))
    if registration.preferred_language != language:
        registration.preferred_language = language
        registration.save(update_fields=["preferred_language", "updated_at"])
    return registration


def send_my_registrations(*, email: str, language: str) -> int:
    """E-mail ``email`` the personal links of every workshop it is registered for.

    The one view across a person's workshops, and it goes only to the address itself:
    whoever asks learns nothing (the page answers the same for any address), and the owner
    of the address sees links they could have had from each workshop's e-mails anyway.
    Drafts are left out; returns how many links were sent (0: no e-mail at all).
    """
    person = _find_person(email.strip())
    if person is None:
        return 0
    registrations = list(
        Registration.objects.filter(participant=person)
        .exclude(workshop__status=Workshop.Status.DRAFT)
        .select_related("workshop")
        .order_by("-workshop__start_date", "pk")
    )
    if registrations:
        enqueue_on_commit(
            tasks.send_my_registrations_email,
            person.email,
            [registration.pk for registration in registrations],
            language,
        )
    return len(registrations)


def _cannot(registration: Registration, message: str) -> str:
    return message % {"status": registration.get_status_display()}


def _emit(
    event: str, registration: Registration, workshop: Workshop, *, hooks: list | None = None
) -> None:
    """Tell the workshop's webhooks (``hooks``: all of them, read before the lock; None: ask
    now); what a receiver gets is the registration's id and state, never the person's
    details (it asks the API for those, with its own permissions)."""
    webhooks.emit(
        event,
        workshop=workshop,
        hooks=None if hooks is None else webhooks.wanting(event, hooks),
        data={
            "registration": registration.pk,
            "status": registration.status,
            "source": registration.source,
        },
    )


def _notify(registration: Registration, kind: Kind) -> None:
    """Queue the e-mail ``kind`` about ``registration`` once the transaction has committed."""
    enqueue_on_commit(tasks.send_registration_email, registration.pk, kind)

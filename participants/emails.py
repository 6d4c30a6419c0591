"""The e-mails participants receive about their registration, in their own language.

``services`` queues the tasks of ``participants.tasks`` once the transaction commits, so a
message goes out only for a change that was saved, and from the worker, never inside the
request (a mail server that hangs holds no web worker). Each message is plain text with an HTML
alternative; an invitation (a seat confirmed) carries the workshop's sessions as an
iCalendar REQUEST, and losing a seat carries a CANCEL, so calendar programs add or remove
the sessions themselves.
"""

import logging
from dataclasses import dataclass
from email.mime.text import MIMEText
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.calendar import Attendee, calendar_for_sessions, invitation_email
from events.localised import localised
from events.models import Session
from participants.models import Registration
from participants.queries import waitlist_position_of

logger = logging.getLogger(__name__)


class Kind(StrEnum):
    """The e-mails about a registration. The values travel as the tasks' arguments (JSON)."""

    REGISTERED_CONFIRMED = "registered_confirmed"
    REGISTERED_WAITLISTED = "registered_waitlisted"
    REGISTERED_PENDING = "registered_pending"
    APPROVED = "approved"
    PROMOTED = "promoted"
    DECLINED = "declined"
    DECLINED_SEAT = "declined_seat"
    CANCELLED = "cancelled"
    CANCELLED_SEAT = "cancelled_seat"
    CANCELLED_SEAT_PASSED = "cancelled_seat_passed"
    LINK = "link"
    NEW_LINK = "new_link"

    @classmethod
    def registered(cls, status: str) -> "Kind":
        """The letter to someone who has just registered and is now ``status``."""
        return {
            Registration.Status.CONFIRMED: cls.REGISTERED_CONFIRMED,
            Registration.Status.WAITLISTED: cls.REGISTERED_WAITLISTED,
            Registration.Status.PENDING: cls.REGISTERED_PENDING,
        }[status]

    @classmethod
    def ended(cls, status: str, *, held_seat: bool, seat_passed: bool) -> "Kind":
        """The letter about a registration ``status`` (declined or cancelled): whether it held a
        seat (its calendar is withdrawn), and whether someone waiting took that seat."""
        if status == Registration.Status.DECLINED:
            return cls.DECLINED_SEAT if held_seat else cls.DECLINED
        if not held_seat:
            return cls.CANCELLED
        return cls.CANCELLED_SEAT_PASSED if seat_passed else cls.CANCELLED_SEAT


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: list[str]
    calendar_method: str | None = None


def personal_url(registration: Registration) -> str:
    """The absolute address of the person's page: e-mails are read outside any request."""
    path = reverse("participants:personal", kwargs={"token": registration.token})
    return f"{settings.SITE_URL}{path}"


def workshop_title(workshop, language: str | None = None) -> str:
    """The workshop's title in ``language`` (its local-script title for Chinese, if it has one)."""
    return localised(workshop, "title", language)


def _message(kind: Kind, registration: Registration) -> Message:
    """Subject, text and calendar of the e-mail ``kind``, in the active language."""
    title = workshop_title(registration.workshop)
    tag = {"title": title}
    if kind in (Kind.REGISTERED_CONFIRMED, Kind.APPROVED, Kind.PROMOTED):
        lead = {
            Kind.REGISTERED_CONFIRMED: _("Thank you for registering. Your seat is confirmed."),
            Kind.APPROVED: _(
                "The organisers have approved your registration. Your seat is confirmed."
            ),
            Kind.PROMOTED: _(
                "A seat has become free and it is yours: you have moved from the waiting list "
                "to confirmed."
            ),
        }[kind]
        subject = {
            Kind.REGISTERED_CONFIRMED: _("Registration confirmed: %(title)s"),
            Kind.APPROVED: _("Registration approved: %(title)s"),
            Kind.PROMOTED: _("A seat is yours: %(title)s"),
        }[kind]
        return Message(
            subject=subject % tag,
            paragraphs=[
                lead,
                _(
                    "An invitation for each session follows in separate e-mails: accept them "
                    "and your calendar keeps them up to date when a session moves. The whole "
                    "timetable is attached as a calendar file too. If you cannot come after "
                    "all, please cancel on your personal page so that someone on the waiting "
                    "list can take your seat."
                ),
            ],
            calendar_method="REQUEST",
        )
    if kind == Kind.REGISTERED_WAITLISTED:
        position = waitlist_position_of(registration)
        return Message(
            subject=_("On the waiting list: %(title)s") % tag,
            paragraphs=[
                _(
                    "Thank you for registering. The workshop is full, so you are on the "
                    "waiting list."
                ),
                _(
                    "You are number %(position)s on the waiting list. When a seat becomes free, "
                    "the first on the list takes it and is told by e-mail at once."
                )
                % {"position": position},
            ],
        )
    if kind == Kind.REGISTERED_PENDING:
        return Message(
            subject=_("Registration received: %(title)s") % tag,
            paragraphs=[
                _(
                    "Thank you for registering. The organisers approve each registration for "
                    "this workshop."
                ),
                _("We will write to you as soon as they have decided."),
            ],
        )
    if kind in (Kind.DECLINED, Kind.DECLINED_SEAT):
        paragraphs = [_("We are sorry: the organisers could not accept your registration.")]
        if kind == Kind.DECLINED_SEAT:
            paragraphs.append(
                _("A cancellation for each session follows, to remove it from your calendar.")
            )
        return Message(
            subject=_("Registration declined: %(title)s") % tag,
            paragraphs=paragraphs,
            calendar_method="CANCEL" if kind == Kind.DECLINED_SEAT else None,
        )
    if kind in (Kind.CANCELLED, Kind.CANCELLED_SEAT, Kind.CANCELLED_SEAT_PASSED):
        paragraphs = [_("Your registration has been cancelled.")]
        if kind == Kind.CANCELLED_SEAT_PASSED:
            # Only when someone waited and took the seat: never claimed otherwise.
            paragraphs.append(_("Your seat has gone to the first person on the waiting list."))
        if kind != Kind.CANCELLED:
            paragraphs.append(
                _("A cancellation for each session follows, to remove it from your calendar.")
            )
        paragraphs.append(
            _(
                "If this is a mistake, register again on the workshop's page or write to the "
                "organisers."
            )
        )
        return Message(
            subject=_("Registration cancelled: %(title)s") % tag,
            paragraphs=paragraphs,
            calendar_method=None if kind == Kind.CANCELLED else "CANCEL",
        )
    if kind == Kind.LINK:
        return Message(
            subject=_("Your registration: %(title)s") % tag,
            paragraphs=[
                _(
                    "Someone, probably you, asked to register this e-mail address again for "
                    "this workshop. You are already registered; your registration is "
                    "unchanged, and nothing typed in that form was kept."
                ),
                _("Its status: %(status)s.") % {"status": registration.get_status_display()},
            ],
        )
    if kind == Kind.NEW_LINK:
        return Message(
            subject=_("Your new personal link: %(title)s") % tag,
            paragraphs=[
                _(
                    "The organisers have replaced the personal link of your registration. "
                    "The old link no longer works; use the one below."
                ),
                _(
                    "Your calendar link has been replaced too: if you subscribed to your "
                    "sessions in a calendar program, subscribe again from your personal page."
                ),
                _("Its status: %(status)s.") % {"status": registration.get_status_display()},
            ],
        )
    raise ValueError(f"Unknown registration e-mail {kind!r}")


# What each e-mail is, as the organiser's registration page lists them.
KIND_LABELS = {
    Kind.REGISTERED_CONFIRMED: gettext_lazy("Registration confirmed"),
    Kind.REGISTERED_WAITLISTED: gettext_lazy("On the waiting list"),
    Kind.REGISTERED_PENDING: gettext_lazy("Registration received, awaiting approval"),
    Kind.APPROVED: gettext_lazy("Registration approved"),
    Kind.PROMOTED: gettext_lazy("A seat from the waiting list"),
    Kind.DECLINED: gettext_lazy("Registration declined"),
    Kind.DECLINED_SEAT: gettext_lazy("Registration declined, with calendar cancellation"),
    Kind.CANCELLED: gettext_lazy("Registration cancelled"),
    Kind.CANCELLED_SEAT: gettext_lazy("Registration cancelled, with calendar cancellation"),
    Kind.CANCELLED_SEAT_PASSED: gettext_lazy(
        "Registration cancelled, seat passed to the waiting list"
    ),
    Kind.LINK: gettext_lazy("Personal link sent again"),
    Kind.NEW_LINK: gettext_lazy("New personal link"),
}


def build_registration_email(registration: Registration, kind: Kind) -> EmailMultiAlternatives:
    """The e-mail ``kind`` for ``registration``, in the participant's preferred language."""
    person = registration.participant
    workshop = registration.workshop
    with translation.override(registration.preferred_language or settings.LANGUAGE_CODE):
        message = _message(kind, registration)
        context = {
            "registration": registration,
            "participant": person,
            "workshop": workshop,
            "title": workshop_title(workshop),
            "paragraphs": message.paragraphs,
            "personal_url": personal_url(registration),
            "workshop_url": f"{settings.SITE_URL}"
            + reverse("participants:public_workshop", kwargs={"slug": workshop.slug}),
            "with_calendar": bool(message.calendar_method),
        }
        text = render_to_string("participants/emails/registration.txt", context)
        html = render_to_string("participants/emails/registration.html", context)
        email = EmailMultiAlternatives(
            subject=one_line(message.subject),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
        email.attach_alternative(html, "text/html")
        title = workshop_title(workshop)
        if message.calendar_method == "REQUEST":
            # The timetable to add at once, as a file (no METHOD: not an iTIP message).
            ics = calendar_for_sessions(_sessions(workshop, method="REQUEST"), name=title)
            part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
            part.add_header("Content-Disposition", "attachment", filename=f"{workshop.slug}.ics")
            email.attach(part)
    return email


def _sessions(workshop, *, method: str):
    sessions = (
        Session.objects.filter(workshop=workshop)
        .select_related("workshop", "room")
        .prefetch_related("trainers__agency", "topics")
        .order_by("starts_at", "pk")
    )
    if method == "REQUEST":
        sessions = sessions.filter(status=Session.Status.SCHEDULED)
    return sessions


def build_registration_emails(registration: Registration, kind: Kind) -> list:
    """The letter about ``kind``, then one iTIP message per session (RFC 5546: one UID per
    REQUEST or CANCEL) when the person gains or loses their seat; in their language."""
    letter = build_registration_email(registration, kind)
    with translation.override(registration.preferred_language or settings.LANGUAGE_CODE):
        method = _message(kind, registration).calendar_method
        if not method:
            return [letter]
        workshop = registration.workshop
        attendee = Attendee(registration.participant.email, registration.name)
        invitations = [
            invitation_email(session, method=method, attendee=attendee)
            for session in _sessions(workshop, method=method)
        ]
    return [letter, *invitations]


def one_line(text: str) -> str:
    """A header value on one line: a workshop title typed with a line break would otherwise
    make every message about it fail (Django refuses headers with line breaks)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def build_my_registrations_email(
    address: str, registrations: list[Registration], language: str
) -> EmailMultiAlternatives:
    """One e-mail listing each registration of the address with its personal link."""
    with translation.override(language):
        context = {
            "rows": [
                {
                    "registration": registration,
                    "workshop": registration.workshop,
                    "title": workshop_title(registration.workshop),
                    "personal_url": personal_url(registration),
                }
                for registration in registrations
            ]
        }
        email = EmailMultiAlternatives(
            subject=_("Your workshop registrations"),
            body=render_to_string("participants/emails/my_registrations.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        email.attach_alternative(
            render_to_string("participants/emails/my_registrations.html", context), "text/html"
        )
    return email


def send_my_registrations_email(address: str, registrations: list[Registration], language: str):
    """Send the list of registrations of ``address``; a failure is logged, not passed on."""
    try:
        build_my_registrations_email(address, registrations, language).send()
    except Exception:
        # As for every e-mail: the answer on the page is the same, the failure is logged.
        logger.exception("Could not send the list of registrations of an address")
        return False
    return True


def deliver_registration_email(registration_pk: int, kind: Kind) -> bool:
    """Send the e-mail ``kind`` about a registration, read afresh: False if the registration
    is gone or has no address. A failure to send raises (the task retries it)."""
    registration = (
        Registration.objects.select_related("workshop", "participant")
        .filter(pk=registration_pk)
        .first()
    )
    if registration is None or not registration.participant.email:
        return False
    for email in build_registration_emails(registration, kind):
        email.send()
    return True


def send_registration_email(registration_pk: int, kind: str) -> bool:
    """Send the e-mail ``kind`` about a registration, read afresh; False if it has no address
    or could not be sent.

    The change it reports is saved already: a mail server that refuses, hangs (at most
    EMAIL_TIMEOUT seconds) or drops the connection is logged, never passed on.
    """
    try:
        return deliver_registration_email(registration_pk, kind)
    except Exception:
        log_failure(registration_pk, kind)
        return False


def log_failure(registration_pk: int, kind: str) -> None:
    """Log the error being handled: smtplib's errors, OSError for refused and timed-out
    connections, and whatever a configured backend raises."""
    logger.exception("Could not send the %s e-mail about registration %s", kind, registration_pk)

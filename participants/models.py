"""People, their registrations for workshops, and their attendance at sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from config.constraints import FieldCheckConstraint, FieldUniqueConstraint
from config.tokens import new_token
from events.models import Agency, Session, Workshop


class Participant(models.Model):
    """One person, known by their e-mail address, across every workshop they take part in.

    Only the identity lives here: what someone tells for a workshop (names, gender, agency,
    position, region, phone, language) is kept on that :class:`Registration` and seen only by
    that workshop's organisers. Another workshop's import or form never reads or changes it.
    The identity serves the duplicate check, the waiting list, "unique people trained" and the
    person's own view of their workshops, which goes only to the address itself, by e-mail.
    """

    email = models.EmailField(_("e-mail"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["email", "pk"]
        constraints = [
            # One person, one row: e-mail identifies a person, whatever its case.
            FieldUniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="participant_email_unique_ci",
                violation_error_field="email",
                violation_error_code="unique",
                violation_error_message=_(
                    "Another participant already has this e-mail address "
                    "(capital and small letters count as the same)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.email or _("participant without e-mail #%(pk)s") % {"pk": self.pk}


# The waiting list's order: who joined it first, then (joined at the same moment) the
# earlier registration. ``waiting`` lists it in this order, ``ahead_of`` asks it as a
# condition; nothing else spells it out.
WAITING_ORDER = ("waitlisted_at", "pk")


def holds_a_seat(relation: str = "") -> Q:
    """The condition on registrations (reached through ``relation``, if any) of holding a
    seat: a status among ``Registration.SEAT_HOLDING_STATUSES``."""
    prefix = f"{relation}__" if relation else ""
    return Q(**{f"{prefix}status__in": Registration.SEAT_HOLDING_STATUSES})


def seat_counts(relation: str = "") -> dict[str, Count]:
    """Seats taken (``holds_a_seat``) and people waiting, as expressions to ``aggregate``
    over registrations (``relation`` empty) or to ``annotate`` on rows that reach them
    through ``relation`` (``"registrations"`` on workshops). The one count of seats."""
    prefix = f"{relation}__" if relation else ""
    counted = relation or "pk"
    return {
        "confirmed": Count(counted, filter=holds_a_seat(relation)),
        "waitlisted": Count(
            counted, filter=Q(**{f"{prefix}status": Registration.Status.WAITLISTED})
        ),
    }


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(holds_a_seat())

    def waiting(self):
        """The waiting list, first to be promoted first."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by(*WAITING_ORDER)

    def ahead_of(self, waitlisted_at, pk):
        """The rows ahead in the queue of one that joined at ``waitlisted_at`` with ``pk``
        (values or ``OuterRef``s): ``WAITING_ORDER`` as a condition."""
        return self.filter(
            Q(waitlisted_at__lt=waitlisted_at) | Q(waitlisted_at=waitlisted_at, pk__lt=pk)
        )

    def seat_figures(self) -> dict[str, int]:
        """{"confirmed": n, "waitlisted": n} of these rows: one aggregate query."""
        return self.aggregate(**seat_counts())


class Registration(models.Model):
    """A participant in a workshop, with what they told for it. Only confirmed ones take a seat.

    The personal details are this workshop's record of the person: its organisers see and
    correct them; nothing another workshop holds is shown or changed through them.
    """

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        PUBLIC = "public", _("Public registration form")
        ORGANISER = "organiser", _("Added by an organiser")
        IMPORT = "import", _("Nominations import")
        API = "api", _("API")
        DEMO = "demo", _("Sample data")

    # Which registrations hold a seat (count against the capacity): the one rule of seat
    # counting, read by ``holds_a_seat`` and so by ``holding_seats``, ``seat_counts``, the
    # roster's counts, the admin's column, and (as a parameter) the dashboards' SQL.
    SEAT_HOLDING_STATUSES = (Status.CONFIRMED,)

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name (English / Latin script)"), max_length=255)
    name_local = models.CharField(_("name (local script)"), max_length=255, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.UNDISCLOSED
    )
    # PROTECT: the figures funders receive count people by agency; an agency in use is
    # merged or kept, never deleted from under its registrations.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    agency_name = models.CharField(_("agency (if not in the list)"), max_length=255, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Whether the person ended the registration themselves (their page): only then may they
    # reopen it from the public form; an organiser's cancellation stands.
    cancelled_by_participant = models.BooleanField(default=False, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    nominated_by = models.ForeignKey(
        Agency,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    # The secret of the personal link; replacing it revokes the old link.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The secret of this registration's calendar feed (this workshop's sessions only).
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["workshop", "created_at", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["workshop", "participant"],
                name="registration_unique_per_workshop",
                violation_error_field="participant",
                violation_error_code="unique",
                violation_error_message=_(
                    "This participant is already registered for this workshop."
                ),
            ),
            FieldCheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_position",
                violation_error_field="waitlisted_at",
                violation_error_code="waitlisted_without_time",
                violation_error_message=_(
                    "A registration on the waiting list needs the time it joined the list."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "status"], name="registration_status_idx"),
        ]

    def __str__(self) -> str:
        # Reads the workshop (and the person if unnamed): lists select_related them.
        return _("%(name)s for %(workshop)s (%(status)s)") % {
            "name": self.name or self.participant,
            "workshop": self.workshop,
            "status": self.get_status_display().lower(),
        }

    @property
    def agency_label(self) -> str:
        """The agency as chosen or as typed; reads ``agency``, so select_related it."""
        return str(self.agency) if self.agency_id else self.agency_name


class Attendance(models.Model):
    """Whether a registered participant was at a session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        ordering = ["session", "registration"]
        constraints = [
            FieldUniqueConstraint(
                fields=["registration", "session"],
                name="attendance_unique_per_registration_session",
                violation_error_field="session",
                violation_error_code="unique",
                violation_error_message=_(
                    "Attendance at this session is already recorded for this registration."
                ),
            ),
        ]

    def __str__(self) -> str:
        # Reads the registration and the session: lists select_related them.
        return _("%(name)s at %(session)s: %(status)s") % {
            "name": self.registration.name or self.registration.participant,
            "session": self.session,
            "status": self.get_status_display().lower(),
        }

    @property
    def counts_as_attended(self) -> bool:
        return self.status in (self.Status.PRESENT, self.Status.LATE)

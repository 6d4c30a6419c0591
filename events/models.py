"""Agencies, workshops and their timetables.

Rules that the database can hold are named constraints here; the rules it cannot hold (a
session inside its workshop's dates, no trainer or room in two places at once) live in
``events.clashes`` and are called by forms, the admin and the API alike.
"""

import re
import uuid
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from config.constraints import FieldCheckConstraint, FieldUniqueConstraint
from config.tokens import new_token
from events.timezones import validate_timezone  # also named by migration 0001

# The one wording of the rule the database holds as ``session_ends_after_start``, for every
# form, import and service that checks it first.
SESSION_ENDS_AFTER_START = _("A session must end after it starts.")


class Agency(models.Model):
    """A ministry, a provincial department, a UN office, an NGO, a university."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        UN = "un", _("United Nations")
        INTERNATIONAL = "international", _("International organisation")
        NGO = "ngo", _("Non-governmental organisation")
        ACADEMIC = "academic", _("Academic or research")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        INTERNATIONAL = "international", _("International")
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        LOCAL = "local", _("Local")

    name = models.CharField(_("name (English)"), max_length=255, unique=True)
    name_local = models.CharField(_("name (local script)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.NATIONAL
    )
    region = models.CharField(
        _("region"), max_length=120, blank=True, help_text=_("Province, state or region.")
    )
    country = models.CharField(_("country"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    # Cached pages that show an agency's name (the public timetable's trainers) hold this in
    # their key (events.queries.timetable_version), so a rename shows at once.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            FieldCheckConstraint(
                condition=~Q(parent=F("pk")),
                name="agency_not_own_parent",
                violation_error_field="parent",
                violation_error_code="own_parent",
                violation_error_message=_("An agency cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.acronym)

    @staticmethod
    def label(name: str, acronym: str) -> str:
        """How an agency is named in lists: with its acronym, if it has one (also for rows
        read with ``.values()``, which have no instance)."""
        return f"{name} ({acronym})" if acronym else name

    def clean(self) -> None:
        # A cycle longer than one (A -> B -> A) is beyond a check constraint; walk up.
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An agency cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Programme(models.Model):
    """A series of workshops reported on together, usually under one funding agreement."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    name_local = models.CharField(_("name (local script)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def organised_by(self, user):
        """The workshops ``user`` may plan: all for a superuser, else those they organise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(organisers=user)

    def public(self):
        """Workshops anyone may see: published, and the later states of a published one."""
        return self.filter(
            status__in=[
                Workshop.Status.PUBLISHED,
                Workshop.Status.CLOSED,
                Workshop.Status.COMPLETED,
            ]
        )


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Registration closed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title (English)"), max_length=255)
    title_local = models.CharField(_("title (local script)"), max_length=255, blank=True)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("IANA name, for example Asia/Shanghai."),
    )
    # Each place and text has a twin in the local script, so that the report can be
    # written in either language from the same workshop.
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    venue_local = models.CharField(_("venue (local script)"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    city_local = models.CharField(_("city (local script)"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    region_local = models.CharField(_("region (local script)"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=120, blank=True)
    country_local = models.CharField(_("country (local script)"), max_length=120, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    objectives_local = models.TextField(_("objectives (local script)"), blank=True)
    narrative = models.TextField(
        _("narrative for the report"),
        blank=True,
        help_text=_("What happened, what was discussed and concluded, in the organisers' words."),
    )
    narrative_local = models.TextField(
        _("narrative for the report (local script)"),
        blank=True,
        help_text=_("The same narrative in the local script, for the report in that language."),
    )
    language = models.CharField(
        _("main language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("An organiser confirms each registration before the seat is taken."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_workshops",
    )
    agencies = models.ManyToManyField(
        Agency, through="WorkshopAgency", related_name="workshops", blank=True
    )
    summary_provided_by = models.ForeignKey(
        Agency,
        verbose_name=_("report provided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary_date = models.DateField(_("report date"), null=True, blank=True)
    # Who completed the workshop (certificates, the register): see participants.attendance.
    completion_share = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"),
        default=80,
        help_text=_(
            "The share of the sessions held that a participant must attend, present or late, "
            "to complete the workshop and receive a certificate."
        ),
    )
    # How long participants' contact data is kept (privacy.services.purge_personal_data).
    retention_months = models.PositiveSmallIntegerField(
        _("keep contact data for (months after the last day)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "After this many months from the workshop's last day, participants' e-mail "
            "addresses and phone numbers are deleted; names and figures stay for the reports."
        ),
    )
    personal_data_purged_at = models.DateTimeField(
        _("contact data deleted"), null=True, blank=True, editable=False
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Generated for demonstration.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Grows whenever anything its calendar feeds show changes (events.calendar_versions):
    # a polling client's ETag is answered from it without reading the sessions.
    calendar_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start_date", "title"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="workshop_ends_on_or_after_start",
                violation_error_field="end_date",
                violation_error_code="ends_before_start",
                violation_error_message=_("The last day cannot come before the first day."),
            ),
            FieldCheckConstraint(
                condition=Q(capacity__gt=0),
                name="workshop_capacity_positive",
                violation_error_field="capacity",
                violation_error_code="capacity_not_positive",
                violation_error_message=_("The capacity must be at least one seat."),
            ),
            FieldCheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="workshop_registration_closes_after_opens",
                violation_error_field="registration_closes_at",
                violation_error_code="closes_before_opens",
                violation_error_message=_("Registration must close after it opens."),
            ),
            FieldCheckConstraint(
                condition=Q(completion_share__lte=100),
                name="workshop_completion_share_at_most_100",
                violation_error_field="completion_share",
                violation_error_code="share_above_100",
                violation_error_message=_(
                    "The attendance needed to complete is a percentage: at most 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Workshop, edition_slug_text(self.title, self.start_date))
        super().save(*args, **kwargs)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def days(self) -> list:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=n) for n in range(count)]

    @property
    def starts_at(self) -> datetime:
        """The first moment of the first day, in the workshop's time zone."""
        return datetime.combine(self.start_date, time.min, tzinfo=self.tz)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the last day, in the workshop's time zone."""
        return datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=self.tz)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    class SelfRegistration(models.TextChoices):
        """Whether people may register themselves now, and if not, why."""

        OPEN = "open", _("Registration open")
        NOT_YET = "not_yet", _("Registration not open yet")
        CLOSED = "closed", _("Registration closed")
        NOT_OPEN = "not_open", _("Not open for registration")
        CANCELLED = "cancelled", _("Cancelled")

    def self_registration(self, now: datetime) -> "Workshop.SelfRegistration":
        """The one rule for whether the public form takes registrations at ``now``: published,
        inside the registration window. Used by the registration service and the home page."""
        state = self.SelfRegistration
        if self.status == self.Status.CANCELLED:
            return state.CANCELLED
        if self.status != self.Status.PUBLISHED:
            return state.CLOSED if self.status == self.Status.CLOSED else state.NOT_OPEN
        if self.registration_opens_at and now < self.registration_opens_at:
            return state.NOT_YET
        if self.registration_closes_at and now >= self.registration_closes_at:
            return state.CLOSED
        return state.OPEN


_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def edition_slug_text(title: str, start: date) -> str:
    """What a workshop's slug is made from: its title with the year of ``start``, once.

    A title that names a year already ("Workshop 2007") has it replaced, so that a copy to
    2008 becomes workshop-2008, not workshop-2007-2008.
    """
    if _YEAR.search(title):
        return _YEAR.sub(f"{start:%Y}", title)
    return f"{title} {start:%Y}"


def unique_slug(model, text: str, max_length: int = 80) -> str:
    """A slug of ``text`` that no row of ``model`` has yet (one query per collision)."""
    base = slugify(text)[: max_length - 6] or "workshop"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class WorkshopAgency(models.Model):
    """An agency's part in a workshop: it hosts it, co-organises it, funds it or attends."""

    class Role(models.TextChoices):
        HOST = "host", _("Host")
        PARTNER = "partner", _("Co-organiser / partner")
        FUNDER = "funder", _("Funder")
        ATTENDING = "attending", _("Attending")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agency_roles")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="workshop_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order in which agencies of one role are named.")
    )
    note = models.CharField(
        _("note"),
        max_length=255,
        blank=True,
        help_text=_("For example: “also sent personnel to attend”."),
    )

    class Meta:
        verbose_name = _("agency role")
        verbose_name_plural = _("agency roles")
        ordering = ["workshop", "role", "order", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["workshop", "agency", "role"],
                name="workshop_agency_role_unique",
                violation_error_field="agency",
                violation_error_code="unique",
                violation_error_message=_("This agency already has this role in the workshop."),
            ),
        ]

    def __str__(self) -> str:
        # Reads the agency and the workshop: lists select_related them (admin, audit trail).
        return _("%(agency)s, %(role)s of %(workshop)s") % {
            "agency": self.agency,
            "role": self.get_role_display().lower(),
            "workshop": self.workshop,
        }


class AgencyMember(models.Model):
    """Ties a user account to an agency: a funder's staff see what their agency funds."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_membership"
    )
    # PROTECT: deleting an agency must not silently take its funders' access with it.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = _("agency member")
        verbose_name_plural = _("agency members")

    def __str__(self) -> str:
        return _("%(user)s at %(agency)s") % {"user": self.user, "agency": self.agency}


class Trainer(models.Model):
    """A person who teaches sessions, in any number of workshops."""

    name = models.CharField(_("name (English)"), max_length=255)
    name_local = models.CharField(_("name (local script)"), max_length=255, blank=True)
    honorific = models.CharField(
        _("honorific"), max_length=40, blank=True, help_text=_("Prof., Dr., Ms., Mr.")
    )
    position = models.CharField(
        _("position"),
        max_length=255,
        blank=True,
        help_text=_("Deputy Director-General, researcher"),
    )
    # PROTECT: an agency someone teaches for is in use; deleting it is refused, not blanked.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainers",
    )
    bio = models.TextField(_("biography"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Who added the record: they may change it, see its contacts and its calendar link, as
    # may the organisers of a workshop the trainer teaches (events.queries.trainers_managed_by).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="trainers_created",
    )
    # Timetables name trainers, rooms and topics: a change to one must renew cached pages.
    updated_at = models.DateTimeField(auto_now=True)
    # Grows whenever anything this trainer's calendar feed shows changes (events.calendar_versions):
    # a polling client's ETag is answered from it without reading the sessions.
    calendar_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.honorific} {self.name}".strip()


class Room(models.Model):
    name = models.CharField(_("name"), max_length=120)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue", "name"]
        constraints = [
            FieldUniqueConstraint(
                fields=["venue", "name"],
                name="room_unique_per_venue",
                violation_error_field="name",
                violation_error_code="unique",
                violation_error_message=_("This venue already has a room of this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.venue}" if self.venue else self.name


class Topic(models.Model):
    name = models.CharField(_("name (English)"), max_length=255, unique=True)
    name_local = models.CharField(_("name (local script)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def new_session_uid() -> str:
    return f"{uuid.uuid4()}@workshops"


class Session(models.Model):
    """A block of a workshop's timetable."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        DISCUSSION = "discussion", _("Discussion")
        GROUP_WORK = "group_work", _("Group work")
        CASE_STUDY = "case_study", _("Case study")
        FIELD_VISIT = "field_visit", _("Field visit")
        CEREMONY = "ceremony", _("Ceremony")
        BREAK = "break", _("Break")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    # A change to any of these moves the session in people's calendars: SEQUENCE must grow.
    CALENDAR_FIELDS = ("starts_at", "ends_at", "room_id", "status")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title (English)"), max_length=255)
    title_local = models.CharField(_("title (local script)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LECTURE)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    trainers = models.ManyToManyField(
        Trainer, verbose_name=_("trainers"), blank=True, related_name="sessions"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="sessions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    is_mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("A participant who misses it does not complete the workshop."),
    )
    uid = models.CharField(
        _("calendar UID"),
        max_length=255,
        default=new_session_uid,
        help_text=_("Never changes, so that calendars recognise the session after an edit."),
    )
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "ends_at", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_field="ends_at",
                violation_error_code="ends_before_start",
                violation_error_message=SESSION_ENDS_AFTER_START,
            ),
            FieldUniqueConstraint(
                fields=["workshop", "uid"],
                name="session_uid_unique_per_workshop",
                violation_error_field="uid",
                violation_error_code="unique",
                violation_error_message=_(
                    "Another session of this workshop already has this calendar UID."
                ),
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="session_time_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self._moved_since_loaded():
            self.sequence += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sequence", "updated_at"}
        super().save(*args, **kwargs)
        self._calendar_snapshot = self._calendar_state()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what calendars last saw, so save() can tell a move from a retitle.
        instance._calendar_snapshot = instance._calendar_state()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        snapshot = getattr(self, "_calendar_snapshot", None)
        if snapshot is None:
            return
        # What was just read is what calendars have seen; a deferred field loads this way.
        state = self._calendar_state()
        if fields is None:
            self._calendar_snapshot = state
        else:
            names = {"room_id" if name == "room" else name for name in fields}
            snapshot.update({name: state[name] for name in names & state.keys()})

    def _calendar_state(self) -> dict:
        # Loaded values only: reading a deferred field (``only()``, the deletion collector)
        # would query once per row, and recurse through from_db.
        return {name: self.__dict__[name] for name in self.CALENDAR_FIELDS if name in self.__dict__}

    def _moved_since_loaded(self) -> bool:
        snapshot = getattr(self, "_calendar_snapshot", None)
        if snapshot is None:
            return False
        state = self._calendar_state()
        # A field deferred at load and set since is unknown: count it as a move, since a
        # calendar that misses a move is worse than one that refreshes for nothing.
        return state.keys() != snapshot.keys() or state != snapshot

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def clean(self) -> None:
        from events.clashes import session_time_problems

        # The workshop may be unsaved (added with its sessions in one form) or, when its own
        # form has errors, without dates: check against it as it stands, if it can be.
        workshop = self.workshop if self.workshop_id or Session.workshop.is_cached(self) else None
        if workshop is not None and not (workshop.start_date and workshop.end_date):
            workshop = None
        if self.starts_at and self.ends_at:
            problems = session_time_problems(workshop, self.starts_at, self.ends_at)
            if problems:
                raise ValidationError(problems)

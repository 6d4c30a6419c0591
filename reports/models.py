"""The records documents need: a certificate of attendance, so that anyone holding one can
check it is genuine, and an organiser can revoke it; a workshop's post-event report (the
organiser's text), the links it is shared by, and who was sent it."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.constraints import FieldCheckConstraint, FieldUniqueConstraint
from events.models import Workshop
from participants.models import Registration


class Certificate(models.Model):
    """A certificate issued to a registration that completed its workshop.

    The name is kept as printed, so the verification page says what the paper says even if
    the registration is edited later (a corrected name is a new certificate: revoke, issue).
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=20)
    name = models.CharField(_("name as printed"), max_length=255)
    name_local = models.CharField(_("name as printed (local script)"), max_length=255, blank=True)
    time_attended = models.DurationField(_("time attended"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["registration__workshop", "name", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["code"],
                name="certificate_code_unique",
                violation_error_field="code",
                violation_error_code="unique",
                violation_error_message=_("Another certificate already has this code."),
            ),
            # At most one certificate in force per registration; revoked ones stay on record.
            FieldUniqueConstraint(
                fields=["registration"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_registration",
                violation_error_field="registration",
                violation_error_code="unique",
                violation_error_message=_(
                    "This registration already has a certificate that is not revoked."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DocumentBuild(models.Model):
    """A document built by the worker, for documents too large to build inside a request
    (a whole workshop's register, certificates or badges): asked for through the API, built by
    ``reports.tasks.build_document``, then downloaded by whoever may see the workshop's
    documents."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILT = "built", _("Built")
        FAILED = "failed", _("Failed")

    workshop = models.ForeignKey(
        "events.Workshop", on_delete=models.CASCADE, related_name="document_builds"
    )
    kind = models.CharField(_("document"), max_length=40)
    format = models.CharField(_("format"), max_length=10)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    content = models.BinaryField(default=b"")
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)

    class Meta:
        verbose_name = _("document build")
        verbose_name_plural = _("document builds")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format}"


# The report's own sections, each in English and in the local script (``<name>_local``).
REPORT_SECTIONS = ("objectives", "discussions", "conclusions", "recommendations")


class Report(models.Model):
    """A workshop's post-event report: the organiser's text around the figures.

    ``overview`` is drafted from the data (``reports.report.draft_overview``) and rewritten
    by the organiser; the sections are theirs. Everything else the PDF says is computed when
    it is built. ``version`` counts publications: a corrected report is published again.
    """

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="report")
    overview = models.TextField(_("overview (English)"), blank=True)
    overview_local = models.TextField(_("overview (Chinese)"), blank=True)
    objectives = models.TextField(_("objectives (English)"), blank=True)
    objectives_local = models.TextField(_("objectives (Chinese)"), blank=True)
    discussions = models.TextField(_("discussions (English)"), blank=True)
    discussions_local = models.TextField(_("discussions (Chinese)"), blank=True)
    conclusions = models.TextField(_("conclusions (English)"), blank=True)
    conclusions_local = models.TextField(_("conclusions (Chinese)"), blank=True)
    recommendations = models.TextField(_("recommendations (English)"), blank=True)
    recommendations_local = models.TextField(_("recommendations (Chinese)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("post-event report")
        verbose_name_plural = _("post-event reports")

    def __str__(self) -> str:
        return _("Report on %(workshop)s, version %(version)s") % {
            "workshop": self.workshop,
            "version": self.version,
        }

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def text(self, name: str, language: str) -> str:
        """Section ``name`` in ``language``: the Chinese text for Chinese, else the English;
        either when only one is given."""
        english, local = getattr(self, name), getattr(self, f"{name}_local")
        if language.startswith("zh"):
            return local or english
        return english or local


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReportLink(models.Model):
    """A link to a workshop's report that expires and can be revoked.

    Only the token's SHA-256 is stored: the link itself is shown once (to the organiser who
    makes it, or in the e-mail it is sent by) and cannot be read back from the database.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, editable=False)
    label = models.CharField(
        _("for"), max_length=255, blank=True, help_text=_("Who the link is for.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("shared report link")
        verbose_name_plural = _("shared report links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["token_hash"],
                name="report_link_token_unique",
                violation_error_field="token_hash",
                violation_error_code="unique",
                violation_error_message=_("Another link has this token."),
            ),
        ]

    def __str__(self) -> str:
        return self.label or _("Shared link to the report on %(workshop)s, until %(day)s") % {
            "workshop": self.report.workshop,
            "day": date_format(self.expires_at, "DATE_FORMAT"),
        }

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ReportDelivery(models.Model):
    """One e-mail of a report's link to one address: who was sent what, and when."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="deliveries")
    version = models.PositiveIntegerField(_("version"))
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    link = models.ForeignKey(
        ReportLink, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    is_correction = models.BooleanField(_("corrected version"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        ordering = ["-queued_at", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(version__gte=1),
                name="report_delivery_version_positive",
                violation_error_field="version",
                violation_error_code="version",
                violation_error_message=_("Only a published version can be sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} v{self.version}"

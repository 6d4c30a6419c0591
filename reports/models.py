"""The one record a document needs: a certificate of attendance, so that anyone holding one
can check it is genuine, and an organiser can revoke it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.constraints import FieldUniqueConstraint
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

"""Certificates of attendance: who gets one, issuing, revoking, and verifying a code.

The rules:

- A certificate is issued only to a confirmed registration that completed its workshop
  (``participants.attendance.completion``, the one definition), once the workshop is
  completed (its status) or its last day is over.
- One certificate in force per registration; issuing again returns it. Revoking keeps it on
  record (the verification page says it was revoked); a new one may be issued afterwards,
  with a new code.
- A code is 12 characters of the check-in codes' unambiguous alphabet, random (not derived),
  so it reveals nothing; the verification page shows only the name, the workshop and its
  dates.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Workshop
from participants.attendance import CODE_ALPHABET, completion
from participants.models import Registration
from reports.models import Certificate

CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[n : n + 4] for n in range(0, len(code), 4))


def normalise_code(typed: str) -> str:
    text = (typed or "").upper().replace("O", "0").replace("I", "1")
    return "".join(char for char in text if char in CODE_ALPHABET)


def certificates_open(workshop: Workshop, *, now=None) -> bool:
    """Whether certificates can be issued: the workshop is completed or its days are over."""
    if workshop.status == Workshop.Status.CANCELLED:
        return False
    if workshop.status == Workshop.Status.COMPLETED:
        return True
    return (now or timezone.now()) >= workshop.ends_at


def eligible(workshop: Workshop, *, now=None):
    """Completed registrations of ``workshop`` with their time attended (``completion``)."""
    return completion(workshop, now=now).filter(completed=True).select_related("agency")


@transaction.atomic
def issue_certificates(workshop: Workshop, *, now=None) -> list[Certificate]:
    """The certificates in force of everyone who completed ``workshop``, issuing the missing
    ones; in the order of the register (agency, then name). Queries: the eligible people,
    their certificates in force, one INSERT of the new ones, and the final read."""
    if not certificates_open(workshop, now=now):
        return []
    people = list(eligible(workshop, now=now))
    existing = set(
        Certificate.objects.filter(
            registration__in=[person.pk for person in people], revoked_at__isnull=True
        ).values_list("registration_id", flat=True)
    )
    new = [
        Certificate(
            registration=person,
            code=new_code(),
            name=person.name,
            name_local=person.name_local,
            time_attended=person.time_attended or timedelta(0),
        )
        for person in people
        if person.pk not in existing
    ]
    Certificate.objects.bulk_create(new)
    return list(
        Certificate.objects.filter(
            registration__in=[person.pk for person in people], revoked_at__isnull=True
        )
        .select_related("registration__agency", "registration__workshop")
        .order_by("registration__agency__name", "registration__agency_name", "name", "pk")
    )


def certificate_for(registration: Registration, *, now=None) -> Certificate | None:
    """``registration``'s certificate in force, issued now if they completed; else None."""
    workshop = registration.workshop
    if registration.status != Registration.Status.CONFIRMED or not certificates_open(
        workshop, now=now
    ):
        return None
    current = Certificate.objects.filter(registration=registration, revoked_at__isnull=True)
    found = current.select_related("registration__workshop").first()
    if found:
        return found
    person = eligible(workshop, now=now).filter(pk=registration.pk).first()
    if person is None:
        return None
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                registration=registration,
                code=new_code(),
                name=person.name,
                name_local=person.name_local,
                time_attended=person.time_attended or timedelta(0),
            )
    except IntegrityError:
        # Issued at the same moment by another request: that one stands.
        return current.select_related("registration__workshop").first()


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str = "") -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = by if getattr(by, "pk", None) else None
        certificate.revocation_reason = reason[:255]
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say about a code: found or not, revoked or
    not, and only the name, the workshop and its dates."""

    found: bool
    revoked: bool = False
    revoked_at: object = None
    name: str = ""
    name_local: str = ""
    workshop_title: str = ""
    workshop_title_local: str = ""
    start_date: object = None
    end_date: object = None


def verify(typed: str) -> Verification:
    """The ``Verification`` of the code ``typed`` (one query)."""
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return Verification(found=False)
    certificate = (
        Certificate.objects.filter(code=code).select_related("registration__workshop").first()
    )
    if certificate is None:
        return Verification(found=False)
    workshop = certificate.registration.workshop
    return Verification(
        found=True,
        revoked=certificate.is_revoked,
        revoked_at=certificate.revoked_at,
        name=certificate.name,
        name_local=certificate.name_local,
        workshop_title=workshop.title,
        workshop_title_local=workshop.title_local,
        start_date=workshop.start_date,
        end_date=workshop.end_date,
    )

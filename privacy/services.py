"""Personal data, in one place: what is held about a person, erasing them, retention.

- ``personal_data(registration)``: everything one registration holds about its person, for
  their own download (JSON or a page): their details, attendance, their *named* answers
  (knowledge tests and questionnaires that are not anonymous), certificates, and which
  anonymous questionnaires they answered. Anonymous answers are never included: nothing
  ties them to anyone (feedback/anonymity.py), and this must not start to.
- ``erase_registration``: an organiser erases a person from their workshop. The name
  becomes a pseudonym, contact data (e-mail, phone) and the other free-text details are
  blanked, the personal links are replaced (the old ones stop working), certificates are
  revoked and their printed name replaced, and the audit trail's records of the person keep
  no trace of who they were. What the reports count stays: status, gender, agency, region,
  attendance and answers, so every figure is the same after as before.
- ``purge_personal_data``: once a workshop's ``retention_months`` have passed since its last
  day, its participants' contact data is deleted (e-mail addresses no other workshop still
  keeps, phone numbers), for ``manage.py purge_personal_data`` from a daily timer.
"""

from dataclasses import dataclass
from datetime import date, datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record_update
from config.tokens import new_token
from events.models import Workshop
from participants.models import Attendance, Participant, Registration

ERASED = "[erased]"
# Details that say who someone is or how to reach them: blanked on erasure.
IDENTIFYING_FIELDS = ("name_local", "position", "phone", "agency_name")
# Fields the audit trail's records of an erased person lose. "participant" too: the history
# pages name a recorded identity by its address, which an identity another workshop still
# has keeps.
AUDIT_REDACTED_FIELDS = (
    "name",
    "name_local",
    "position",
    "phone",
    "agency_name",
    "email",
    "participant",
)


def pseudonym(registration: Registration) -> str:
    """The name an erased registration keeps: stable, and telling nothing of the person.

    Stored, so written in the site's own language whatever language the page that erased
    it was in: the same registration always has the same pseudonym (``is_erased`` compares).
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased participant %(number)s") % {"number": registration.pk}


def is_erased(registration: Registration) -> bool:
    return registration.name == pseudonym(registration) and not registration.participant.email


# --- What is held ------------------------------------------------------------------------


def personal_data(registration: Registration) -> dict:
    """Everything this registration holds about its person, as JSON-ready values.

    Queries: attendance with sessions; named responses with their answers, questions and
    choices (two); anonymous questionnaires answered; certificates.
    """
    from feedback.models import Answer, Response, Submission

    workshop = registration.workshop
    participant = registration.participant
    attendance = (
        Attendance.objects.filter(registration=registration)
        .select_related("session")
        .order_by("session__starts_at", "session__pk")
    )
    responses = (
        Response.objects.filter(registration=registration)
        .select_related("questionnaire")
        .prefetch_related(
            _prefetch_answers(Answer),
        )
        .order_by("submitted_on", "questionnaire__pk")
    )
    named = {response.questionnaire_id for response in responses}
    anonymous = (
        Submission.objects.filter(registration=registration)
        .exclude(questionnaire__in=named)
        .select_related("questionnaire")
        .order_by("submitted_at")
    )
    return {
        "workshop": {
            "title": workshop.title,
            "title_local": workshop.title_local,
            "first_day": workshop.start_date.isoformat(),
            "last_day": workshop.end_date.isoformat(),
            "contact_data_kept_until": retention_end(workshop).isoformat(),
        },
        "registration": {
            "email": participant.email,
            "name": registration.name,
            "name_local": registration.name_local,
            "gender": registration.gender,
            "agency": str(registration.agency) if registration.agency_id else "",
            "agency_name": registration.agency_name,
            "position": registration.position,
            "region": registration.region,
            "phone": registration.phone,
            "preferred_language": registration.preferred_language,
            "status": registration.status,
            "source": registration.source,
            "registered_at": registration.created_at.isoformat(),
            "status_changed_at": registration.status_changed_at.isoformat(),
        },
        "attendance": [
            {
                "session": mark.session.title,
                "starts_at": mark.session.starts_at.isoformat(),
                "status": mark.status,
                "note": mark.note,
                "recorded_at": mark.recorded_at.isoformat(),
            }
            for mark in attendance
        ],
        "answers": [
            {
                "questionnaire": response.questionnaire.title,
                "kind": response.questionnaire.kind,
                "submitted_on": response.submitted_on.isoformat(),
                "answers": [
                    {
                        "question": answer.question.text,
                        "rating": answer.rating,
                        "choice": answer.choice.text if answer.choice_id else None,
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ],
        "answered_anonymously": [
            {
                "questionnaire": submission.questionnaire.title,
                "note": "Your answers are kept without your name; nobody can tell which they are.",
            }
            for submission in anonymous
        ],
        "certificates": [
            {
                "code": certificate.code,
                "name": certificate.name,
                "issued_at": certificate.issued_at.isoformat(),
                "revoked_at": certificate.revoked_at and certificate.revoked_at.isoformat(),
            }
            for certificate in registration.certificates.order_by("issued_at", "pk")
        ],
    }


def _prefetch_answers(Answer):
    from django.db.models import Prefetch

    return Prefetch(
        "answers",
        queryset=Answer.objects.select_related("question", "choice").order_by(
            "question__order", "question__pk", "choice__pk"
        ),
    )


# --- Erasure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    registration: Registration
    certificates_revoked: int
    audit_records_redacted: int


@transaction.atomic
def erase_registration(*, registration: Registration, by) -> Erased:
    """Erase ``registration``'s person from its workshop; keep every figure. See the module.

    The e-mail address is the person's identity across workshops: when another workshop
    still has them, this registration moves to a new identity without an address (so this
    workshop's figures stay the same; "unique people" across workshops then counts them
    twice), else the address is deleted from their identity.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    participant = registration.participant
    before = {name: getattr(registration, name) for name in ("name", *IDENTIFYING_FIELDS)}
    with disable_auditlog():
        others = participant.registrations.exclude(pk=registration.pk).exists()
        if others:
            registration.participant = Participant.objects.create(
                email="", is_sample=participant.is_sample
            )
        else:
            participant.email = ""
            participant.save(update_fields=["email", "updated_at"])
        registration.name = pseudonym(registration)
        for name in IDENTIFYING_FIELDS:
            setattr(registration, name, "")
        registration.token = new_token()
        registration.feed_token = new_token()
        registration.save()
        revoked = 0
        for certificate in registration.certificates.all():
            if certificate.revoked_at is None:
                certificate.revoked_at = timezone.now()
                certificate.revoked_by = by if getattr(by, "pk", None) else None
                certificate.revocation_reason = "Personal data erased"
                revoked += 1
            certificate.name = registration.name
            certificate.name_local = ""
            certificate.save()
    redacted = _redact_audit_trail(registration, participant)
    # The erasure itself is recorded, without the values erased.
    record_update(
        registration,
        {name: (ERASED if before[name] else "", getattr(registration, name)) for name in before}
        | {"email": (ERASED, "")},
    )
    return Erased(registration, revoked, redacted)


def _redact_audit_trail(registration: Registration, participant: Participant) -> int:
    """Blank the person's details in every audit record of the registration and identity."""
    entries = LogEntry.objects.filter(
        Q(additional_data__registration=registration.pk)
        | Q(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=registration.pk,
        )
        | Q(content_type=ContentType.objects.get_for_model(Participant), object_id=participant.pk)
    )
    # An attendance record's label names the person: relabelled with the pseudonym.
    marks = {mark.pk: str(mark) for mark in registration.attendances.select_related("session")}
    changed = []
    for entry in entries:
        changes = entry.changes or {}
        for name in AUDIT_REDACTED_FIELDS:
            if name in changes and isinstance(changes[name], list):
                changes[name] = [
                    ERASED if value not in ("", "None", None) else value for value in changes[name]
                ]
        entry.changes = changes
        entry.changes_text = ""
        entry.serialized_data = None
        if entry.content_type.model in ("registration", "participant"):
            entry.object_repr = pseudonym(registration)
        elif entry.content_type.model == "attendance":
            entry.object_repr = marks.get(entry.object_id) or pseudonym(registration)
        changed.append(entry)
    LogEntry.objects.bulk_update(
        changed, ["changes", "changes_text", "serialized_data", "object_repr"], batch_size=500
    )
    return len(changed)


# --- Retention ---------------------------------------------------------------------------


def retention_end(workshop: Workshop) -> date:
    """The day after which ``workshop``'s contact data is deleted."""
    end = workshop.end_date
    month = end.month - 1 + workshop.retention_months
    year, month = end.year + month // 12, month % 12 + 1
    # The same day of the month, or the month's last day (31 Jan + 1 month = 28/29 Feb).
    for day in (end.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Purge:
    workshop: Workshop
    kept_until: date
    registrations: int
    emails: int
    phones: int


def past_retention(now: datetime) -> list[Workshop]:
    """Workshops whose retention has run out and whose contact data is not yet deleted."""
    today = timezone.localdate(now)
    candidates = Workshop.objects.filter(
        personal_data_purged_at__isnull=True, end_date__lt=today
    ).order_by("end_date", "pk")
    return [workshop for workshop in candidates if retention_end(workshop) < today]


def _emails_to_delete(workshop: Workshop, today: date) -> QuerySet[Participant]:
    """This workshop's people with an address that no workshop still within its retention
    keeps (an address another workshop still needs stays until that one's time is up)."""
    kept = [
        other.pk
        for other in Workshop.objects.filter(personal_data_purged_at__isnull=True)
        .exclude(pk=workshop.pk)
        .only("pk", "end_date", "retention_months")
        if retention_end(other) >= today
    ]
    kept_elsewhere = Registration.objects.filter(participant=OuterRef("pk"), workshop__in=kept)
    return (
        Participant.objects.filter(registrations__workshop=workshop)
        .exclude(email="")
        .exclude(Exists(kept_elsewhere))
        .distinct()
    )


def purge_personal_data(*, now: datetime, dry_run: bool = False) -> list[Purge]:
    """Delete the contact data of every workshop past its retention; report what (would be).

    With ``dry_run`` nothing is written: the same report, of what would be deleted.
    """
    today = timezone.localdate(now)
    done = []
    for workshop in past_retention(now):
        registrations = Registration.objects.filter(workshop=workshop)
        phones = registrations.exclude(phone="")
        emails = _emails_to_delete(workshop, today)
        plan = Purge(
            workshop=workshop,
            kept_until=retention_end(workshop),
            registrations=registrations.count(),
            emails=emails.count(),
            phones=phones.count(),
        )
        done.append(plan)
        if dry_run:
            continue
        with transaction.atomic():
            # Saved one by one, so the audit trail records each deletion (value erased).
            for registration in phones.select_for_update():
                with disable_auditlog():
                    registration.phone = ""
                    registration.save(update_fields=["phone", "updated_at"])
                record_update(registration, {"phone": (ERASED, "")})
            addresses = list(emails.values_list("pk", flat=True))
            for participant in Participant.objects.filter(pk__in=addresses):
                with disable_auditlog():
                    participant.email = ""
                    participant.save(update_fields=["email", "updated_at"])
                record_update(participant, {"email": (ERASED, "")})
            _redact_contact_in_audit_trail(workshop)
            Workshop.objects.filter(pk=workshop.pk).update(personal_data_purged_at=now)
    return done


def _redact_contact_in_audit_trail(workshop: Workshop) -> None:
    entries = LogEntry.objects.filter(additional_data__workshop=workshop.pk)
    changed = []
    for entry in entries:
        changes = entry.changes or {}
        touched = False
        for name in ("phone", "email"):
            if name in changes and isinstance(changes[name], list):
                changes[name] = [
                    ERASED if v not in ("", "None", None) else v for v in changes[name]
                ]
                touched = True
        if touched:
            entry.changes = changes
            entry.serialized_data = None
            changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["changes", "serialized_data"], batch_size=500)


def _erased(value):
    return ERASED if value not in ("", "None", None) else value

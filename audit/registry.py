"""Which models the audit trail follows, and what each record is filed under.

Every change to a workshop, its sessions (with their trainers and topics), its agency roles,
trainers, people's registrations and identities, attendance, and questionnaires with their
questions and choices is recorded by django-auditlog: who (the actor), when, before and
after, and where from (``audit.context``). Secrets are never recorded (personal-link and
feed tokens).

Never followed: feedback answers, responses, sealed boxes and submissions. A record of an
answer, or of who submitted when, could tie an anonymous answer to a person; they are left
out here and a test checks that no record of them is ever written.

Each record carries ``additional_data`` = {"via": origin, "workshop": pk, "registration":
pk}, so the organisers' history pages find a workshop's records with one indexed filter.
"""

from auditlog.registry import auditlog

from audit.context import current_via

# Models whose changes must never be recorded (audit.tests check it).
NEVER_AUDITED = (
    "feedback.Answer",
    "feedback.Response",
    "feedback.SealedResponse",
    "feedback.Submission",
)


def _workshop_of(instance) -> tuple[int | None, int | None]:
    """(workshop pk, registration pk) a record of ``instance`` is filed under."""
    from events.models import Session, Workshop, WorkshopAgency
    from feedback.models import Choice, Question, Questionnaire
    from participants.models import Attendance, Registration

    if isinstance(instance, Workshop):
        return instance.pk, None
    if isinstance(instance, Session | WorkshopAgency | Questionnaire):
        return instance.workshop_id, None
    if isinstance(instance, Registration):
        return instance.workshop_id, instance.pk
    if isinstance(instance, Attendance):
        return instance.session.workshop_id, instance.registration_id
    if isinstance(instance, Question):
        return instance.questionnaire.workshop_id, None
    if isinstance(instance, Choice):
        return instance.question.questionnaire.workshop_id, None
    return None, None


def additional_data(instance) -> dict:
    workshop, registration = _workshop_of(instance)
    data = {"via": current_via()}
    if workshop is not None:
        data["workshop"] = workshop
    if registration is not None:
        data["registration"] = registration
    return data


def _get_additional_data(self) -> dict:
    return additional_data(self)


def register_models() -> None:
    from django.apps import apps

    followed = {
        # The feeds' version counters are bookkeeping, not something anyone changed.
        "events.Workshop": {"m2m_fields": {"organisers"}, "exclude_fields": ["calendar_version"]},
        "events.Session": {"m2m_fields": {"trainers", "topics"}},
        "events.WorkshopAgency": {},
        "events.Trainer": {"exclude_fields": ["feed_token", "calendar_version"]},
        "participants.Participant": {},
        "participants.Registration": {"exclude_fields": ["token", "feed_token"]},
        "participants.Attendance": {},
        "feedback.Questionnaire": {},
        "feedback.Question": {},
        "feedback.Choice": {},
    }
    for label, options in followed.items():
        model = apps.get_model(label)
        # django-auditlog asks each instance for the record's additional data through this
        # method name (its documented hook); one function for every followed model.
        model.get_additional_data = _get_additional_data
        auditlog.register(model, **options)

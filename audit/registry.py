"""Which models the audit trail follows, and what each record is filed under.

Every change to a workshop, its sessions (with their trainers and topics), its agency roles,
trainers, people's registrations and identities, attendance, and questionnaires with their
questions and choices is recorded by django-auditlog: who (the actor), when, before and
after, and where from (``audit.context``). Secrets are never recorded (personal-link and
feed tokens). Each app names its own followed models, in its ``AppConfig.ready()``, with
``follow``: the audit trail imports no domain app.

Never followed: feedback answers, responses, sealed boxes and submissions. A record of an
answer, or of who submitted when, could tie an anonymous answer to a person; the feedback
app names them with ``never_follow`` and a test checks that no record of them is ever written.

Each record carries ``additional_data`` = {"via": origin, "workshop": pk, "registration":
pk}, so the organisers' history pages find a workshop's records with one indexed filter.
"""

from collections.abc import Callable

from auditlog.registry import auditlog

from audit.context import current_via

# Models whose changes must never be recorded, as "app_label.ModelName" (tests check it).
NEVER_AUDITED: list[str] = []

# {model: its instance -> (workshop pk, registration pk) that a record is filed under}
_filed_under: dict[type, Callable] = {}
# {model: workshop -> the pks of its rows that belong in that workshop's history too}
_in_workshop_history: dict[type, Callable] = {}


def never_follow(*labels: str) -> None:
    """Models (``app_label.ModelName``) that the audit trail must never record."""
    NEVER_AUDITED.extend(label for label in labels if label not in NEVER_AUDITED)


def follow(model, *, filed_under: Callable, in_workshop_history=None, **options) -> None:
    """Record every change to ``model``.

    ``filed_under(instance)`` gives the (workshop pk, registration pk) that a record of it is
    filed under, either None. ``in_workshop_history(workshop)``, for a model filed under no
    workshop (a trainer teaches in many), gives a query of the pks whose records a
    workshop's history shows too. ``options`` go to ``auditlog.register`` (``m2m_fields``,
    ``exclude_fields``).
    """
    label = model._meta.label
    if label in NEVER_AUDITED:
        raise ValueError(f"{label} must never be audited")
    _filed_under[model] = filed_under
    if in_workshop_history is not None:
        _in_workshop_history[model] = in_workshop_history
    # django-auditlog asks each instance for the record's additional data through this
    # method name (its documented hook); one function for every followed model.
    model.get_additional_data = _get_additional_data
    # auditlog's diff takes a reverse relation (a registration's "responses") for a field and
    # records its manager's text ("feedback.Response.None"): only the model's own columns
    # and its m2m_fields say what changed.
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    options["exclude_fields"] = [*options.get("exclude_fields", ()), *reverse]
    auditlog.register(model, **options)


def in_workshop_history() -> dict[type, Callable]:
    """{model: workshop -> pks} of the followed models shown in a workshop's history."""
    return dict(_in_workshop_history)


def additional_data(instance) -> dict:
    filed_under = _filed_under.get(type(instance))
    workshop, registration = filed_under(instance) if filed_under else (None, None)
    data = {"via": current_via()}
    if workshop is not None:
        data["workshop"] = workshop
    if registration is not None:
        data["registration"] = registration
    return data


def _get_additional_data(self) -> dict:
    return additional_data(self)

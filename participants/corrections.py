"""Correcting what a registration tells about its person, in one place: the organiser's edit
page, the participant's own details page and the API all go through
:func:`correct_registration`.

The rules:

- The details corrected are this workshop's record of the person (names, gender, agency,
  position, region, phone, language): nothing another workshop holds is read or changed.
- Unlike a registration's details given again (``services._update_details``, which only
  fills in what is given), a correction sets every field to what it says: a blank clears.
- A name is required; gender and language are one of the choices offered; an agency chosen
  from the list wins over a typed one (one answer, not two that may disagree).
- Only an organiser corrects the e-mail address, which is the person's identity across
  workshops: the registration then belongs to the person with the new address (found,
  ignoring case, or made). Refused when that person is already registered for this
  workshop, and an address is never removed, only corrected (the personal link and every
  e-mail about the registration go there).
- A completed workshop's list of participants is read-only (``check_roster_editable``); a
  person cannot correct their details once their workshop is cancelled.
- An agency typed on the public form (not chosen from the list) can be mapped to a known
  agency by the workshop's organisers: every registration of that workshop that typed the
  same name (case, spaces and width aside) gets it (:func:`map_typed_agency`).
- The audit trail records each correction (django-auditlog follows ``save()``), with who
  made it and from where.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from events.duplicates import name_key
from events.models import Agency, Workshop
from participants.models import Registration
from participants.services import (
    RegistrationClosed,
    RegistrationData,
    RegistrationError,
    check_roster_editable,
    find_or_create_person,
)

# The fields a correction sets, in the order the forms show them: the details a registration
# keeps, as registering sets them.
DETAIL_FIELDS = RegistrationData.DETAIL_FIELDS
_TEXT_FIELDS = ("name", "name_local", "agency_name", "position", "region", "phone")


class CorrectionRefused(RegistrationError):
    """A rule refused the correction: ``field`` names the field, ``message`` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Corrected:
    """What :func:`correct_registration` did: the registration, and the fields it changed
    ("email" when it now belongs to another address)."""

    registration: Registration
    changed: tuple[str, ...]


def _clean(values: Mapping) -> dict:
    unknown = set(values) - {*DETAIL_FIELDS, "email"}
    if unknown:
        raise TypeError(f"Unknown registration fields: {', '.join(sorted(unknown))}")
    cleaned = {
        name: (values[name] or "").strip() if name in _TEXT_FIELDS else values[name]
        for name in values
    }
    if "name" in cleaned and not cleaned["name"]:
        raise CorrectionRefused("name", _("A name is required."))
    if "gender" in cleaned and cleaned["gender"] not in Registration.Gender.values:
        raise CorrectionRefused("gender", _("Choose one of the genders offered."))
    if "preferred_language" in cleaned and cleaned["preferred_language"] not in dict(
        settings.LANGUAGES
    ):
        raise CorrectionRefused("preferred_language", _("Choose one of the languages offered."))
    agency = cleaned.get("agency")
    if agency is not None and not isinstance(agency, Agency):
        raise CorrectionRefused("agency", _("Choose an agency from the list."))
    if agency is not None:
        cleaned["agency_name"] = ""
    return cleaned


def correct_registration(*, registration: Registration, values: Mapping, by=None) -> Corrected:
    """Set ``registration``'s details to ``values`` ({field: value}, any of DETAIL_FIELDS,
    plus "email" when ``by`` is an organiser); ``by`` None: the person on their own page.

    Raises CorrectionRefused (with the field) or RegistrationClosed. Queries: the workshop
    and the registration, locked; the person with a new address, if any; one UPDATE.
    """
    cleaned = _clean(values)
    email = cleaned.pop("email", None)
    if email is not None and by is None:
        raise CorrectionRefused(
            "email", _("Only the organisers can correct the e-mail address of a registration.")
        )
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
        check_roster_editable(workshop)
        if by is None and workshop.status == Workshop.Status.CANCELLED:
            raise RegistrationClosed(_("This workshop has been cancelled."))
        fresh = (
            Registration.objects.select_for_update()
            .select_related("participant")
            .get(pk=registration.pk)
        )
        changed = []
        for name, value in cleaned.items():
            attname = "agency_id" if name == "agency" else name
            new = value.pk if name == "agency" and value is not None else value
            if getattr(fresh, attname) != new:
                setattr(fresh, attname, new)
                changed.append(attname)
        if email is not None and email.lower() != fresh.participant.email.lower():
            fresh.participant = _new_person(fresh, email)
            changed.append("participant")
        if changed:
            fresh.save(update_fields=[*changed, "updated_at"])
    names = tuple(
        {"agency_id": "agency", "participant": "email"}.get(name, name) for name in changed
    )
    return Corrected(fresh, names)


def _new_person(registration: Registration, email: str):
    """The person the registration belongs to once its address is ``email``. In the lock."""
    email = email.strip()
    if not email:
        raise CorrectionRefused(
            "email",
            _(
                "An e-mail address cannot be removed, only corrected: the personal link and "
                "every e-mail about this registration go there."
            ),
        )
    try:
        validate_email(email)
    except ValidationError:
        raise CorrectionRefused(
            "email", _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        ) from None
    person = find_or_create_person(email)
    clash = (
        Registration.objects.filter(workshop_id=registration.workshop_id, participant=person)
        .exclude(pk=registration.pk)
        .first()
    )
    if clash is not None:
        raise CorrectionRefused(
            "email",
            _(
                "%(email)s is already registered for this workshop (%(name)s): one person, "
                "one registration."
            )
            % {"email": email, "name": clash.name},
        )
    return person


# --- Agencies typed on the public form ------------------------------------------------------


@dataclass(frozen=True)
class TypedAgency:
    """An agency name people typed (not chosen from the list), as a workshop's roster holds it."""

    text: str  # as the first of them typed it
    count: int
    suggestion: Agency | None  # a known agency with the same name (events.duplicates.name_key)


def typed_agencies(workshop: Workshop) -> list[TypedAgency]:
    """The agency names typed by ``workshop``'s registrations that chose none, grouped as
    near-duplicates compare names, most frequent first: two queries (the typed names, the
    agencies for the suggestions)."""
    groups: dict[str, list[str]] = {}
    for text in (
        Registration.objects.filter(workshop=workshop, agency__isnull=True)
        .exclude(agency_name="")
        .order_by("created_at", "pk")
        .values_list("agency_name", flat=True)
    ):
        groups.setdefault(name_key(text), []).append(text)
    if not groups:
        return []
    known: dict[str, Agency] = {}
    for agency in Agency.objects.order_by("name", "pk"):
        for name in (agency.name, agency.name_local, agency.acronym):
            known.setdefault(name_key(name), agency)
    found = [
        TypedAgency(text=texts[0], count=len(texts), suggestion=known.get(key))
        for key, texts in groups.items()
    ]
    return sorted(found, key=lambda typed: (-typed.count, typed.text.casefold()))


def map_typed_agency(*, workshop: Workshop, text: str, agency: Agency) -> int:
    """Give every registration of ``workshop`` that typed ``text`` (compared as
    near-duplicates are: case, spaces and width aside) and chose no agency the agency
    ``agency``; the typed text is then cleared. Returns how many changed.

    Refused (RegistrationClosed) for a completed workshop. Each registration is saved on
    its own, so the audit trail has a record per person. Queries: the lock, the typed
    registrations, one UPDATE each.
    """
    key = name_key(text)
    if not key:
        raise CorrectionRefused("text", _("Choose an agency name typed on the form."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        check_roster_editable(workshop)
        typed = [
            registration
            for registration in Registration.objects.select_for_update()
            .filter(workshop=workshop, agency__isnull=True)
            .exclude(agency_name="")
            if name_key(registration.agency_name) == key
        ]
        for registration in typed:
            registration.agency = agency
            registration.agency_name = ""
            registration.save(update_fields=["agency", "agency_name", "updated_at"])
    return len(typed)

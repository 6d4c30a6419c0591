"""Duplicate trainers and agencies: finding them, and merging one into another.

The rules, in one place for the pages, the admin and the API:

- Two records are near-duplicates when they share an e-mail address (trainers; ignoring
  case) or a name in either script once case, spaces and the width of characters are set
  aside (Unicode NFKC, case folding, no whitespace: "Ministry of  Public Security",
  "ministry of public security" and the same in full-width letters are one). Creating
  one warns and asks; it is never refused, since two people may share a name.
- Merging moves everything that points at the duplicate onto the record kept (sessions,
  workshop roles, registrations' agency and nominating agency, funder accounts, trainers'
  agency, child agencies, questions about a trainer, any other reference), then deletes the
  duplicate: one transaction, every moved row in the audit trail.
- A merge that would break a rule is refused, naming why: two sessions of one trainer at
  once (the clash rule then sees one person, so what it would let through today is refused
  here), an agency made its own parent.
- Who may merge: the duplicate must be one the organiser may change and used only in
  workshops they organise (:func:`trainers_mergeable_by`, :func:`agencies_mergeable_by`); a
  superuser may merge any. The record kept is any they may see (every organiser sees the
  directories).
"""

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from audit.services import record_update
from config.refusals import Refusal
from events.calendar_versions import trainers_changed
from events.clashes import Candidate, find_clashes_of_many
from events.models import Agency, Session, Trainer, Workshop, WorkshopAgency
from events.queries import trainers_managed_by


class MergeRefused(Refusal):
    """A rule refused the merge; ``field`` names the form's field, ``message`` says why."""

    default_code = "merge_refused"

    def __init__(self, message: str, field: str = "duplicate"):
        super().__init__(message, field=field)


def name_key(text: str) -> str:
    """``text`` as near-duplicates compare it: NFKC (full-width letters and digits become
    plain ones), case folded, every space removed."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


# --- Finding ------------------------------------------------------------------------------


def _keys(*names: str) -> set[str]:
    return {key for key in (name_key(name) for name in names) if key}


def near_duplicate_trainers(
    *, name: str, name_local: str = "", email: str = "", exclude: int | None = None, user=None
) -> list[Trainer]:
    """Trainers with the same name (see :func:`name_key`), or the same e-mail address among
    the trainers ``user`` manages (``trainers_managed_by``): a trainer's name is what every
    organiser sees, the address only those who work with them, so typing an address never
    tells who has it. Without ``user`` (a command, a test), every trainer's address counts.

    Two queries at most, reading every trainer's names and address: the comparison is
    Unicode's, not the database's, and a directory of trainers is thousands of rows.
    """
    keys = _keys(name, name_local)
    email = (email or "").strip().lower()
    addresses_seen = None
    if email and user is not None:
        addresses_seen = set(trainers_managed_by(user).values_list("pk", flat=True))
    found = []
    for trainer in Trainer.objects.select_related("agency").order_by("name", "pk"):
        if trainer.pk == exclude:
            continue
        same_address = (
            email
            and trainer.email.lower() == email
            and (addresses_seen is None or trainer.pk in addresses_seen)
        )
        if same_address or keys & _keys(trainer.name, trainer.name_local):
            found.append(trainer)
    return found


def near_duplicate_agencies(
    *, name: str, name_local: str = "", exclude: int | None = None
) -> list[Agency]:
    """Agencies with the same name in either script (see :func:`name_key`): one query."""
    keys = _keys(name, name_local)
    return [
        agency
        for agency in Agency.objects.order_by("name", "pk").only(
            "pk", "name", "name_local", "acronym"
        )
        if agency.pk != exclude and keys & _keys(agency.name, agency.name_local)
    ]


def duplicate_groups(records, *, by_email: bool = False) -> list[list]:
    """``records`` (already fetched) in groups of near-duplicates of two or more, each group in
    the order given; a record joins the first group it shares a key with."""
    groups: list[list] = []
    group_of: dict[str, int] = {}
    for record in records:
        keys = {f"n:{key}" for key in _keys(record.name, getattr(record, "name_local", ""))}
        if by_email and record.email:
            keys.add(f"e:{record.email.lower()}")
        index = next((group_of[key] for key in keys if key in group_of), None)
        if index is None:
            index = len(groups)
            groups.append([])
        groups[index].append(record)
        for key in keys:
            group_of.setdefault(key, index)
    return [group for group in groups if len(group) > 1]


# --- Who may merge -------------------------------------------------------------------------


def trainers_mergeable_by(user) -> QuerySet[Trainer]:
    """Trainers ``user`` may merge into another: ones they manage
    (``events.queries.trainers_managed_by``) that teach in no workshop they do not organise.
    A superuser: every trainer."""
    if not user.is_authenticated:
        return Trainer.objects.none()
    if user.is_superuser:
        return Trainer.objects.all()
    elsewhere = Session.objects.filter(trainers=OuterRef("pk")).exclude(
        workshop__in=Workshop.objects.organised_by(user)
    )
    return trainers_managed_by(user).exclude(Exists(elsewhere))


def agencies_mergeable_by(user) -> QuerySet[Agency]:
    """Agencies ``user`` may merge into another: those with no funder accounts (given in the
    admin) and no role or registration in a workshop they do not organise. A superuser: all."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    others = Workshop.objects.exclude(pk__in=Workshop.objects.organised_by(user).values("pk"))
    # Through the reverse relations (participants' registrations point here): events reads
    # them by name, never importing participants.
    used_elsewhere = (
        Q(workshop_roles__workshop__in=others)
        | Q(registrations__workshop__in=others)
        | Q(nominations__workshop__in=others)
        | Q(members__isnull=False)
    )
    return Agency.objects.exclude(pk__in=Agency.objects.filter(used_elsewhere).values("pk"))


# --- Merging -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    """What a merge did: the record kept, the duplicate's label, and how many rows moved."""

    kept: object
    duplicate_label: str
    moved: int


def _move_references(keep, duplicate) -> int:
    """Point every reference to ``duplicate`` at ``keep``, recording each row changed.

    Reads the model's relations, so a reference added later (another app's foreign key) is
    moved too without this module knowing it. One query per relation, plus one per row
    moved (its record in the trail).
    """
    moved = 0
    model = type(duplicate)
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.many_to_many:
            through = relation.through
            if not through._meta.auto_created:
                continue  # an explicit through model is moved as its own foreign key
            source = relation.field.m2m_field_name()  # e.g. "session"
            target = relation.field.m2m_reverse_field_name()  # e.g. "trainer"
            rows = list(through.objects.filter(**{target: duplicate}).select_related(source))
            already = set(
                through.objects.filter(
                    **{target: keep, f"{source}__in": [getattr(r, f"{source}_id") for r in rows]}
                ).values_list(f"{source}_id", flat=True)
            )
            for row in rows:
                owner = getattr(row, source)
                record_update(owner, {relation.field.name: (str(duplicate), str(keep))})
                if getattr(row, f"{source}_id") in already:
                    row.delete()
                else:
                    through.objects.filter(pk=row.pk).update(**{target: keep})
                moved += 1
        elif relation.one_to_many or relation.one_to_one:
            if relation.related_model._meta.auto_created:
                continue  # a many-to-many's own table: moved above, through its relation
            field = relation.field
            rows = list(field.model._default_manager.filter(**{field.name: duplicate}))
            for row in rows:
                record_update(row, {field.name: (duplicate.pk, keep.pk)})
            if rows:
                field.model._default_manager.filter(pk__in=[r.pk for r in rows]).update(
                    **{field.name: keep}
                )
            moved += len(rows)
    return moved


def _pair_to_merge(keep, duplicate, mergeable, *, same: str, out_of_reach: str):
    """``keep`` and ``duplicate`` read again under a row lock, so that nothing changes either
    while the merge decides. MergeRefused saying ``same`` when they are one record, or
    ``out_of_reach`` when the duplicate is not among those the user may merge
    (``mergeable``)."""
    if keep.pk == duplicate.pk:
        raise MergeRefused(same)
    if not mergeable.filter(pk=duplicate.pk).exists():
        raise MergeRefused(out_of_reach)
    rows = mergeable.model.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    locked = {row.pk: row for row in rows}
    return locked[keep.pk], locked[duplicate.pk]


@transaction.atomic
def merge_trainers(*, keep: Trainer, duplicate: Trainer, by) -> Merged:
    """Merge ``duplicate`` into ``keep`` and delete it. Raises MergeRefused.

    Refused when ``by`` may not merge the duplicate, when they are one record, and when one
    of the duplicate's sessions would overlap one of ``keep``'s (the person cannot be in two
    places at once: the clash rule, which saw two trainers, would see one).
    """
    # Both rows locked: nobody gives either one a session while we decide.
    keep, duplicate = _pair_to_merge(
        keep,
        duplicate,
        trainers_mergeable_by(by),
        same=_("Choose two different trainers."),
        out_of_reach=_(
            "%(trainer)s teaches in a workshop you do not organise, or was added by "
            "someone else: ask its organisers, or an administrator, to merge it."
        )
        % {"trainer": duplicate},
    )
    sessions = list(
        Session.objects.filter(trainers=duplicate)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("workshop")
    )
    found = find_clashes_of_many(
        [
            Candidate(s.starts_at, s.ends_at, None, (keep,), exclude=s, status=s.status)
            for s in sessions
        ]
    )
    clashes = [clash for clashes in found for clash in clashes]
    if clashes:
        raise MergeRefused(
            _("%(keep)s and %(duplicate)s cannot be one person: %(clash)s")
            % {
                "keep": keep,
                "duplicate": duplicate,
                "clash": clashes[0].message(),
            }
        )
    label = f"{duplicate} (#{duplicate.pk})"
    # What the kept record lacks, the duplicate fills in (never overwrites).
    filled = {
        name: (getattr(keep, name), getattr(duplicate, name))
        for name in ("name_local", "honorific", "position", "bio", "email")
        if not getattr(keep, name) and getattr(duplicate, name)
    }
    if keep.agency_id is None and duplicate.agency_id is not None:
        filled["agency"] = (None, duplicate.agency_id)
    moved = _move_references(keep, duplicate)
    for name, (_before, after) in filled.items():
        setattr(keep, "agency_id" if name == "agency" else name, after)
    # Saving counts a change of the kept trainer's feed and of every workshop it now
    # teaches in (events.calendar_versions), the sessions moved by UPDATE among them.
    keep.save()
    record_update(keep, {"merged": ("", label)})
    duplicate.delete()
    return Merged(keep, label, moved)


@transaction.atomic
def merge_agencies(*, keep: Agency, duplicate: Agency, by) -> Merged:
    """Merge ``duplicate`` into ``keep`` and delete it. Raises MergeRefused.

    Refused when ``by`` may not merge the duplicate, when they are one record, and when one
    is the other's parent (``keep`` would become its own parent). A role the duplicate has in
    a workshop where ``keep`` has the same role is dropped (one agency, one role).
    """
    keep, duplicate = _pair_to_merge(
        keep,
        duplicate,
        agencies_mergeable_by(by),
        same=_("Choose two different agencies."),
        out_of_reach=_(
            "%(agency)s is used by a workshop you do not organise or has funder accounts: "
            "ask an administrator to merge it."
        )
        % {"agency": duplicate},
    )
    if keep.parent_id == duplicate.pk or duplicate.parent_id == keep.pk:
        raise MergeRefused(
            _("%(a)s is the parent agency of %(b)s: one agency cannot be its own parent.")
            % (
                {"a": duplicate, "b": keep}
                if keep.parent_id == duplicate.pk
                else {"a": keep, "b": duplicate}
            )
        )
    label = f"{duplicate} (#{duplicate.pk})"
    # One agency, one role per workshop: the duplicate's copy of a role keep has goes.
    same_roles = WorkshopAgency.objects.filter(
        agency=duplicate,
        role__in=WorkshopAgency.objects.filter(agency=keep, workshop=OuterRef("workshop")).values(
            "role"
        ),
    )
    for role in same_roles:
        role.delete()
    moved = _move_references(keep, duplicate)
    filled = {
        name: getattr(duplicate, name)
        for name in ("name_local", "acronym", "region", "country", "website")
        if not getattr(keep, name) and getattr(duplicate, name)
    }
    for name, value in filled.items():
        setattr(keep, name, value)
    # Saved even with nothing filled: its change time is the timetable's version of the
    # trainers moved here by UPDATE (events.queries.timetable_version reads their agencies').
    keep.save()
    # The trainers moved here by UPDATE now show this agency's name in their feeds.
    trainers_changed(Trainer.objects.filter(agency=keep).values("pk"))
    record_update(keep, {"merged": ("", label)})
    duplicate.delete()
    return Merged(keep, label, moved)

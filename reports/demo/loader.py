"""Writing the demo: each row found by its natural key and written only if it differs.

Every row a person writes goes through the services their page, the admin or the API calls,
so that a rule added there stops the demo too (tests/test_one_write_path.py): the accounts
and the funder's agency, the agencies, topics, rooms and trainers, the workshops with their
organisers, agencies' roles and timetables, the registrations and the organisers' decisions,
the registers, the questionnaires, their questions and the answers, and the report's
publication. Written here directly, because nobody's page writes them: the sample marks
(``is_sample`` of the workshops and participants, the system's mark of generated data), and
the history the services would date today (when each registration was made and last
changed, when each mark was taken), dated as in 2007.

Agencies by name, the workshop by slug, participants by e-mail, sessions by calendar UID,
registrations by participant, attendance by registration and session; the sample answers
are given through ``feedback.services.submit_response``, once per person (the Submission
says who has answered). A second run therefore writes nothing (not even ``updated_at`` moves),
and a run after someone changed a demo row puts the demo's value back (a report published
again since is published once more on the demo's date: a new version, as any correction).
Rows the demo does not know about are left alone. The whole load is one transaction.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction
from django.db.models import Model, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from events import services as timetable
from events.models import (
    Agency,
    AgencyMember,
    Room,
    Session,
    Topic,
    Trainer,
    Workshop,
    WorkshopAgency,
)
from feedback import services as questionnaires
from feedback.anonymity import flush
from feedback.models import Answer, Choice, Question, Questionnaire, Response, Submission
from feedback.services import QuestionData, submit_response
from participants import services as registrations_service
from participants.attendance import Entry, clear_attendance, record_register
from participants.models import Attendance, Participant, Registration
from participants.services import RegistrationData
from reports import services as report_services
from reports.demo.plan import build_plan
from reports.demo.reference import (
    AGENCIES,
    ROLES,
    SLUG,
    SUMMARY_PROVIDED_BY,
    TOPICS,
    TRAINERS,
    WORKSHOP,
    at,
)
from reports.demo.sample import (
    EVALUATION,
    EVALUATION_QUESTIONS,
    FUNDER,
    FUNDER_NOTE,
    LOGINS,
    NEXT_CAPACITY,
    NEXT_CONFIRMED,
    NEXT_MIN_DAYS_AHEAD,
    NEXT_PENDING,
    NEXT_SAMPLE_NOTE,
    NEXT_SLUG,
    NEXT_WEEKS_AHEAD,
    ROOMS,
    SAMPLE_PARTS,
    SESSIONS,
    TEST_QUESTIONS,
    TESTS,
    VENUE,
    WORKSHOP_SAMPLE,
)
from reports.models import Report

QK = Question.Kind


@dataclass
class _Tally:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def add(self, model, *, created: int = 0, updated: int = 0) -> None:
        label = model._meta.label
        if created:
            self.created[label] += created
        if updated:
            self.updated[label] += updated


def _auto_fields(model) -> set[str]:
    return {
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }


# The demo's report is published, as the 2007 summary was: its overview is drafted from the
# data whenever the PDF is made (the organiser has not rewritten it).
REPORT_PUBLISHED_AT = datetime(2008, 8, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _load_report(tally, workshop, organiser) -> None:
    """The report, published by the organiser on the demo's 2008 date through
    ``reports.services.publish_report``, telling nobody (its funder's contact is the demo's
    own account). One query when it is so; published again (a new version, as any
    correction is) when someone has published it since."""
    report = Report.objects.filter(workshop=workshop).first()
    if (
        report is not None
        and report.version > 0
        and (report.published_at, report.published_by_id) == (REPORT_PUBLISHED_AT, organiser.pk)
    ):
        return
    tally.add(Report, **({"created": 1} if report is None else {"updated": 1}))
    report_services.publish_report(
        workshop=workshop,
        user=organiser,
        accounts_language=workshop.language,
        now=REPORT_PUBLISHED_AT,
        notify=False,
    )


def _sync(tally: _Tally, queryset, key: tuple[str, ...], wanted: list[dict]) -> dict:
    """Bring the rows of ``queryset`` named in ``wanted`` to those values, in bulk.

    ``wanted`` holds attnames; ``key`` names the ones that identify a row. A read, then an
    insert and an update only if needed, plus the restoring of timestamps Django sets itself.
    Returns the rows by key.
    """
    model = queryset.model
    existing = {tuple(getattr(obj, name) for name in key): obj for obj in queryset}
    auto = _auto_fields(model)
    to_create, to_update, changed_fields = [], [], set()
    rows = {}
    for values in wanted:
        row_key = tuple(values[name] for name in key)
        obj = existing.get(row_key)
        if obj is None:
            obj = model(**values)
            to_create.append((obj, values))
        else:
            changed = {name for name, value in values.items() if getattr(obj, name) != value}
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                to_update.append(obj)
                changed_fields |= changed
        rows[row_key] = obj
    if to_create:
        model.objects.bulk_create([obj for obj, _ in to_create])
        # auto_now(_add) replaced the demo's 2007 timestamps on insert; put them back.
        restore = sorted(auto & set(wanted[0]))
        if restore:
            _restore_timestamps(model, to_create, restore)
        tally.add(model, created=len(to_create))
    if to_update:
        stamps = {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
        now = timezone.now()
        for obj in to_update:
            for name in stamps - changed_fields:
                setattr(obj, name, now)
        model.objects.bulk_update(to_update, sorted(changed_fields | stamps))
        tally.add(model, updated=len(to_update))
    return rows


def _restore_timestamps(model, created: list[tuple], names: list[str]) -> None:
    """Write ``names`` of freshly inserted rows back to their wanted values.

    Rows sharing their values (attendance recorded when its session ended) take one UPDATE
    per group; rows that each differ, one bulk_update (a CASE per row, slower per row).
    """
    groups: dict[tuple, list] = defaultdict(list)
    for obj, values in created:
        for name in names:
            setattr(obj, name, values[name])
        groups[tuple(values[name] for name in names)].append(obj.pk)
    if len(groups) * 4 <= len(created):
        for stamps, pks in groups.items():
            model.objects.filter(pk__in=pks).update(**dict(zip(names, stamps, strict=True)))
    else:
        model.objects.bulk_update([obj for obj, _ in created], names)


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str


@dataclass(frozen=True)
class DemoSummary:
    workshop: Workshop
    next_edition: Workshop
    logins: tuple[Login, ...]
    counts: dict[str, int]  # rows of the demo, by model's plural name
    created: int  # rows this run inserted
    updated: int  # rows this run changed
    sample_parts: tuple[str, ...] = SAMPLE_PARTS

    def lines(self) -> list[str]:
        workshop = self.workshop
        lines = [
            f"Loaded “{workshop.title}”, {workshop.city}, "
            f"{workshop.start_date.day} to {workshop.end_date.day} {workshop.end_date:%B %Y} "
            f"(slug {workshop.slug}).",
            (
                f"{self.created} rows created, {self.updated} changed."
                if self.created or self.updated
                else "Already loaded: nothing changed."
            ),
            f"Next edition, open for registration (sample data): "
            f"{self.next_edition.start_date:%d %B %Y} to {self.next_edition.end_date:%d %B %Y}, "
            f"{settings.SITE_URL}"
            f"{reverse('participants:public_workshop', kwargs={'slug': self.next_edition.slug})}",
            f"Sign in at {settings.SITE_URL}{reverse('login')}",
        ]
        lines += [
            f"  {login.role}: username {login.username}, password {login.password}"
            for login in self.logins
        ]
        lines.append("Demo rows: " + ", ".join(f"{n} {name}" for name, n in self.counts.items()))
        lines.append(
            "From the 2007 summary: title, dates, place, hosts, partners, attending bodies, "
            "provinces, trainers, topics, objectives, narrative, summary provider."
        )
        lines.append("Sample data (generated, not in the summary): " + "; ".join(self.sample_parts))
        return lines


def load_demo(*, stdout=None) -> DemoSummary:
    """Load the Lijiang workshop, or bring it back to the demo's values; idempotent.

    Everything a person would do goes through the services, as they would do it (see the
    module's docstring for the sample marks and 2007 dates written here). About 5,000
    queries on a fresh database (2.2-3 s on SQLite: each of the 84 registrations and
    decisions, and each of the 164 sample answers, one at a time) and 76 on a loaded one,
    which is only read.
    """
    plan = build_plan()
    tally = _Tally()
    # The organisers' decisions the demo replays are not anyone's to log (84 lines).
    decisions = logging.getLogger("participants.services")
    level = decisions.level
    decisions.setLevel(logging.WARNING)
    try:
        return _load(plan, tally, stdout)
    finally:
        decisions.setLevel(level)


def _load(plan, tally, stdout) -> DemoSummary:
    with transaction.atomic():
        agencies = _load_agencies(tally)
        users = _load_users(tally, agencies)
        organiser = users["organiser"]
        workshop = _load_workshop(
            tally,
            SLUG,
            {
                **WORKSHOP,
                **WORKSHOP_SAMPLE,
                "summary_provided_by": agencies[SUMMARY_PROVIDED_BY],
            },
            agencies,
            organiser,
            FUNDER_NOTE,
        )
        trainers, sessions = _load_timetable(tally, workshop, agencies)
        registrations = _load_people(tally, workshop, agencies, plan, organiser)
        _load_attendance(tally, workshop, plan, registrations, sessions, organiser)
        _bring_status(workshop, WORKSHOP["status"])
        sealed = _load_feedback(tally, workshop, plan, registrations, trainers)
        _load_report(tally, workshop, organiser)
        next_edition = _load_next_edition(tally, workshop, agencies, organiser, plan)
    # The anonymous answers join the results in a transaction of their own, after the one
    # that wrote who answered (feedback.anonymity), dated the day they were given. (After
    # a real commit, the flush submit_response queued has already done it.)
    for questionnaire in sealed:
        flush(questionnaire, final=True, now=at(31, 15, 0))
    counts = _counts(workshop)
    summary = DemoSummary(
        workshop=workshop,
        next_edition=next_edition,
        logins=tuple(Login(role, username, password) for role, username, password, *_ in LOGINS),
        counts=counts,
        created=sum(tally.created.values()),
        updated=sum(tally.updated.values()),
    )
    if stdout is not None:
        for line in summary.lines():
            stdout.write(line)
    return summary


def _load_agencies(tally) -> dict[str, Agency]:
    """The demo's agencies by name, as an organiser adds and corrects them
    (``events.services.create_agency``, ``update_agency``)."""
    agencies: dict[str, Agency] = {}
    for key, data in AGENCIES.items():  # parents come before their children
        agencies[key] = _through_services(
            tally,
            Agency.objects.filter(name=data.name),
            {
                "name": data.name,
                "name_local": data.name_local,
                "acronym": data.acronym,
                "kind": data.kind,
                "level": data.level,
                "region": data.region,
                "country": data.country,
                "parent": agencies[data.parent] if data.parent else None,
            },
            create=lambda values: timetable.create_agency(data=timetable.AgencyData(**values)),
            update=lambda agency, values: timetable.update_agency(
                agency=agency, data=timetable.AgencyData.of(agency, **values)
            ),
        )
    return agencies


def _through_services(tally, found, values: dict, *, create, update):
    """The first row of ``found`` brought to ``values`` by ``update(row, values)``, or
    ``create(values)`` if there is none: the services' rules accept the demo's rows, or it
    does not load. One query when the row is as the demo has it (related rows compared by
    their keys)."""
    row = found.order_by("pk").first()
    if row is None:
        tally.add(found.model, created=1)
        return create(values)
    if any(_differs(row, name, value) for name, value in values.items()):
        tally.add(found.model, updated=1)
        return update(row, values)
    return row


def _load_workshop(tally, slug, values, agencies, organiser, funder_note) -> Workshop:
    """The workshop ``slug`` with the demo's ``values``, written as an organiser writes one
    (``events.services.create_workshop``, ``update_workshop``), with its agencies' roles.

    Its status is the services' too, set once its timetable and people are in
    (``_bring_status``); ``is_sample`` is the system's mark, not an organiser's field.
    """
    data = {name: values[name] for name in timetable.WORKSHOP_FIELDS if name in values}
    data["slug"] = slug
    workshop = Workshop.objects.filter(slug=slug).first()
    created = workshop is None
    if created:
        workshop = timetable.create_workshop(
            data=timetable.WorkshopData.of(Workshop(), **data), by=organiser
        )
        tally.add(Workshop, created=1)
        tally.add(Workshop.organisers.through, created=1)
    else:
        if any(_differs(workshop, name, value) for name, value in data.items()):
            timetable.update_workshop(
                workshop=workshop, data=timetable.WorkshopData.of(workshop, **data)
            )
            tally.add(Workshop, updated=1)
        if not workshop.organisers.filter(pk=organiser.pk).exists():
            timetable.add_organiser(workshop=workshop, user=organiser)
            tally.add(Workshop.organisers.through, created=1)
    if workshop.is_sample != values["is_sample"]:
        workshop.is_sample = values["is_sample"]
        workshop.save(update_fields=["is_sample", "updated_at"])
        if not created:
            tally.add(Workshop, updated=1)
    _load_roles(
        tally,
        workshop,
        [
            (agencies[key], role, note)
            for key, role, note in [*ROLES, (FUNDER, WorkshopAgency.Role.FUNDER, funder_note)]
        ],
    )
    return workshop


def _load_roles(tally, workshop, wanted: list[tuple[Agency, str, str]]) -> None:
    """The agencies' roles in ``workshop`` as ``wanted`` lists them (agency, role, note), each
    role's agencies named in that order (positions 0, 1, 2…): added, annotated and placed as
    an organiser does it (``events.services.add_agency_role``, ``update_agency_role``,
    ``place_agency_role``). Roles the demo does not name are left, after the demo's. One
    query when all are as the demo has them."""

    def stored():
        return {(r.agency_id, r.role): r for r in workshop.agency_roles.order_by("order", "pk")}

    existing = stored()
    position: Counter = Counter()
    for agency, role, note in wanted:
        at = position[role]
        position[role] += 1
        row = existing.get((agency.pk, role))
        if row is None:
            added = timetable.add_agency_role(
                workshop=workshop, agency=agency, role=role, note=note, position=at
            )
            last = max(
                (r.order for (_a, r_role), r in existing.items() if r_role == role), default=-1
            )
            if at == last + 1:  # named after the others, as on a fresh load: none moved
                existing[agency.pk, role] = added
                tally.add(WorkshopAgency, created=1)
                continue
        elif (row.note, row.order) != (note, at):
            if row.note != note:
                timetable.update_agency_role(agency_role=row, note=note)
            if row.order != at:
                timetable.place_agency_role(agency_role=row, position=at)
        else:
            continue
        # A placement renumbers the others of its role: counted as they are stored now.
        now = stored()
        tally.add(
            WorkshopAgency,
            created=len(now.keys() - existing.keys()),
            updated=sum(
                (item.order, item.note) != (existing[key].order, existing[key].note)
                for key, item in now.items()
                if key in existing
            ),
        )
        existing = now


def _differs(row, name: str, value) -> bool:
    """Whether ``row``'s ``name`` is not ``value``; a related row compared by its key, so
    that nothing is read to compare it."""
    if isinstance(value, Model) or (value is None and row._meta.get_field(name).is_relation):
        return getattr(row, row._meta.get_field(name).attname) != getattr(value, "pk", None)
    return getattr(row, name) != value


def _route(current: str, target: str) -> list[str]:
    """The statuses a workshop passes through from ``current`` to ``target`` by the rules of
    which may follow which (``events.services.TRANSITIONS``), shortest first."""
    paths = {current: []}
    queue = [current]
    while queue:
        status = queue.pop(0)
        if status == target:
            return paths[status]
        for following in timetable.TRANSITIONS[status]:
            if following not in paths:
                paths[following] = [*paths[status], following]
                queue.append(following)
    raise ValueError(f"No way from {current} to {target}.")


def _bring_status(workshop: Workshop, status: str) -> None:
    """Move ``workshop`` to ``status`` as its organisers would, one allowed step at a time
    (``events.services.change_workshop_status``): publishing checks the timetable, marking
    it completed checks that it has ended."""
    for step in _route(workshop.status, status):
        timetable.change_workshop_status(workshop=workshop, status=step)


def _editable(workshop: Workshop) -> None:
    """Before the demo puts a completed workshop's timetable or people back: reopen it, as
    an organiser who corrects the record does; ``_bring_status`` completes it again."""
    if workshop.status == Workshop.Status.COMPLETED:
        timetable.change_workshop_status(workshop=workshop, status=Workshop.Status.CLOSED)


# The demo's own accounts carry this address (.invalid never delivers): an account of the
# same name without it belongs to someone else and is left exactly as it is.
DEMO_EMAIL = "{username}@demo.invalid"


class DemoAccountTaken(Exception):
    """An account with a demo login's name exists and was not made by the demo."""


def _load_users(tally, agencies) -> dict:
    """The demo's logins, made and put back as the admin makes accounts
    (``events.services.create_account``, ``update_account``, ``set_account_password``: the
    site's password rules hold for the printed passwords too), and the funder's tie to the
    funding agency (``set_agency_membership``). Two queries when all are as the demo has
    them (the accounts, the membership)."""
    User = get_user_model()
    names = [username for _role, username, *_rest in LOGINS]
    # One query: the accounts of the demo's names, in any case (accounts' names are unique
    # regardless of case, ``events.services.check_account``).
    found = User.objects.filter(reduce(or_, (Q(username__iexact=name) for name in names)))
    existing = {user.username: user for user in found}
    for username, user in existing.items():
        if user.email != DEMO_EMAIL.format(username=username) or username not in names:
            raise DemoAccountTaken(
                f"An account named {username!r} exists and was not created by the demo; "
                "the demo changes no account it did not create. Load it on an empty database."
            )
    users = {}
    for role, username, password, superuser, hashed in LOGINS:
        standing = {
            "email": DEMO_EMAIL.format(username=username),
            "is_staff": superuser,
            "is_superuser": superuser,
        }
        user = existing.get(username)
        if user is None:
            users[role] = timetable.create_account(
                username=username,
                password=password,
                hashed=_password_hash(password, hashed),
                **standing,
            )
            tally.add(User, created=1)
            continue
        changed = not user.is_active or any(
            getattr(user, name) != value for name, value in standing.items()
        )
        if changed:
            timetable.update_account(user=user, **standing, is_active=True)
        # The printed password must work. Checking one costs as much as hashing it, so
        # compare with the stored hash first; check only a hash someone else has set.
        stored = _password_hash(password, hashed)
        if user.password != stored and not (user.password and user.check_password(password)):
            timetable.set_account_password(user=user, password=password, hashed=stored)
            changed = True
        if changed:
            tally.add(User, updated=1)
        users[role] = user
    funder, agency = users["funder"], agencies[FUNDER]
    member = AgencyMember.objects.filter(user=funder).first()
    if member is None or member.agency_id != agency.pk:
        timetable.set_agency_membership(user=funder, agency=agency)
        tally.add(AgencyMember, **({"created": 1} if member is None else {"updated": 1}))
    return users


def _password_hash(password: str, precomputed: str) -> str:
    """The precomputed hash if the site hashes that way (it does unless configured not to)."""
    if precomputed.startswith(f"{get_hasher().algorithm}$"):
        return precomputed
    return make_password(password)


def _load_timetable(tally, workshop, agencies):
    trainers = {
        key: _load_trainer(
            tally,
            {
                "name": data.name,
                "name_local": data.name_local,
                "honorific": data.honorific,
                "position": data.position,
                "agency": agencies[data.agency],
            },
        )
        for key, data in TRAINERS.items()
    }
    # Topics and rooms through the services, as the admin adds them.
    topics = {
        key: _through_services(
            tally,
            Topic.objects.filter(name=name),
            {"name": name, "name_local": local},
            create=lambda data: timetable.create_topic(data=timetable.TopicData(**data)),
            update=lambda topic, data: timetable.update_topic(
                topic=topic, data=timetable.TopicData.of(topic, **data)
            ),
        )
        for key, (name, local) in TOPICS.items()
    }
    rooms = {
        key: _through_services(
            tally,
            Room.objects.filter(venue=VENUE, name=name),
            {"venue": VENUE, "name": name, "city": "Lijiang", "capacity": seats},
            create=lambda data: timetable.create_room(data=timetable.RoomData(**data)),
            update=lambda room, data: timetable.update_room(
                room=room, data=timetable.RoomData.of(room, **data)
            ),
        )
        for key, (name, seats) in ROOMS.items()
    }
    sessions = _load_sessions(
        tally,
        workshop,
        [
            (
                data.uid,
                {
                    "title": data.title,
                    "title_local": data.title_local,
                    "kind": data.kind,
                    "description": data.description,
                    "starts_at": data.starts_at,
                    "ends_at": data.ends_at,
                    "room": rooms[data.room] if data.room else None,
                },
                [trainers[key] for key in data.trainers],
                [topics[key] for key in data.topics],
            )
            for data in SESSIONS
        ],
    )
    return trainers, sessions


def _load_trainer(tally, values: dict) -> Trainer:
    """The trainer named ``values["name"]``, added or put back as an organiser does it
    (``events.services.create_trainer``, ``update_trainer``)."""
    return _through_services(
        tally,
        Trainer.objects.filter(name=values["name"]),
        values,
        create=lambda data: timetable.create_trainer(data=timetable.TrainerData(**data)),
        update=lambda trainer, data: timetable.update_trainer(
            trainer=trainer, data=timetable.TrainerData.of(trainer, **data)
        ),
    )


def _load_sessions(tally, workshop, wanted) -> dict[str, Session]:
    """The sessions ``wanted`` (uid, fields, trainers, topics), created or put back through
    ``events.services.save_sessions``: the timetable's rules hold for the demo as for any
    change, and a session moved back gets a new calendar revision. Three queries when
    nothing differs (the sessions, their trainers, their topics)."""
    existing = {
        s.uid: s
        for s in workshop.sessions.select_related("room").prefetch_related("trainers", "topics")
    }
    changes = []
    for uid, data, trainers, topics in wanted:
        session = existing.get(uid)
        if session is None:
            changes.append(
                timetable.SessionChange(
                    data=data,
                    trainers=trainers,
                    topics=topics,
                    uid=uid,
                    status=Session.Status.SCHEDULED,
                )
            )
            tally.add(Session, created=1)
            continue
        same_people = {t.pk for t in session.trainers.all()} == {t.pk for t in trainers}
        same_topics = {t.pk for t in session.topics.all()} == {t.pk for t in topics}
        same = session.status == Session.Status.SCHEDULED and all(
            getattr(session, name) == value for name, value in data.items()
        )
        if not (same and same_people and same_topics):
            changes.append(
                timetable.SessionChange(
                    data=data,
                    trainers=None if same_people else trainers,
                    topics=None if same_topics else topics,
                    session=session,
                    status=Session.Status.SCHEDULED,
                )
            )
            tally.add(Session, updated=1)
    if changes:
        _editable(workshop)
        for saved in timetable.save_sessions(workshop=workshop, changes=changes, notify=False):
            existing[saved.uid] = saved
    return {uid: existing[uid] for uid, *_rest in wanted}


def _load_people(tally, workshop, agencies, plan, organiser) -> dict[str, Registration]:
    return _load_registrations(
        tally,
        workshop,
        [
            _Person(
                email=person.email,
                data=_registration_data(person, agencies),
                status=person.status,
                history={
                    "created_at": person.registered_at,
                    "status_changed_at": person.status_changed_at,
                    "waitlisted_at": person.waitlisted_at,
                },
            )
            for person in plan.people
        ],
        organiser,
    )


def _registration_data(person, agencies) -> RegistrationData:
    """What a sample person tells for a workshop, nominated by their own agency."""
    return RegistrationData(
        name=person.name,
        email=person.email,
        name_local=person.name_local,
        gender=person.gender,
        agency=agencies[person.agency],
        position=person.position,
        region=person.region,
        preferred_language="zh-hans",
        nominated_by=agencies[person.agency],
    )


@dataclass(frozen=True)
class _Person:
    email: str
    data: RegistrationData
    status: str
    history: dict  # when they registered, and when their status last changed (attnames)


def _load_registrations(tally, workshop, people: list[_Person], organiser) -> dict:
    """The demo's people registered for ``workshop`` as an organiser registers them: through
    ``participants.services.register_participant`` (source "demo"), then approved, put on
    the waiting list or cancelled by the same services, so that the seats, the waiting list
    and the rules are the services' own. Then the history: each registration dated as the
    plan says (the services date what they do now). A person already registered with the
    demo's details and status is only read.

    Participants are identities, by e-mail, marked as sample people first.
    """
    emails = [person.email for person in people]
    participants = _sync(
        tally,
        Participant.objects.filter(email__in=emails),
        ("email",),
        [{"email": email, "is_sample": True} for email in emails],
    )
    existing = {r.participant_id: r for r in Registration.objects.filter(workshop=workshop)}
    new, differing = [], []
    for person in people:
        registration = existing.get(participants[(person.email,)].pk)
        if registration is None:
            new.append(person)
        elif registration.status != person.status or any(
            getattr(registration, "agency_id" if name == "agency" else name)
            != (value.pk if name == "agency" else value)
            for name, value in person.data.details().items()
        ):
            differing.append(person)
    if new or differing:
        _editable(workshop)
    by_email = {}
    for person in sorted(new, key=lambda p: p.history["created_at"]):
        registered = registrations_service.register_participant(
            workshop=workshop, data=person.data, source=Registration.Source.DEMO, notify=False
        )
        by_email[person.email] = registered.registration
    tally.add(Registration, created=len(new))
    for person in differing:
        registered = registrations_service.register_participant(
            workshop=workshop, data=person.data, source=Registration.Source.DEMO, notify=False
        )
        by_email[person.email] = registered.registration
    tally.add(Registration, updated=len(differing))
    # Decisions: the seats first, in the order people registered, then the waiting list.
    order = [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
    deciding = sorted(
        (p for p in [*new, *differing] if by_email[p.email].status != p.status),
        key=lambda p: (
            p.status not in order,
            order.index(p.status) if p.status in order else 0,
            p.history["created_at"],
        ),
    )
    for person in deciding:
        by_email[person.email] = _decide(by_email[person.email], person.status, organiser)
    # The history, as the plan dates it: part of creating a row, else a change of its own.
    if new or differing:
        rows = {(r.participant_id,): r for r in Registration.objects.filter(workshop=workshop)}
    else:
        rows = {(pk,): r for pk, r in existing.items()}
    for person in people:
        key = (participants[(person.email,)].pk,)
        registration = rows[key]
        dated = person.history
        stale = [name for name, value in dated.items() if getattr(registration, name) != value]
        if stale:
            for name in stale:
                setattr(registration, name, dated[name])
            registration.save(update_fields=stale)
            if person not in new and person not in differing:
                tally.add(Registration, updated=1)
        by_email[person.email] = registration
    return by_email


def _decide(registration: Registration, status: str, by) -> Registration:
    """Bring ``registration`` to ``status`` by the organisers' decisions."""
    service = registrations_service
    Status = Registration.Status
    if status == Status.CANCELLED:
        return service.cancel_registration(registration=registration, by=by, notify=False)
    if status == Status.DECLINED:
        return service.decline_registration(registration=registration, by=by, notify=False)
    if registration.status in (Status.CONFIRMED, Status.WAITLISTED):
        # Neither approves nor queues again: free the place first, as an organiser would.
        registration = service.cancel_registration(registration=registration, by=by, notify=False)
    if status == Status.CONFIRMED:
        return service.approve_registration(registration=registration, by=by, notify=False)
    if status == Status.WAITLISTED:
        return service.waitlist_registration(registration=registration, by=by, notify=False)
    return registration  # pending: what registering gave it


def _load_attendance(tally, workshop, plan, registrations, sessions, organiser) -> None:
    """The registers, taken through ``participants.attendance.record_register`` (the rules of
    who may be marked where), then dated when each session ended. Only marks that differ
    are written: a loaded demo's registers are only read."""
    wanted = {
        (registrations[email].pk, sessions[uid].pk): (email, uid, status, note)
        for (email, uid), (status, note) in plan.attendance.items()
    }
    existing = {
        (a.registration_id, a.session_id): a
        for a in Attendance.objects.filter(session__workshop=workshop)
    }
    entries = []
    for key, (email, uid, status, note) in wanted.items():
        record = existing.get(key)
        if record is not None and (record.status, record.note) == (status, note):
            continue
        if record is not None and record.status == status:
            # Only the note differs, which a mark of the same status keeps: undo it first.
            clear_attendance(registration=registrations[email], session=sessions[uid])
        entries.append(Entry(registrations[email], sessions[uid], status, note))
        tally.add(Attendance, **({"updated": 1} if record is not None else {"created": 1}))
    if not entries:
        return
    record_register(entries=entries, by=organiser)
    # Dated when each session ended: one UPDATE per session marked.
    marked: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        marked[entry.session.pk].append(entry.registration.pk)
    for session in sessions.values():
        if session.pk in marked:
            Attendance.objects.filter(session=session, registration__in=marked[session.pk]).update(
                recorded_at=session.ends_at
            )


def _load_feedback(tally, workshop, plan, registrations, trainers) -> list[Questionnaire]:
    """The evaluation and the two knowledge tests with their questions and choices, written
    as an organiser writes them (``feedback.services``: create_questionnaire, add_question,
    and their updates where a row differs from the demo's), then the sample answers."""
    evaluation = _load_questionnaire(tally, workshop, Questionnaire.Kind.EVALUATION, EVALUATION)
    pre = _load_questionnaire(
        tally, workshop, Questionnaire.Kind.PRE_TEST, TESTS[Questionnaire.Kind.PRE_TEST]
    )
    post = _load_questionnaire(
        tally,
        workshop,
        Questionnaire.Kind.POST_TEST,
        TESTS[Questionnaire.Kind.POST_TEST],
        pre_test=pre,
    )
    topic_order = list(TOPICS.values())
    wanted = {
        evaluation: [
            (
                QuestionData(
                    kind=kind,
                    text=text,
                    text_local=local,
                    required=kind != QK.TEXT,
                    choices=[(name, name_local, False) for name, name_local in topic_order]
                    if kind == QK.CHOICE
                    else [],
                ),
                {"trainer": trainers[trainer] if trainer else None},
            )
            for kind, text, local, trainer, _weights in EVALUATION_QUESTIONS
        ],
        **{
            test: [
                (
                    QuestionData(
                        kind=QK.CHOICE,
                        text=text,
                        text_local=local,
                        choices=[
                            (choice, choice_local, n == correct)
                            for n, (choice, choice_local) in enumerate(choices)
                        ],
                    ),
                    {"trainer": None},
                )
                for text, local, choices, correct in TEST_QUESTIONS
            ]
            for test in (pre, post)
        },
    }
    questions, choices = _load_questions(tally, wanted)
    return _answer_sample(tally, plan, registrations, questions, choices, evaluation, pre, post)


def _load_questionnaire(tally, workshop, kind: str, values: dict, pre_test=None):
    """One questionnaire of ``workshop``, created or brought to ``values`` by the services."""
    return _through_services(
        tally,
        Questionnaire.objects.filter(workshop=workshop, kind=kind),
        {**values, "pre_test": pre_test},
        create=lambda data: questionnaires.create_questionnaire(
            workshop=workshop, kind=kind, **data
        ),
        update=lambda row, data: questionnaires.update_questionnaire(questionnaire=row, **data),
    )


def _load_questions(tally, wanted: dict) -> tuple[dict, dict]:
    """Each questionnaire's questions in the demo's order: added by ``add_question`` where
    missing, changed by ``update_question`` where they differ from the demo's, else only
    read (two queries for all three questionnaires: the questions and their choices).

    Returns the questions by (questionnaire pk, order) and the choices by (question pk,
    order), for the sample answers.
    """
    existing = _stored_questions(wanted)
    written = False
    for questionnaire, items in wanted.items():
        for order, (data, about) in enumerate(items, start=1):
            question = existing.get((questionnaire.pk, order))
            if question is None:
                questionnaires.add_question(questionnaire=questionnaire, data=data, **about)
                tally.add(Question, created=1)
                tally.add(Choice, created=len(data.choices))
                written = True
            elif _question_differs(question, data, about):
                questionnaires.update_question(question=question, data=data, **about)
                tally.add(Question, updated=1)
                written = True
    # What the services wrote, read back as stored (with their choices' keys).
    questions = _stored_questions(wanted) if written else existing
    choices = {
        (question.pk, choice.order): choice
        for question in questions.values()
        for choice in question.choices.all()
    }
    return questions, choices


def _stored_questions(wanted: dict) -> dict:
    """The questions of the questionnaires in ``wanted`` by (questionnaire pk, order), with
    their choices in order: two queries."""
    return {
        (question.questionnaire_id, question.order): question
        for question in Question.objects.filter(questionnaire__in=list(wanted)).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
        )
    }


def _question_differs(question: Question, data: QuestionData, about: dict) -> bool:
    """Whether ``question`` is not as ``data`` and ``about`` (whom it is about) have it;
    nothing is read (the choices are prefetched, related rows compared by their keys)."""
    stored = [(c.text, c.text_local, c.is_correct) for c in question.choices.all()]
    return (question.kind, question.text, question.text_local, question.required, stored) != (
        data.kind,
        data.text,
        data.text_local,
        data.required,
        data.choices,
    ) or any(_differs(question, name, value) for name, value in about.items())


def _answer_sample(tally, plan, registrations, questions, choices, evaluation, pre, post):
    """The sample answers, given through ``submit_response`` as a participant gives them,
    each at a moment inside its questionnaire's window; people who have answered already
    are left alone, so a second run gives nothing twice. One query when all have answered.

    Returns the questionnaires whose anonymous answers now wait in the sealed box.
    """
    answered = set(
        Submission.objects.filter(questionnaire__in=[evaluation, pre, post]).values_list(
            "questionnaire_id", "registration_id"
        )
    )
    given = []
    # Anonymous: who answered is the Submission; what, a sealed box until it is flushed.
    for email, (_language, values) in zip(
        plan.evaluation_respondents, plan.evaluation_answers, strict=True
    ):
        registration = registrations[email]
        if (evaluation.pk, registration.pk) in answered:
            continue
        answers = {
            questions[evaluation.pk, order].pk: _answer_value(
                questions[evaluation.pk, order], value, choices
            )
            for order, value in values.items()
        }
        submit_response(
            questionnaire=evaluation,
            registration=registration,
            answers=answers,
            now=at(31, 15, 0),
        )
        _tally_given(tally, answers)
        given.append(evaluation)
    for test, moment in ((pre, at(26, 9)), (post, at(31, 16))):
        for email, chosen in plan.test_answers[test.kind].items():
            registration = registrations[email]
            if (test.pk, registration.pk) in answered:
                continue
            answers = {
                questions[test.pk, order].pk: choices[questions[test.pk, order].pk, n].pk
                for order, n in chosen.items()
            }
            submit_response(
                questionnaire=test,
                registration=registration,
                answers=answers,
                language="zh-hans",
                now=moment,
            )
            _tally_given(tally, answers)
    return sorted(set(given), key=lambda questionnaire: questionnaire.pk)


def _tally_given(tally, answers) -> None:
    """A submission, its response and one answer per value (written now or at the flush)."""
    tally.add(Submission, created=1)
    tally.add(Response, created=1)
    tally.add(Answer, created=len(answers))


def _answer_value(question, value, choices):
    if question.kind == QK.CHOICE:
        return choices[question.pk, value].pk
    return value


def next_edition_start(today: date, current: date | None) -> date:
    """The next edition's first day: kept while it is at least a week ahead, else four weeks
    from ``today`` (so a reload the same month changes nothing, and it never lies in the past)."""
    if current is not None and current >= today + timedelta(days=NEXT_MIN_DAYS_AHEAD):
        return current
    return today + timedelta(weeks=NEXT_WEEKS_AHEAD)


def _load_next_edition(tally, original, agencies, organiser, plan) -> Workshop:
    """The Lijiang workshop again, weeks ahead: same agencies, trainers, rooms and timetable
    (same wall-clock times), published and open, three seats left, one approval pending."""
    current = Workshop.objects.filter(slug=NEXT_SLUG).values_list("start_date", flat=True).first()
    start = next_edition_start(timezone.localdate(), current)
    shift = start - original.start_date
    tz = original.tz
    starts_at = datetime.combine(start, time(9), tzinfo=tz)
    edition = _load_workshop(
        tally,
        NEXT_SLUG,
        {
            **{name: value for name, value in WORKSHOP.items() if name != "summary_date"},
            **WORKSHOP_SAMPLE,
            "narrative": "",
            "narrative_local": "",
            "start_date": start,
            "end_date": original.end_date + shift,
            "status": Workshop.Status.PUBLISHED,
            "is_sample": True,
            "capacity": NEXT_CAPACITY,
            "registration_opens_at": starts_at - timedelta(weeks=8),
            "registration_closes_at": datetime.combine(start - timedelta(days=3), time(18), tz),
            "summary_provided_by": None,
            "summary_date": None,
        },
        agencies,
        organiser,
        NEXT_SAMPLE_NOTE,
    )

    # The timetable: each 2007 session on the same weekday offset and wall-clock time.
    originals = original.sessions.select_related("room").prefetch_related("trainers", "topics")
    wanted = []
    for source in originals:
        local_start, local_end = source.starts_at.astimezone(tz), source.ends_at.astimezone(tz)
        wanted.append(
            (
                f"next-{source.uid}",
                {
                    "title": source.title,
                    "title_local": source.title_local,
                    "kind": source.kind,
                    "description": source.description,
                    "starts_at": datetime.combine(
                        local_start.date() + shift, local_start.time(), tz
                    ),
                    "ends_at": datetime.combine(local_end.date() + shift, local_end.time(), tz),
                    "room": source.room,
                },
                list(source.trainers.all()),
                list(source.topics.all()),
            )
        )
    _load_sessions(tally, edition, wanted)

    # People: some of 2007's sample participants come back; dates relative to the edition.
    returning = [p for p in plan.people if p.status == Registration.Status.CONFIRMED]
    returning = returning[: NEXT_CONFIRMED + NEXT_PENDING]
    people = []
    for index, person in enumerate(returning):
        registered_at = starts_at - timedelta(weeks=7) + timedelta(hours=5 * index)
        people.append(
            _Person(
                email=person.email,
                data=_registration_data(person, agencies),
                status=(
                    Registration.Status.CONFIRMED
                    if index < NEXT_CONFIRMED
                    else Registration.Status.PENDING
                ),
                history={
                    "created_at": registered_at,
                    "status_changed_at": registered_at + timedelta(days=1),
                    "waitlisted_at": None,
                },
            )
        )
    _load_registrations(tally, edition, people, organiser)
    _bring_status(edition, Workshop.Status.PUBLISHED)
    return edition


def _counts(workshop) -> dict[str, int]:
    """What the demo holds, for the command's output: one count query per line."""
    sessions = workshop.sessions.all()
    return {
        "agencies": Agency.objects.filter(name__in=[a.name for a in AGENCIES.values()]).count(),
        "trainers": Trainer.objects.filter(sessions__workshop=workshop).distinct().count(),
        "sessions": sessions.count(),
        "participants": Participant.objects.filter(registrations__workshop=workshop).count(),
        "registrations": workshop.registrations.count(),
        "attendance records": Attendance.objects.filter(session__workshop=workshop).count(),
        "questionnaires": workshop.questionnaires.count(),
        "responses": Response.objects.filter(questionnaire__workshop=workshop).count(),
        "answers": Answer.objects.filter(response__questionnaire__workshop=workshop).count(),
    }

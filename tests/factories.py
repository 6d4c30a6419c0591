"""Builders of the rows that many test files need: the one place for workshops, sessions,
users, people and registrations.

``workshop``, ``session``, ``user``, ``person`` and ``registration`` write straight to the
database. They go around the services on purpose: a test that needs a waiting list in a given
order, or a state the rules would refuse, builds it here. ``registered`` is the other way in:
through the registration service, as the public form and the API do, for tests of the rules.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Session, Workshop
from participants.models import Participant, Registration
from participants.services import register_participant

PASSWORD = "correct horse battery staple"


def _lijiang(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2007, 8, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def workshop(**fields) -> Workshop:
    """A published workshop in Lijiang, 26 to 31 August 2007, for 30; ``fields`` override."""
    values = {
        "title": "Anti-Trafficking Workshop",
        "start_date": date(2007, 8, 26),
        "end_date": date(2007, 8, 31),
        "timezone": "Asia/Shanghai",
        "city": "Lijiang",
        "capacity": 30,
        "status": Workshop.Status.PUBLISHED,
    }
    values.update(fields)
    return Workshop.objects.create(**values)


# The participants' pages' workshop: named in both scripts, at the Guanfang Hotel, at /w/lijiang/.
LIJIANG = {
    "title": "National Anti-Trafficking Workshop",
    "title_local": "全国反拐培训班",
    "slug": "lijiang",
    "venue": "Guanfang Hotel",
}


def upcoming(*, in_days: int = 20, days: int = 2, **fields) -> Workshop:
    """A ``workshop`` still to come, open to registration: its first day ``in_days`` after
    today in Lijiang, ``days`` long; ``fields`` override the rest."""
    first = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=in_days)
    return workshop(start_date=first, end_date=first + timedelta(days=days - 1), **fields)


def session(in_workshop, *, starts_at=None, ends_at=None, trainers=(), topics=(), **fields):
    """A session of ``in_workshop``, 27 August 9:00 to 10:30 Lijiang time unless told."""
    made = Session.objects.create(
        workshop=in_workshop,
        title=fields.pop("title", "Session"),
        starts_at=starts_at or _lijiang(27, 9),
        ends_at=ends_at or _lijiang(27, 10, 30),
        **fields,
    )
    if trainers:
        made.trainers.set(trainers)
    if topics:
        made.topics.set(topics)
    return made


def timetable(in_workshop, count: int, *, title: str = "Session", **fields) -> None:
    """``count`` sessions of 4 minutes, 5 minutes apart from 8:00, over the six days in turn:
    a timetable of any length in which no room or trainer clashes. ``title`` may name the
    session's number as ``{n}``; ``fields`` (trainers, room) are every session's."""
    for n in range(count):
        start = _lijiang(26 + n % 6, 8) + timedelta(minutes=5 * (n // 6))
        session(
            in_workshop,
            title=title.format(n=n),
            starts_at=start,
            ends_at=start + timedelta(minutes=4),
            **fields,
        )


def user(username: str, **fields):
    """A user account whose password is ``PASSWORD``."""
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


def person(email: str = "") -> Participant:
    """The person with ``email`` (found, or made); a blank address is always a new person."""
    if not email:
        return Participant.objects.create()
    found, _ = Participant.objects.get_or_create(email=email)
    return found


def registration(
    workshop,
    name: str = "Li Mei",
    *,
    email: str | None = None,
    participant: Participant | None = None,
    status: str = Registration.Status.CONFIRMED,
    source: str = Registration.Source.ORGANISER,
    **fields,
) -> Registration:
    """``name`` registered for ``workshop`` with ``fields`` (the registration's details).

    The person is ``participant`` if given, else the one with ``email`` (None: an address made
    from the name; "" for a new person without one). A waiting registration joins the list now
    unless ``waitlisted_at`` is given.
    """
    if participant is None:
        if email is None:
            email = f"{name.lower().replace(' ', '.')}@example.org"
        participant = person(email)
    if status == Registration.Status.WAITLISTED:
        fields.setdefault("waitlisted_at", timezone.now())
    return Registration.objects.create(
        workshop=workshop,
        participant=participant,
        name=name,
        status=status,
        source=source,
        **fields,
    )


def bulk_registrations(
    workshop,
    count: int,
    *,
    email: str = "p{n}@example.org",
    name: str = "Person {n}",
    each=None,
    batch_size: int | None = None,
    **fields,
) -> list[Registration]:
    """``count`` registrations of ``workshop`` in two bulk inserts (the people, then their
    registrations), for the lists' query-count tests and the benchmarks.

    ``email`` and ``name`` are formatted with the row's number ``n`` (0 on); ``fields`` are
    every row's, confirmed and added by the organisers unless told; ``each(n)``, if given,
    answers the fields that vary from row to row.
    """
    people = Participant.objects.bulk_create(
        (Participant(email=email.format(n=n)) for n in range(count)), batch_size=batch_size
    )
    every = {"status": Registration.Status.CONFIRMED, "source": Registration.Source.ORGANISER}
    every |= fields
    return Registration.objects.bulk_create(
        (
            Registration(
                workshop=workshop,
                participant=participant,
                name=name.format(n=n),
                **(every | each(n) if each else every),
            )
            for n, participant in enumerate(people)
        ),
        batch_size=batch_size,
    )


def bulk_sessions(workshop, count: int, *, trainer=None, room=None, topics=()) -> list[Session]:
    """``count`` sessions of ``workshop`` in 20-minute slots from its first midnight, with
    ``trainer``, ``room`` and ``topics`` set: a programme of 3,000 in a handful of queries."""
    start = workshop.starts_at
    sessions = Session.objects.bulk_create(
        Session(
            workshop=workshop,
            title=f"Session {n + 1}",
            starts_at=start + timedelta(minutes=20 * n),
            ends_at=start + timedelta(minutes=20 * n + 15),
            room=room,
        )
        for n in range(count)
    )
    if trainer is not None:
        Session.trainers.through.objects.bulk_create(
            Session.trainers.through(session_id=s.pk, trainer_id=trainer.pk) for s in sessions
        )
    for topic in topics:
        Session.topics.through.objects.bulk_create(
            Session.topics.through(session_id=s.pk, topic_id=topic.pk) for s in sessions
        )
    return sessions


def registered(workshop, email: str, *, source: str = Registration.Source.PUBLIC, **fields):
    """What the registration service answers to ``email`` registering for ``workshop`` from
    ``source`` with ``fields`` (``notify`` among them passes to the service); the name is the
    address's local part unless given."""
    notify = fields.pop("notify", True)
    data = {"name": fields.pop("name", email.split("@")[0]), "email": email, **fields}
    return register_participant(workshop=workshop, data=data, source=source, notify=notify)

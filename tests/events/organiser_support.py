"""A workshop of any size, built with bulk inserts, for query-count tests and the benchmark.

The shape is the same whatever the size (every session has a room and a trainer, some
registrations wait or await approval, some attendance is taken, an evaluation has answers),
so that a page's query count can be compared between a small and a large timetable.
"""

from datetime import date, datetime, time, timedelta

from events.models import Agency, Room, Session, Trainer, Workshop, WorkshopAgency
from feedback.models import Questionnaire, Response
from participants.models import Attendance, Registration
from tests.factories import bulk_registrations

SLOTS = [(time(9, 0), time(10, 30)), (time(11, 0), time(12, 30)), (time(14, 0), time(15, 30))]


def build_workshop(
    *,
    sessions: int,
    participants: int,
    organiser=None,
    start_date: date,
    days: int = 5,
    title: str = "Regional Anti-Trafficking Workshop",
    tz: str = "Asia/Shanghai",
    attended_sessions: int = 2,
) -> Workshop:
    """A workshop with ``sessions`` sessions and ``participants`` registrations.

    Sessions run in parallel tracks across ``days`` days, one room and one trainer per
    track, so nothing clashes. Eight in ten registrations are confirmed, the rest split
    between the waiting list and pending approval. The first ``attended_sessions``
    sessions have a register; a tenth of the confirmed answered an anonymous evaluation.
    """
    workshop = Workshop.objects.create(
        title=title,
        start_date=start_date,
        end_date=start_date + timedelta(days=days - 1),
        timezone=tz,
        venue="Guanfang Hotel",
        city="Lijiang",
        capacity=participants,
        status=Workshop.Status.PUBLISHED,
    )
    if organiser is not None:
        workshop.organisers.add(organiser)
    slots_per_day = len(SLOTS)
    tracks = max(1, -(-sessions // (days * slots_per_day)))  # ceiling division
    key = workshop.slug
    rooms = Room.objects.bulk_create(
        Room(name=f"Room {n}", venue=f"Guanfang Hotel {key}") for n in range(tracks)
    )
    agency = Agency.objects.create(name=f"Ministry of Public Security {key}", acronym="MPS")
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role=WorkshopAgency.Role.HOST)
    trainers = Trainer.objects.bulk_create(
        Trainer(name=f"Trainer {n} {key}", agency=agency) for n in range(tracks)
    )
    zone = workshop.tz
    made = []
    for n in range(sessions):
        track, slot_index = n % tracks, (n // tracks) % slots_per_day
        day = start_date + timedelta(days=(n // (tracks * slots_per_day)) % days)
        start, end = SLOTS[slot_index]
        made.append(
            Session(
                workshop=workshop,
                title=f"Session {n + 1}",
                kind=Session.Kind.LECTURE,
                starts_at=datetime.combine(day, start, tzinfo=zone),
                ends_at=datetime.combine(day, end, tzinfo=zone),
                room=rooms[track],
            )
        )
    made = Session.objects.bulk_create(made)
    Session.trainers.through.objects.bulk_create(
        Session.trainers.through(session_id=s.pk, trainer_id=trainers[i % tracks].pk)
        for i, s in enumerate(made)
    )

    now = datetime.now(zone)

    def status(n):
        if n % 10 == 8:
            return {"status": Registration.Status.WAITLISTED, "waitlisted_at": now}
        if n % 10 == 9:
            return {"status": Registration.Status.PENDING}
        return {}  # confirmed

    registrations = bulk_registrations(
        workshop,
        participants,
        email=f"p{{n}}.{key}@example.org",
        name="Participant {n}",
        each=status,
    )
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    Attendance.objects.bulk_create(
        Attendance(
            registration=registration,
            session=session,
            status=Attendance.Status.ABSENT if n % 5 == 0 else Attendance.Status.PRESENT,
        )
        for session in made[:attended_sessions]
        for n, registration in enumerate(confirmed)
    )
    evaluation = Questionnaire.objects.create(
        workshop=workshop, kind=Questionnaire.Kind.EVALUATION, title="Evaluation"
    )
    Response.objects.bulk_create(
        Response(questionnaire=evaluation, submitted_on=start_date + timedelta(days=days - 1))
        for _ in range(len(confirmed) // 10)
    )
    return workshop

"""Every generated value of the demo, drawn from one seeded generator in a fixed order.

Nothing here reads the database, the clock or the global random generator, so every load
of every database produces the same people, attendance and answers.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from feedback.models import Question, Questionnaire
from participants.models import Attendance, Registration
from reports.demo.reference import AGENCIES, TZ, Kind
from reports.demo.sample import (
    CLOSING_UID,
    DELEGATION_SIZES,
    EVALUATION_QUESTIONS,
    GIVEN,
    OPENING_UID,
    POSITIONS,
    SESSIONS,
    SUGGESTIONS,
    SURNAMES,
    TEST_QUESTIONS,
    SessionData,
)

SEED = 2007
QK = Question.Kind


@dataclass(frozen=True)
class PersonPlan:
    email: str
    name: str
    name_local: str
    gender: str
    agency: str
    position: str
    region: str
    status: str
    registered_at: datetime
    status_changed_at: datetime
    waitlisted_at: datetime | None
    groups: dict[int, str]  # day → group letter for parallel sessions


@dataclass(frozen=True)
class Plan:
    people: list[PersonPlan]
    # (email, session uid) → (status, note)
    attendance: dict[tuple[str, str], tuple[str, str]]
    evaluation_respondents: list[str]  # e-mails: who has answered, nothing of what
    # per anonymous response: question order → rating, choice order or text; and language
    evaluation_answers: list[tuple[str, dict[int, int | str]]]
    # per test kind: email → question order → choice order
    test_answers: dict[str, dict[str, dict[int, int]]]


def build_plan(seed: int = SEED) -> Plan:
    """Every generated value, drawn in a fixed order from one seeded generator."""
    rng = random.Random(seed)
    people = _plan_people(rng)
    attendance = _plan_attendance(rng, people)
    evaluation_respondents, evaluation_answers = _plan_evaluation(rng, people, attendance)
    test_answers = _plan_tests(rng, people, attendance)
    return Plan(people, attendance, evaluation_respondents, evaluation_answers, test_answers)


def _plan_people(rng: random.Random) -> list[PersonPlan]:
    slots = [key for key, size in DELEGATION_SIZES.items() for _ in range(size)]
    rng.shuffle(slots)
    # Two Yunnan nominations past the 60 seats: one withdrew, one never got a seat.
    late = [i for i, key in enumerate(slots) if key == "yunnan"][-2:]
    statuses = {late[0]: Registration.Status.CANCELLED, late[1]: Registration.Status.WAITLISTED}
    seen_names: set[str] = set()
    people = []
    for index, agency_key in enumerate(slots):
        gender = Registration.Gender.FEMALE if rng.random() < 0.42 else Registration.Gender.MALE
        while True:
            surname, surname_local = rng.choice(SURNAMES)
            chars = rng.sample(GIVEN[gender], 2 if rng.random() < 0.7 else 1)
            given = "".join(pinyin for pinyin, _ in chars).capitalize()
            name = f"{surname} {given}"
            if name not in seen_names:
                break
        seen_names.add(name)
        agency = AGENCIES[agency_key]
        if agency.kind in (Kind.UN, Kind.INTERNATIONAL):
            position = rng.choice(POSITIONS["international"])
        else:
            position = rng.choice(POSITIONS[agency.level])
        registered_at = datetime(2007, 7, 16, 9, 0, tzinfo=TZ) + timedelta(
            days=rng.randrange(30), minutes=rng.randrange(8 * 60)
        )
        status = statuses.get(index, Registration.Status.CONFIRMED)
        people.append(
            PersonPlan(
                email=f"p{index + 1:02d}@example.org",
                name=name,
                name_local=surname_local + "".join(char for _, char in chars),
                gender=gender,
                agency=agency_key,
                position=position,
                region=agency.region or "Beijing",
                status=status,
                registered_at=registered_at,
                status_changed_at=registered_at + timedelta(days=rng.randrange(1, 6)),
                waitlisted_at=registered_at if status == Registration.Status.WAITLISTED else None,
                groups={},
            )
        )
    # The waiting list forms once the seats are gone: those waiting joined it after the last
    # confirmed seat was taken, so a fresh demo passes check_registrations' order rule.
    last_seat = max(
        p.status_changed_at for p in people if p.status == Registration.Status.CONFIRMED
    )
    waiting = [p for p in people if p.status == Registration.Status.WAITLISTED]
    for number, person in enumerate(waiting, start=1):
        joined = last_seat + timedelta(hours=number)
        people[people.index(person)] = replace(
            person, registered_at=joined, waitlisted_at=joined, status_changed_at=joined
        )
    # Parallel groups mix the delegations: deal the confirmed people out like cards.
    confirmed = [p for p in people if p.status == Registration.Status.CONFIRMED]
    for day, letters in ((2, "AB"), (4, "ABC")):
        order = sorted(confirmed, key=lambda p: (p.agency, p.email))
        for position, person in enumerate(order):
            person.groups[day] = letters[position % len(letters)]
    return people


def _sessions_of(person: PersonPlan) -> Iterable[SessionData]:
    for session in SESSIONS:
        if not session.group or person.groups.get(session.day) == session.group:
            yield session


ATTENDANCE_WEIGHTS = {
    Attendance.Status.PRESENT: 90,
    Attendance.Status.LATE: 5,
    Attendance.Status.EXCUSED: 3,
    Attendance.Status.ABSENT: 2,
}
EXCUSES = ["Recalled to office duties", "Unwell", "Meeting with the provincial delegation"]


def _plan_attendance(rng, people):
    statuses, weights = list(ATTENDANCE_WEIGHTS), list(ATTENDANCE_WEIGHTS.values())
    attendance = {}
    for person in people:
        if person.status != Registration.Status.CONFIRMED:
            continue
        for session in _sessions_of(person):
            status = rng.choices(statuses, weights)[0]
            note = rng.choice(EXCUSES) if status == Attendance.Status.EXCUSED else ""
            attendance[person.email, session.uid] = (status, note)
    return attendance


def _attended(attendance, email: str, uid: str) -> bool:
    status = attendance.get((email, uid), (None,))[0]
    return status in (Attendance.Status.PRESENT, Attendance.Status.LATE)


def _plan_evaluation(rng, people, attendance):
    present = [p.email for p in people if _attended(attendance, p.email, CLOSING_UID)]
    respondents = sorted(rng.sample(present, round(len(present) * 0.92)))
    answers = []
    for _ in respondents:
        language = "zh-hans" if rng.random() < 0.75 else "en"
        values: dict[int, int | str] = {}
        for order, (kind, _text, _local, _trainer, weights) in enumerate(
            EVALUATION_QUESTIONS, start=1
        ):
            if kind == QK.RATING:
                values[order] = rng.choices(range(1, 6), weights)[0]
            elif kind == QK.CHOICE:
                values[order] = rng.choices(range(1, len(weights) + 1), weights)[0]
            elif rng.random() < 0.6:
                english, chinese = rng.choice(SUGGESTIONS)
                values[order] = chinese if language == "zh-hans" else english
        answers.append((language, values))
    return respondents, answers


def _plan_tests(rng, people, attendance):
    tests: dict[str, dict[str, dict[int, int]]] = {}
    skill = {p.email: rng.uniform(0.25, 0.6) for p in people}
    for kind, uid, gain in (
        (Questionnaire.Kind.PRE_TEST, OPENING_UID, 0.0),
        (Questionnaire.Kind.POST_TEST, CLOSING_UID, 0.35),
    ):
        tests[kind] = {}
        for person in people:
            if not _attended(attendance, person.email, uid):
                continue
            chosen = {}
            for order, (_q, _ql, choices, correct) in enumerate(TEST_QUESTIONS, start=1):
                if rng.random() < min(skill[person.email] + gain, 0.95):
                    chosen[order] = correct + 1
                else:
                    chosen[order] = rng.choice([i for i in range(len(choices)) if i != correct]) + 1
            tests[kind][person.email] = chosen
    return tests

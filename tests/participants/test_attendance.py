"""The attendance rules of ``participants.attendance``: who can be marked, one record per
person and session whatever arrives at once, undo, client mark ids, check-in codes, self
check-in codes, completion with and without mandatory sessions, and the rates."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from events.models import Agency, Session, Workshop
from participants import attendance
from participants.attendance import (
    AttendanceRefused,
    apply_client_mark,
    checkin_code,
    clear_attendance,
    completed_registrations,
    completion,
    find_by_checkin_code,
    normalise_code,
    record_attendance,
    self_check_in,
    self_checkin_code,
    self_checkin_code_valid,
)
from participants.models import Attendance, Registration
from tests import factories
from tests.conftest import at, at_once

Status = Attendance.Status
AFTER = at(31, 20)


def register(workshop, email, *, status=Registration.Status.CONFIRMED, **person):
    waited = at(20, 9) if status == Registration.Status.WAITLISTED else None
    return factories.registration(
        workshop, person.pop("name", ""), email=email, status=status, waitlisted_at=waited, **person
    )


@pytest.fixture
def session(workshop, make_session):
    return make_session(workshop, title="Opening", starts_at=at(27, 9), ends_at=at(27, 10))


@pytest.fixture
def person(workshop):
    return register(workshop, "wang.fang@example.org")


def test_record_attendance_keeps_who_and_when(person, session, organiser):
    mark = record_attendance(registration=person, session=session, status="present", by=organiser)
    assert (mark.status, mark.changed) == ("present", True)
    record = Attendance.objects.get()
    assert (record.status, record.recorded_by, record.registration, record.session) == (
        "present",
        organiser,
        person,
        session,
    )
    assert record.recorded_at is not None


def test_marking_the_same_status_again_keeps_the_first_mark(person, session, organiser, make_user):
    record_attendance(registration=person, session=session, status="present", by=organiser)
    first = Attendance.objects.get()
    other = make_user("second-organiser")
    mark = record_attendance(registration=person, session=session, status="present", by=other)
    assert mark.changed is False
    again = Attendance.objects.get()
    assert (again.recorded_by, again.recorded_at) == (organiser, first.recorded_at)


def test_a_new_status_overwrites_status_and_who(person, session, organiser, make_user):
    record_attendance(registration=person, session=session, status="present", by=organiser)
    other = make_user("second-organiser")
    record_attendance(registration=person, session=session, status="late", by=other)
    record = Attendance.objects.get()
    assert (record.status, record.recorded_by) == ("late", other)


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.PENDING,
        Registration.Status.WAITLISTED,
        Registration.Status.CANCELLED,
        Registration.Status.DECLINED,
    ],
)
def test_only_confirmed_registrations_can_be_marked(workshop, session, organiser, status):
    registration = register(workshop, f"{status}@example.org", status=status)
    with pytest.raises(AttendanceRefused) as refused:
        record_attendance(
            registration=registration, session=session, status="present", by=organiser
        )
    assert refused.value.field == "registration"
    assert "Only confirmed registrations can be marked" in refused.value.message
    assert not Attendance.objects.exists()


def test_cancelled_sessions_cannot_be_marked(person, session, organiser):
    session.status = Session.Status.CANCELLED
    session.save()
    with pytest.raises(AttendanceRefused) as refused:
        record_attendance(registration=person, session=session, status="present", by=organiser)
    assert refused.value.field == "session"
    assert "cancelled" in refused.value.message


def test_another_workshops_session_cannot_be_marked(person, organiser, make_workshop, make_session):
    other = make_session(make_workshop(title="Other", slug="other"))
    with pytest.raises(AttendanceRefused) as refused:
        record_attendance(registration=person, session=other, status="present", by=organiser)
    assert refused.value.field == "session"


@pytest.mark.parametrize("status", ["", "here", "PRESENT", "present\x00"])
def test_unknown_status_is_refused_naming_the_field(person, session, organiser, status):
    with pytest.raises(AttendanceRefused) as refused:
        record_attendance(registration=person, session=session, status=status, by=organiser)
    assert refused.value.field == "status"
    assert "present, late, excused or absent" in refused.value.message


def test_clear_attendance_undoes_a_mark(person, session, organiser):
    record_attendance(registration=person, session=session, status="absent", by=organiser)
    assert clear_attendance(registration=person, session=session).changed is True
    assert not Attendance.objects.exists()
    assert clear_attendance(registration=person, session=session).changed is False


def test_a_client_mark_sent_twice_is_applied_once(person, session, organiser):
    apply_client_mark(
        mark_id="m-1", registration=person, session=session, status="present", by=organiser
    )
    apply_client_mark(
        mark_id="m-2", registration=person, session=session, status=None, by=organiser
    )
    # The first mark arrives again (a resend after the network came back): ignored.
    resent = apply_client_mark(
        mark_id="m-1", registration=person, session=session, status="present", by=organiser
    )
    assert (resent.changed, resent.status) == (False, None)
    assert not Attendance.objects.exists()


def test_checkin_code_is_derived_short_and_found_back(workshop, person):
    code = checkin_code(person)
    assert len(code) == 8
    assert set(code) <= set(attendance.CODE_ALPHABET)
    assert not set(code) & set("01IO")
    assert find_by_checkin_code(workshop, f" {code[:4].lower()}-{code[4:]} ") == person
    assert find_by_checkin_code(workshop, "ZZZZ-ZZZZ") is None
    assert find_by_checkin_code(workshop, "") is None
    # A new personal link is a new code.
    person.token = "another-secret"
    assert checkin_code(person) != code


def test_checkin_code_of_another_workshop_is_not_found(workshop, make_workshop):
    elsewhere = register(make_workshop(title="Other", slug="other"), "x@example.org")
    assert find_by_checkin_code(workshop, checkin_code(elsewhere)) is None


def test_normalise_code_reads_o_as_zero_and_i_as_one():
    # 0 and 1 are not in the alphabet either: a misread letter simply fails to match.
    assert normalise_code("abcd-efgh") == "ABCDEFGH"
    assert normalise_code("checkin:ABCD EFGH") == "ABCDEFGH"


def test_self_checkin_code_accepts_this_and_the_previous_window_only(session):
    now = 1_900_000_000.0
    current = self_checkin_code(session, at=now)
    assert self_checkin_code_valid(session, current, at=now)
    assert self_checkin_code_valid(session, current, at=now + attendance.SELF_CHECKIN_WINDOW)
    assert not self_checkin_code_valid(
        session, current, at=now + 2 * attendance.SELF_CHECKIN_WINDOW
    )
    assert not self_checkin_code_valid(session, "", at=now)


def test_self_check_in_with_an_expired_code_is_refused(person, session):
    expired = self_checkin_code(session, at=time.time() - 5 * attendance.SELF_CHECKIN_WINDOW)
    with pytest.raises(AttendanceRefused) as refused:
        self_check_in(registration=person, session=session, code=expired, now=at(27, 9, 5))
    assert refused.value.field == "code"
    assert "expired" in refused.value.message
    assert not Attendance.objects.exists()


def test_self_check_in_marks_present_then_late(person, session, workshop):
    code = self_checkin_code(session)
    mark = self_check_in(registration=person, session=session, code=code, now=at(27, 9, 5))
    assert mark.status == "present"
    late = register(workshop, "late@example.org")
    mark = self_check_in(registration=late, session=session, code=code, now=at(27, 9, 40))
    assert mark.status == "late"
    assert Attendance.objects.get(registration=late).recorded_by is None


def test_self_check_in_outside_the_session_is_refused(person, session):
    with pytest.raises(AttendanceRefused) as refused:
        self_check_in(
            registration=person,
            session=session,
            code=self_checkin_code(session),
            now=at(27, 11),
        )
    assert refused.value.field == "session"


# Completion ---------------------------------------------------------------------------


@pytest.fixture
def five_sessions(workshop, make_session):
    return [
        make_session(workshop, title=f"S{n}", starts_at=at(27, 8 + n), ends_at=at(27, 9 + n))
        for n in range(5)
    ]


def mark_all(people_sessions, organiser):
    for registration, session, status in people_sessions:
        record_attendance(registration=registration, session=session, status=status, by=organiser)


def test_completion_needs_the_share_of_counted_sessions(workshop, five_sessions, organiser):
    four = register(workshop, "four@example.org")
    three = register(workshop, "three@example.org")
    excused = register(workshop, "excused@example.org")
    marks = [(four, s, "present") for s in five_sessions[:3]] + [(four, five_sessions[3], "late")]
    marks += [(three, s, "present") for s in five_sessions[:3]]
    marks += [(excused, s, "present") for s in five_sessions[:3]]
    marks += [(excused, s, "excused") for s in five_sessions[3:]]
    mark_all(marks, organiser)
    rows = {row.participant.email: row for row in completion(workshop, now=AFTER)}
    assert (rows["four@example.org"].slots_attended, rows["four@example.org"].slots_counted) == (
        4,
        5,
    )
    assert rows["four@example.org"].completed is True  # 4/5 = 80%
    assert rows["three@example.org"].completed is False  # 3/5
    assert rows["excused@example.org"].completed is False  # excused is not attended
    assert rows["four@example.org"].time_attended == timedelta(hours=4)
    assert list(completed_registrations(workshop, now=AFTER)) == [four]

    workshop.completion_share = 60
    workshop.save()
    assert {r.participant.email for r in completed_registrations(workshop, now=AFTER)} == {
        "four@example.org",
        "three@example.org",
        "excused@example.org",
    }


def test_completion_with_a_mandatory_session(workshop, five_sessions, organiser):
    everyone_but_last = register(workshop, "a@example.org")
    all_five = register(workshop, "b@example.org")
    mark_all([(everyone_but_last, s, "present") for s in five_sessions[:4]], organiser)
    mark_all([(all_five, s, "present") for s in five_sessions], organiser)
    assert completed_registrations(workshop, now=AFTER).count() == 2
    last = five_sessions[4]
    last.is_mandatory = True
    last.save()
    assert list(completed_registrations(workshop, now=AFTER)) == [all_five]
    row = completion(workshop, now=AFTER).get(pk=everyone_but_last.pk)
    assert row.mandatory_missed == 1


def test_sessions_without_a_register_breaks_and_future_ones_do_not_count(
    workshop, five_sessions, make_session, organiser
):
    person = register(workshop, "p@example.org")
    make_session(
        workshop, title="Tea", kind=Session.Kind.BREAK, starts_at=at(27, 15), ends_at=at(27, 16)
    )
    mark_all([(person, s, "present") for s in five_sessions[:4]], organiser)
    # Session 5 has no register taken: it does not count against anyone.
    row = completion(workshop, now=AFTER).get()
    assert (row.slots_attended, row.slots_counted, row.completed) == (4, 4, True)
    # Before any session began, nothing counts, and nobody has completed.
    assert completion(workshop, now=at(26, 8)).get().slots_counted == 0
    assert not completed_registrations(workshop, now=at(26, 8)).exists()


def test_parallel_sessions_count_as_one_slot(workshop, make_session, organiser):
    group_a = make_session(workshop, title="Group A", starts_at=at(28, 9), ends_at=at(28, 10))
    group_b = make_session(workshop, title="Group B", starts_at=at(28, 9), ends_at=at(28, 10))
    plenary = make_session(workshop, title="Plenary", starts_at=at(28, 11), ends_at=at(28, 12))
    in_a = register(workshop, "a@example.org")
    in_b = register(workshop, "b@example.org")
    mark_all(
        [
            (in_a, group_a, "present"),
            (in_b, group_b, "present"),
            (in_a, plenary, "present"),
            (in_b, plenary, "present"),
        ],
        organiser,
    )
    rows = list(completion(workshop, now=AFTER))
    assert {(row.slots_attended, row.slots_counted, row.completed) for row in rows} == {
        (2, 2, True)
    }


def test_rates_per_session_day_and_participant(workshop, five_sessions, organiser):
    one = register(workshop, "one@example.org")
    two = register(workshop, "two@example.org")
    mark_all([(one, s, "present") for s in five_sessions], organiser)
    mark_all([(two, five_sessions[0], "absent"), (two, five_sessions[1], "late")], organiser)
    sessions = attendance.session_rates(workshop)
    assert [(sessions[s.pk].attended, sessions[s.pk].expected) for s in five_sessions] == [
        (1, 2),
        (2, 2),
        (1, 2),
        (1, 2),
        (1, 2),
    ]
    days = attendance.day_rates(workshop, now=AFTER)
    day = at(27, 0).date()
    assert (days[day].attended, days[day].expected) == (6, 10)
    assert days[at(26, 0).date()].rate is None
    people = attendance.participant_rates(workshop, now=AFTER)
    assert (people[one.pk].rate, people[two.pk].rate) == (1.0, 0.2)


def test_agency_rates(workshop, five_sessions, organiser):
    ministry = Agency.objects.create(name="Ministry of Public Security")
    one = register(workshop, "one@example.org", agency=ministry)
    two = register(workshop, "two@example.org", agency=ministry)
    typed = register(workshop, "three@example.org", agency_name="Lijiang Women's Federation")
    mark_all([(one, s, "present") for s in five_sessions], organiser)
    mark_all([(two, s, "present") for s in five_sessions[:2]], organiser)
    mark_all([(typed, five_sessions[0], "present")], organiser)
    rates = {
        rate.key: (rate.attended, rate.expected)
        for rate in attendance.agency_rates(workshop, now=AFTER)
    }
    assert rates == {
        "Lijiang Women's Federation": (1, 5),
        "Ministry of Public Security": (7, 10),
    }


# Two connections, one record ----------------------------------------------------------

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers, so no race can be lost.",
)


def against_an_open_insert(registration, session, organiser, mark):
    """Connection A inserts ``registration``'s record at ``session`` and holds its
    transaction open for half a second; meanwhile ``mark()`` runs on connection B, whose
    INSERT waits on the unique index and loses when A commits. Returns what ``mark()``
    returned, or raises what it raised."""
    inserted = threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            Attendance.objects.create(
                registration=registration,
                session=session,
                status="present",
                recorded_by=organiser,
            )
            inserted.set()
            time.sleep(0.5)

    def second():
        try:
            inserted.wait(5)
            outcome["result"] = mark()
        except Exception as error:
            outcome["error"] = error

    at_once([first, second], together=False, timeout=20)
    assert "error" not in outcome, outcome
    return outcome["result"]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_marks_leave_one_record_and_the_loser_updates_it(
    workshop, make_session, organiser
):
    """B's mark finds no record, inserts, loses the race to A's open insert, and updates
    A's record."""
    session = make_session(workshop)
    person = register(workshop, "race@example.org")

    mark = against_an_open_insert(
        person,
        session,
        organiser,
        lambda: record_attendance(
            registration=person, session=session, status="late", by=organiser
        ),
    )

    assert mark.changed is True
    assert list(Attendance.objects.values_list("status", flat=True)) == ["late"]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_organisers_marking_at_once_never_make_two_records(workshop, make_session, organiser):
    sessions = [make_session(workshop, title=f"S{n}", starts_at=at(27, 8 + n)) for n in range(3)]
    people = [register(workshop, f"p{n}@example.org") for n in range(10)]
    errors = []

    def organiser_marks(status):
        try:
            for session in sessions:
                for person in people:
                    record_attendance(
                        registration=person, session=session, status=status, by=organiser
                    )
        except Exception as error:
            errors.append(error)

    at_once([lambda: organiser_marks("present"), lambda: organiser_marks("late")])
    assert errors == []
    assert Attendance.objects.count() == 30


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_that_loses_a_race_records_every_mark_once(workshop, make_session, organiser):
    """The API's batch (``record_register``): B's batch finds no record, its one INSERT
    loses the race to A's open insert; B then records each new mark through
    ``record_attendance``, updating A's record and inserting the other."""
    session = make_session(workshop)
    raced = register(workshop, "race@example.org")
    other = register(workshop, "other@example.org")

    marks = against_an_open_insert(
        raced,
        session,
        organiser,
        lambda: attendance.record_register(
            entries=[
                attendance.Entry(other, session, "present"),
                attendance.Entry(raced, session, "late"),
            ],
            by=organiser,
        ),
    )

    assert [(m.registration_id, m.status, m.changed) for m in marks] == [
        (other.pk, "present", True),
        (raced.pk, "late", True),
    ]
    assert dict(Attendance.objects.values_list("registration_id", "status")) == {
        other.pk: "present",
        raced.pk: "late",
    }


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_marks_lock_their_records_alone(workshop, session, person, organiser):
    """While a batch and a single mark hold their transaction open, the workshop's row
    (which registering locks to count seats), the session's and the registration's are
    free: Attendance's own order (by session and registration) must not join them into
    the FOR UPDATE."""
    record_attendance(registration=person, session=session, status="present", by=organiser)
    held, release = threading.Event(), threading.Event()

    def mark():
        with transaction.atomic():
            attendance.record_register(
                entries=[attendance.Entry(person, session, "late")], by=organiser
            )
            record_attendance(registration=person, session=session, status="excused", by=organiser)
            held.set()
            release.wait(10)

    def lock_the_others():
        try:
            assert held.wait(10)
            with transaction.atomic():
                return [
                    model.objects.select_for_update(nowait=True).get(pk=pk).pk
                    for model, pk in (
                        (Workshop, workshop.pk),
                        (Session, session.pk),
                        (Registration, person.pk),
                    )
                ]
        except Exception as error:
            return error
        finally:
            release.set()

    locked = at_once([mark, lock_the_others], together=False, timeout=20)[1]
    assert locked == [workshop.pk, session.pk, person.pk]
    assert Attendance.objects.get().status == "excused"


def test_a_batch_naming_one_record_twice_applies_them_in_order(
    workshop, session, person, organiser
):
    record_attendance(registration=person, session=session, status="present", by=organiser)
    marks = attendance.record_register(
        entries=[
            attendance.Entry(person, session, "present"),
            attendance.Entry(person, session, "late"),
            attendance.Entry(person, session, "excused"),
        ],
        by=organiser,
    )
    assert [(m.status, m.changed) for m in marks] == [
        ("present", False),
        ("late", True),
        ("excused", True),
    ]
    assert list(Attendance.objects.values_list("status", flat=True)) == ["excused"]

"""Capacity and the waiting list's order hold whatever arrives at once.

Real threads, each with its own database connection (closed when the thread ends), all
released together by a barrier, against a committed database (``transactional_db``).
PostgreSQL's server is shared with other test runs, so the registrations go through a
pool of ``WORKERS`` threads (each its own connection) rather than one connection per
registration, which would pass ``max_connections``.

The control run switches the workshop lock off and widens the gap between counting the
seats and taking one: it must overbook, which shows that the main runs would notice if the
lock stopped working.
"""

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from participants.models import Participant, Registration
from participants.services import cancel_registration, register_participant

Status = Registration.Status
WORKERS = 24

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: on SQLite every write transaction is IMMEDIATE, so writers "
    "queue for the database's one lock and no race can be lost (see the SQLite test).",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's locking: the PostgreSQL tests cover races."
)


def run_in_parallel(tasks, workers=WORKERS):
    """Run the callables ``tasks`` on ``workers`` threads released at once.

    Returns (results, errors); each thread closes its own connection when done.
    """
    workers = min(workers, len(tasks))
    barrier = threading.Barrier(workers)
    results, errors = [], []
    guard = threading.Lock()

    def work(share):
        try:
            barrier.wait()
            for task in share:
                try:
                    outcome = task()
                except Exception as error:  # collected and asserted empty by the test
                    with guard:
                        errors.append(error)
                else:
                    with guard:
                        results.append(outcome)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(tasks[n::workers],), daemon=True)
        for n in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results, errors


def registration_task(workshop, email):
    def register():
        return register_participant(
            workshop=workshop,
            data={"name": email.split("@")[0], "email": email},
            source=Registration.Source.PUBLIC,
        )

    return register


def counts(workshop):
    rows = Registration.objects.filter(workshop=workshop)
    return {
        "confirmed": rows.filter(status=Status.CONFIRMED).count(),
        "waitlisted": rows.filter(status=Status.WAITLISTED).count(),
        "total": rows.count(),
    }


@pytest.fixture
def twenty_seats(make_workshop, transactional_db):
    return make_workshop(capacity=20, slug="twenty-seats")


@on_postgres
@pytest.mark.postgres
@pytest.mark.parametrize("run", [1, 2, 3])
def test_parallel_registrations_never_exceed_capacity(twenty_seats, run, mailoutbox):
    tasks = [registration_task(twenty_seats, f"person{n}@example.org") for n in range(200)]

    results, errors = run_in_parallel(tasks)

    assert errors == []
    assert len(results) == 200
    assert all(outcome.created for outcome in results)
    assert counts(twenty_seats) == {"confirmed": 20, "waitlisted": 180, "total": 200}
    assert Participant.objects.count() == 200
    # Everyone was told where they stand, once.
    assert len(mailoutbox) == 200
    call_command("check_registrations")


@pytest.fixture
def no_workshop_lock(monkeypatch):
    """The services as they would be without the lock: the workshop read unlocked, and a
    pause between counting the seats and taking one, so that the race is lost for sure."""
    from events.models import Workshop
    from participants import services

    counted = services._seat_figures

    def count_then_wait(workshop):
        figures = counted(workshop)
        time.sleep(0.05)
        return figures

    monkeypatch.setattr(services, "_lock_workshop", lambda w: Workshop.objects.get(pk=w.pk))
    monkeypatch.setattr(services, "_seat_figures", count_then_wait)


@on_postgres
@pytest.mark.postgres
def test_parallel_registrations_without_the_lock_overbook(twenty_seats, no_workshop_lock):
    """The control run: the same load with the lock off must break capacity."""
    tasks = [registration_task(twenty_seats, f"person{n}@example.org") for n in range(200)]

    _, errors = run_in_parallel(tasks)

    assert errors == []
    assert counts(twenty_seats)["confirmed"] > 20
    with pytest.raises(CommandError, match="registration violation"):
        call_command("check_registrations")


@on_postgres
@pytest.mark.postgres
def test_parallel_double_submits_give_one_registration(twenty_seats):
    # One person pressing "Register" twenty times at once, in varying case.
    tasks = [
        registration_task(twenty_seats, "Li.Mei@example.org" if n % 2 else "li.mei@EXAMPLE.org")
        for n in range(20)
    ]

    results, errors = run_in_parallel(tasks)

    assert errors == []
    assert sorted(outcome.created for outcome in results) == [False] * 19 + [True]
    assert len({outcome.registration.pk for outcome in results}) == 1
    assert Participant.objects.count() == 1
    call_command("check_registrations")


@on_postgres
@pytest.mark.postgres
def test_parallel_first_registrations_of_one_person_in_many_workshops(
    make_workshop, transactional_db
):
    # Different workshops take different locks: the unique e-mail index settles the race.
    workshops = [make_workshop(slug=f"w{n}") for n in range(12)]
    tasks = [registration_task(workshop, "wang.fang@example.org") for workshop in workshops]

    results, errors = run_in_parallel(tasks)

    assert errors == []
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 12
    assert all(outcome.created for outcome in results)


def test_waiting_list_order_holds_while_seats_free_up_under_load(twenty_seats):
    """Cancellations and newcomers at once: the waiting list is promoted first, in order."""
    workshop = twenty_seats
    seated = [
        registration_task(workshop, f"seated{n:02}@example.org")().registration for n in range(20)
    ]
    waiting = [
        registration_task(workshop, f"waiting{n:02}@example.org")().registration for n in range(30)
    ]
    assert {r.status for r in seated} == {Status.CONFIRMED}
    assert {r.status for r in waiting} == {Status.WAITLISTED}

    leaving = seated[:10]
    cancellations = [
        (lambda registration=registration: cancel_registration(registration=registration))
        for registration in leaving
    ]
    newcomers = [registration_task(workshop, f"new{n:02}@example.org") for n in range(60)]
    # Interleaved, so that cancellations and newcomers race from the first moment.
    tasks = [*cancellations, *newcomers]
    tasks = [tasks[n] for n in _interleave(len(cancellations), len(newcomers))]

    _, errors = run_in_parallel(tasks)

    assert errors == []
    confirmed = set(
        Registration.objects.filter(workshop=workshop, status=Status.CONFIRMED).values_list(
            "participant__email", flat=True
        )
    )
    # The ten who stayed, and the first ten who waited: nobody else.
    assert confirmed == {f"seated{n:02}@example.org" for n in range(10, 20)} | {
        f"waiting{n:02}@example.org" for n in range(10)
    }
    queue = list(
        Registration.objects.filter(workshop=workshop)
        .waiting()
        .values_list("participant__email", flat=True)
    )
    # The twenty still waiting keep their order, ahead of every newcomer.
    assert queue[:20] == [f"waiting{n:02}@example.org" for n in range(10, 30)]
    assert sorted(queue[20:]) == [f"new{n:02}@example.org" for n in range(60)]
    call_command("check_registrations")


def _interleave(first: int, second: int) -> list[int]:
    """Indexes into [*first_items, *second_items], spreading the first among the second."""
    order, step = [], max(second // max(first, 1), 1)
    b = 0
    for a in range(first):
        order.append(a)
        order.extend(first + n for n in range(b, min(b + step, second)))
        b += step
    order.extend(first + n for n in range(b, second))
    return order


@on_sqlite
def test_parallel_registrations_on_sqlite_queue_instead_of_failing(make_workshop, transactional_db):
    workshop = make_workshop(capacity=20, slug="sqlite-seats")
    tasks = [registration_task(workshop, f"person{n}@example.org") for n in range(50)]

    results, errors = run_in_parallel(tasks, workers=50)

    # No "database is locked": IMMEDIATE transactions wait for the lock instead.
    assert errors == []
    assert len(results) == 50
    assert counts(workshop) == {"confirmed": 20, "waitlisted": 30, "total": 50}
    call_command("check_registrations")

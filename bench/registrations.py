"""Registrations per second through ``register_participant`` on PostgreSQL, 8 workers at once.

Each run registers 1,000 new people for a fresh 500-seat workshop from 8 threads (each with
its own connection), so half take a seat and half join the waiting list. The figure is
compared with the same work with the workshop lock taken out (``_lock_workshop`` replaced by
an unlocked read for that run, as the concurrency tests' control run does): the floor, what
the database costs without serialising seat decisions (and which overbooks). The two kinds
of run alternate, so that a busy moment of the machine weighs on both. E-mails are not
sent (``notify=False``): their cost is the mail server's, not the rules'.

    .venv/bin/python -m bench registrations
"""

import os
import statistics
import threading
import time
from contextlib import contextmanager, nullcontext
from itertools import count

from bench._harness import report, setup_django

DATABASE_URL = os.environ.get(
    "BENCH_REGISTRATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
WORKERS = 8
SEATS = 500
PEOPLE = 1000
RUNS = 3

_runs = count()


@contextmanager
def without_the_lock():
    """The registration service with the workshop read unlocked, for one run."""
    from events.models import Workshop
    from participants import services

    locked = services._lock_workshop
    services._lock_workshop = lambda workshop: Workshop.objects.get(pk=workshop.pk)
    try:
        yield
    finally:
        services._lock_workshop = locked


def register_in_parallel(*, locking: bool) -> dict:
    """One run: a new workshop, PEOPLE registrations from WORKERS threads. Returns its counts."""
    with nullcontext() if locking else without_the_lock():
        return _register_in_parallel()


def _register_in_parallel() -> dict:
    from datetime import date

    from django.db import connections

    from events.models import Workshop
    from participants.models import Registration
    from participants.services import register_participant

    run = next(_runs)
    workshop = Workshop.objects.create(
        title=f"Benchmark {run}",
        slug=f"bench-{run}",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 5),
        capacity=SEATS,
        status=Workshop.Status.PUBLISHED,
    )
    barrier = threading.Barrier(WORKERS)
    errors = []

    def work(worker: int):
        try:
            barrier.wait()
            for n in range(worker, PEOPLE, WORKERS):
                register_participant(
                    workshop=workshop,
                    data={"name": f"Person {n}", "email": f"p{run}-{n}@example.org"},
                    source=Registration.Source.PUBLIC,
                    notify=False,
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    rows = Registration.objects.filter(workshop=workshop)
    return {
        "confirmed": rows.filter(status=Registration.Status.CONFIRMED).count(),
        "total": rows.count(),
    }


def main() -> None:
    setup_django(DATABASE_URL)

    outcomes = {True: [], False: []}
    times = {True: [], False: []}
    register_in_parallel(locking=True)  # warm-up, unmeasured
    for run in range(RUNS):
        # Interleaved, each round in the other order: with the lock, then without, then
        # without, then with...
        for locking in (True, False) if run % 2 == 0 else (False, True):
            start = time.perf_counter()
            outcomes[locking].append(register_in_parallel(locking=locking))
            times[locking].append(time.perf_counter() - start)
    locked, unlocked = statistics.median(times[True]), statistics.median(times[False])

    seated = {c["confirmed"] for c in outcomes[True]}
    assert seated == {SEATS}, f"the lock let capacity slip: {seated}"
    assert {c["total"] for c in outcomes[True] + outcomes[False]} == {PEOPLE}
    overbooked = max(c["confirmed"] for c in outcomes[False]) - SEATS

    print(
        f"{PEOPLE} registrations for {SEATS} seats from {WORKERS} threads, median of {RUNS} "
        f"runs; with the lock every run seated exactly {SEATS}; without it the worst run "
        f"overbooked by {overbooked}."
    )
    report(
        "registrations per second (workshop lock)",
        PEOPLE / locked,
        "registrations/s",
        baseline_name="no lock, the floor",
        baseline=PEOPLE / unlocked,
        higher_is_better=True,
    )

"""Registrations per second through ``register_participant`` on PostgreSQL, 8 workers at once.

Each run registers 1,000 new people from 8 threads (each with its own connection) for fresh
workshops, so that half take a seat and half join the waiting list:

- contended: all 1,000 for one 500-seat workshop, so every seat decision waits for the
  workshop's lock;
- the floor: the same service doing the same work, each thread for a workshop of its own
  (125 people for 62 seats), so no thread ever waits for another's lock.

The two are run in turns (bench._harness.interleaved); their ratio is what serialising the
seat decisions costs. Both must seat exactly the capacity. E-mails are not sent
(``notify=False``): their cost is the mail server's, not the rules'.

    .venv/bin/python -m bench registrations
"""

import os
import threading
from itertools import count

from bench._harness import interleaved, report, setup_django

DATABASE_URL = os.environ.get(
    "BENCH_REGISTRATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
WORKERS = 8
SEATS = 500
PEOPLE = 1000
RUNS = 3
# The lock may cost this much throughput at most, against the uncontended floor.
TARGET = 3

_runs = count()


def register_in_parallel(*, shared: bool) -> dict:
    """One run: PEOPLE registrations from WORKERS threads, for one workshop (``shared``) or
    one each. Returns the seats taken and the registrations made."""
    from datetime import date

    from django.db import connections

    from participants.models import Registration
    from participants.services import register_participant
    from tests import factories

    run = next(_runs)
    workshops = [
        factories.workshop(
            title=f"Benchmark {run}.{n}",
            slug=f"bench-{run}-{n}",
            start_date=date(2030, 1, 1),
            end_date=date(2030, 1, 5),
            capacity=SEATS if shared else SEATS // WORKERS,
        )
        for n in range(1 if shared else WORKERS)
    ]
    barrier = threading.Barrier(WORKERS)
    errors = []

    def work(worker: int):
        workshop = workshops[0 if shared else worker]
        try:
            barrier.wait()
            for n in range(worker, PEOPLE, WORKERS):
                register_participant(
                    workshop=workshop,
                    data={"name": f"Person {run}-{n}", "email": f"p{run}-{n}@example.org"},
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
    rows = Registration.objects.filter(workshop__in=workshops)
    return {
        "confirmed": rows.filter(status=Registration.Status.CONFIRMED).count(),
        "capacity": sum(w.capacity for w in workshops),
        "total": rows.count(),
    }


def main() -> None:
    setup_django(DATABASE_URL)

    outcomes = {True: [], False: []}

    def run(shared: bool):
        return lambda: outcomes[shared].append(register_in_parallel(shared=shared))

    figures = interleaved({"contended": run(True), "floor": run(False)}, repeat=RUNS, warmup=1)

    for outcome in outcomes[True] + outcomes[False]:
        assert outcome["confirmed"] == outcome["capacity"], f"capacity slipped: {outcome}"
        assert outcome["total"] == PEOPLE, outcome
    print(
        f"{PEOPLE} registrations from {WORKERS} threads, half seated, median of {RUNS} runs "
        "each way, in turns; every run seated exactly its capacity."
    )
    report(
        "registrations per second, one workshop (its lock contended)",
        PEOPLE / figures["contended"],
        "registrations/s",
        baseline_name="the same service, a workshop per thread (no lock waits)",
        baseline=PEOPLE / figures["floor"],
        higher_is_better=True,
        target=TARGET,
    )

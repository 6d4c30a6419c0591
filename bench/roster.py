"""The roster page and its CSV and XLSX exports at 1,000 and 10,000 registrations, 95% waiting.

Targets (issue 9): linear growth, 10,000 no more than 12x the time of 1,000; the roster page
under 300 ms and a full export under 3 s at 10,000. Run on SQLite and on PostgreSQL (a
scratch database of its own on BENCH_POSTGRES_SERVER, default 127.0.0.1:5432): each in a
process of its own, since Django is configured once per process.
"""

import os
import subprocess
import sys

from bench._harness import analyze, ceiling, interleaved, report, setup_django

SIZES = (1_000, 10_000)
WAITING_SHARE = 0.95
POSTGRES = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")


def build(size: int, key: str):
    """A workshop with ``size`` registrations, 95% of them on the waiting list."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.models import Agency
    from participants.models import Registration
    from tests import factories

    organiser = get_user_model().objects.create_user(f"organiser-{key}")
    workshop = factories.workshop(
        title=f"Roster {size}",
        slug=f"roster-{key}",
        start_date=date(2030, 3, 1),
        end_date=date(2030, 3, 5),
        capacity=round(size * (1 - WAITING_SHARE)),
    )
    workshop.organisers.add(organiser)
    agency = Agency.objects.create(name=f"Agency {key}")
    seated = workshop.capacity
    start = timezone.now()

    def details(n):
        row = {"name_local": f"人{n}", "region": f"Region {n % 7}"}
        if n >= seated:
            row |= {
                "status": Registration.Status.WAITLISTED,
                "waitlisted_at": start + timedelta(seconds=n),
            }
        return row

    factories.bulk_registrations(
        workshop,
        size,
        email=f"{key}-{{n}}@example.org",
        each=details,
        batch_size=2000,
        agency=agency,
        position="Officer",
        source=Registration.Source.IMPORT,
    )
    return organiser, workshop


def timings(built: dict) -> dict[int, dict[str, float]]:
    """Median seconds of the roster's first page and of each full export, at each size: the
    sizes measured in turns (bench._harness.interleaved), so that their ratio holds on a
    shared machine."""
    from django.test import Client
    from django.urls import reverse

    pages = {}
    for size, (organiser, workshop) in built.items():
        client = Client()
        client.force_login(organiser)
        roster = reverse("participants:registrations", args=[workshop.slug])
        export = reverse("participants:registrations_export", args=[workshop.slug])
        assert client.get(roster).status_code == 200
        pages[size] = (client, roster, export)
    figures: dict[int, dict[str, float]] = {size: {} for size in built}
    for name, query, repeat in [
        ("roster page", None, 7),
        ("CSV export", {"format": "csv"}, 3),
        ("XLSX export", {"format": "xlsx"}, 3),
    ]:
        runs = {
            str(size): (
                lambda client=client, url=(roster if query is None else export), query=query: (
                    client.get(url, query or {})
                )
            )
            for size, (client, roster, export) in pages.items()
        }
        for size, seconds in interleaved(runs, repeat=repeat, warmup=1).items():
            figures[int(size)][name] = seconds
    return figures


def measure() -> None:
    """The figures for the database this process was configured with."""
    setup_django()
    from django.db import connection

    built = {size: build(size, f"s{size}") for size in SIZES}
    analyze()
    figures = timings(built)
    small, large = SIZES
    limits = {"roster page": 0.3, "CSV export": 3.0, "XLSX export": 3.0}
    for name, limit in limits.items():
        report(
            f"[{connection.vendor}] {name} at {large:,} registrations",
            figures[large][name],
            "s",
            baseline_name=f"the same at {small:,}",
            baseline=figures[small][name],
            target=12,
        )
        ceiling(f"[{connection.vendor}] {name} at {large:,}", figures[large][name], limit)


def main() -> None:
    if os.environ.get("BENCH_ROSTER_CHILD"):
        measure()
        return
    failed = 0
    for url in (None, POSTGRES):
        env = {**os.environ, "BENCH_ROSTER_CHILD": "1"}
        env.pop("BENCH_DATABASE_URL", None)
        if url:
            env["BENCH_DATABASE_URL"] = url
        failed |= subprocess.call([sys.executable, "-m", "bench", "roster"], env=env)
    if failed:
        sys.exit(failed)

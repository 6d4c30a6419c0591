"""Shared set-up and reporting for the benchmarks."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_ready = False


def setup_django(database_url: str | None = None) -> None:
    """Configure Django on a fresh scratch database and migrate it.

    SQLite in a temporary file unless ``database_url`` (or BENCH_DATABASE_URL) names another.
    """
    global _ready
    if _ready:
        return
    url = database_url or os.environ.get("BENCH_DATABASE_URL")
    if not url:
        scratch = Path(tempfile.mkdtemp(prefix="workshops-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{scratch}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmarks-only")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    if url.startswith("postgres"):
        _reset_postgres()
    call_command("migrate", verbosity=0)
    _ready = True


def _reset_postgres() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def median_seconds(fn: Callable[[], object], *, repeat: int = 15, warmup: int = 2) -> float:
    """The median wall time of ``fn`` over ``repeat`` runs, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(
    name: str,
    value: float,
    unit: str,
    *,
    baseline_name: str,
    baseline: float,
    target: float | None = None,
    higher_is_better: bool = False,
) -> None:
    """Print one figure, its baseline and their ratio, and whether it meets ``target``."""
    ratio = (baseline / value if higher_is_better else value / baseline) if baseline else 0.0
    verdict = ""
    if target is not None:
        verdict = "  meets target" if ratio <= target else "  MISSES target"
        verdict += f" (<= {target:g}x)"
    print(
        f"{name}: {_fmt(value, unit)}   baseline ({baseline_name}): {_fmt(baseline, unit)}"
        f"   ratio: {ratio:.2f}x{verdict}"
    )


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.2f} ms"
    return f"{value:.1f} {unit}"

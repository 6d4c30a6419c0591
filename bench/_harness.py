"""Shared set-up and reporting for the benchmarks."""

import atexit
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_ready = False


def setup_django(database_url: str | None = None) -> None:
    """Configure Django on a fresh scratch database of the benchmark's own and migrate it.

    SQLite in a temporary file unless ``database_url`` (or BENCH_DATABASE_URL) names a
    PostgreSQL server: then a database of this run's own is created on that server and
    dropped when the run ends. The database the URL names is never touched, so pointing a
    benchmark at a real database cannot lose its data.
    """
    global _ready
    if _ready:
        return
    url = database_url or os.environ.get("BENCH_DATABASE_URL")
    if not url:
        scratch = Path(tempfile.mkdtemp(prefix="workshops-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{scratch}"
    elif url.startswith("postgres"):
        url = _scratch_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmarks-only")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    # The test client speaks plain HTTP: without this, DEBUG off redirects it to HTTPS.
    os.environ.setdefault("HTTPS", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _ready = True


def _scratch_postgres(url: str) -> str:
    """Create ``workshops_bench_<pid>`` on the server of ``url``; drop it at exit."""
    import psycopg
    from psycopg import sql

    server = url.rsplit("/", 1)[0]
    name = f"workshops_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    atexit.register(drop)
    return f"{server}/{name}"


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

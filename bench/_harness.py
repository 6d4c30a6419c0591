"""Shared set-up and reporting for the benchmarks."""

import atexit
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_ready = False
# The gates missed in this process, for bench.__main__'s exit status.
_missed: list[str] = []


def missed() -> list[str]:
    """The gates (targets) missed so far in this process."""
    return list(_missed)


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
    # Django's test client speaks plain HTTP to pages served from the apps' static files,
    # as the tests do (pyproject's pytest env): no redirect to HTTPS, no collectstatic.
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _ready = True


def analyze(*, sqlite: bool = False) -> None:
    """Gather the planner's statistics after a bulk load, as autovacuum keeps them on a live
    PostgreSQL database: freshly bulk-loaded tables have none. SQLite's too when ``sqlite``."""
    from django.db import connection

    if connection.vendor == "postgresql" or sqlite:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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


def interleaved(
    runs: dict[str, Callable[[], object]], *, repeat: int = 15, warmup: int = 2
) -> dict[str, float]:
    """The median wall time of each of ``runs``, measured in turns (A, B, A, B, ...): a slow
    moment of a shared machine falls on every figure alike, so their ratio holds.

    A run that returns a dict ``{name: seconds}`` has timed its own parts (the page after an
    unmeasured change, say); those are the figures, not its whole time.
    """
    times: dict[str, list[float]] = {}
    for turn in range(warmup + repeat):
        for name, fn in runs.items():
            start = time.perf_counter()
            parts = fn()
            elapsed = time.perf_counter() - start
            if turn < warmup:
                continue
            for part, seconds in (parts if isinstance(parts, dict) else {name: elapsed}).items():
                times.setdefault(part, []).append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def timed(fn: Callable[[], object]) -> float:
    """The wall time of one call of ``fn``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


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
    """Print one figure, its floor and their ratio, and whether it meets ``target`` (a gate:
    a missed one makes ``python -m bench`` exit non-zero)."""
    ratio = (baseline / value if higher_is_better else value / baseline) if baseline else 0.0
    verdict = ""
    if target is not None:
        verdict = "  meets target" if ratio <= target else "  MISSES target"
        verdict += f" (<= {target:g}x)"
        if ratio > target:
            _missed.append(f"{name}: {ratio:.2f}x, target <= {target:g}x")
    print(
        f"{name}: {_fmt(value, unit)}   floor ({baseline_name}): {_fmt(baseline, unit)}"
        f"   ratio: {ratio:.2f}x{verdict}"
    )


def against_floor(
    name: str,
    ours: Callable[[], object],
    floor: Callable[[], object],
    *,
    baseline_name: str,
    target: float | None = None,
    repeat: int = 15,
    warmup: int = 2,
    also: dict[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Time ``ours`` and its ``floor`` in turns (``interleaved``, with any runs ``also``
    names) and ``report`` ours against the floor; the figures, as "ours", "floor" and also's
    names."""
    figures = interleaved(
        {"ours": ours, "floor": floor, **(also or {})}, repeat=repeat, warmup=warmup
    )
    report(
        name,
        figures["ours"],
        "s",
        baseline_name=baseline_name,
        baseline=figures["floor"],
        target=target,
    )
    return figures


def ceiling(name: str, value: float, limit: float) -> None:
    """Print whether ``value`` seconds stays under the absolute ``limit`` (a gate too)."""
    met = value <= limit
    print(f"    {'meets' if met else 'MISSES'} the limit of {limit * 1000:.0f} ms ({name})")
    if not met:
        _missed.append(f"{name}: {value * 1000:.0f} ms, limit {limit * 1000:.0f} ms")


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.2f} ms"
    return f"{value:.1f} {unit}"

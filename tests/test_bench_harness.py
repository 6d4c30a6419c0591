"""The benchmarks' harness: A and B measured in turns, each figure beside its floor, and a
missed gate failing ``python -m bench``."""

import os
import sys
import types

import pytest

from bench import __main__ as bench_main
from bench import _harness


@pytest.fixture(autouse=True)
def no_gates_missed_yet(monkeypatch):
    monkeypatch.setattr(_harness, "_missed", [])


def test_interleaved_runs_a_and_b_in_turns_and_keeps_the_parts_timed_apart():
    calls = []
    figures = _harness.interleaved(
        {
            "a": lambda: calls.append("a"),
            "b": lambda: calls.append("b"),
            "change": lambda: calls.append("c") or {"after": 0.25},
        },
        repeat=3,
        warmup=1,
    )
    assert calls == ["a", "b", "c"] * 4
    assert set(figures) == {"a", "b", "after"}
    assert figures["after"] == 0.25


def test_a_missed_target_or_limit_is_recorded_and_printed(capsys):
    _harness.report("page", 0.030, "s", baseline_name="sign-in", baseline=0.002, target=10)
    _harness.report("cached", 0.004, "s", baseline_name="sign-in", baseline=0.002, target=5)
    _harness.ceiling("export", 3.5, 3.0)
    out = capsys.readouterr().out
    assert "page: 30.00 ms   floor (sign-in): 2.00 ms   ratio: 15.00x  MISSES target" in out
    assert "cached: 4.00 ms   floor (sign-in): 2.00 ms   ratio: 2.00x  meets target" in out
    assert "MISSES the limit of 3000 ms (export)" in out
    assert _harness.missed() == [
        "page: 15.00x, target <= 10x",
        "export: 3500 ms, limit 3000 ms",
    ]


def test_against_floor_times_ours_and_the_floor_in_turns_and_reports_ours(capsys):
    calls = []
    figures = _harness.against_floor(
        "page",
        lambda: calls.append("ours"),
        lambda: calls.append("floor"),
        baseline_name="sign-in",
        repeat=3,
        warmup=1,
        also={"extra": lambda: calls.append("extra")},
    )
    assert calls == ["ours", "floor", "extra"] * 4
    assert set(figures) == {"ours", "floor", "extra"}
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"page: {figures['ours'] * 1000:.2f} ms   floor (sign-in): ")


@pytest.mark.parametrize(("value", "status"), [(0.001, 0), (0.1, 1)])
def test_python_m_bench_exits_non_zero_when_a_gate_is_missed(monkeypatch, capsys, value, status):
    module = types.ModuleType("bench.fake_gate")
    module.main = lambda: _harness.report(
        "fake", value, "s", baseline_name="floor", baseline=0.01, target=2
    )
    monkeypatch.setitem(sys.modules, "bench.fake_gate", module)
    assert bench_main.main(["fake_gate"]) == status
    assert ("GATES MISSED" in capsys.readouterr().out) is bool(status)


def test_a_bench_on_postgresql_creates_and_drops_a_database_of_its_own(monkeypatch):
    # The database the URL names is never touched (issue 9: the harness once ran DROP SCHEMA
    # public CASCADE on it): the bench's own is made beside it and dropped at exit.
    psycopg = pytest.importorskip("psycopg")
    server = "postgres://postgres@127.0.0.1:5432"
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")

    def databases():
        with psycopg.connect(f"{server}/postgres") as admin:
            return {name for (name,) in admin.execute("SELECT datname FROM pg_database")}

    at_exit = []
    monkeypatch.setattr(_harness.atexit, "register", at_exit.append)
    # Other databases on the server may come and go meanwhile (other test runs): only these
    # two are looked at.
    url = _harness._scratch_postgres(f"{server}/postgres")
    scratch = url.rsplit("/", 1)[1]
    assert (url, scratch) == (f"{server}/{scratch}", f"workshops_bench_{os.getpid()}")
    assert {scratch, "postgres"} <= databases()
    (drop,) = at_exit
    drop()
    assert scratch not in databases()
    assert "postgres" in databases()

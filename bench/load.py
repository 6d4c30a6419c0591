"""A load test of the whole stack: gunicorn with 4 workers on PostgreSQL, over loopback.

At once: 200 people register for a 50-seat workshop through its public form (a GET for the
form and its CSRF token, then the POST), 50 readers fetch the public timetable and calendar
feeds, and 10 organisers mark attendance through the API with their tokens. Afterwards:
exactly 50 confirmed and 150 on the waiting list, no answer of 500 or more, and each
kind's p50/p95/p99 latency and throughput beside the floor: the same server, clients and
concurrency fetching /healthz (one SELECT 1 through the whole middleware stack).

Targets (issue #14): p95 under 500 ms; registrations per second at least half the floor's
requests per second.

Bounded: a fixed number of requests (200 registrations, 50 x 10 reads, 10 x 10 marks, 2,600
floor requests), each with a 30 s timeout, the whole run stopped after 300 s; loopback only.
The database is a scratch one of its own (bench/_harness.py), created and dropped.

    .venv/bin/python -m bench load      # BENCH_DATABASE_URL to choose the server
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from bench._harness import setup_django

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
WORKERS = 4
SEATS = 50
REGISTRANTS = 200
READERS = 50
READS_EACH = 10
ORGANISERS = 10
MARKS_EACH = 10
FLOOR_CLIENTS = REGISTRANTS + READERS + ORGANISERS
FLOOR_EACH = 10
TIMEOUT = 30
RUN_LIMIT = 300

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One keep-alive connection to the server; every request timed into ``record``."""

    def __init__(self, port: int, record, address: str):
        self.port = port
        self.record = record
        self.address = address
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def request(self, kind: str, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        # Each client comes through "our proxy" from an address of its own.
        headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            self.record(kind, time.perf_counter() - start, 599, time.perf_counter())
            return 599, repr(error).encode()
        self.record(kind, time.perf_counter() - start, response.status, time.perf_counter())
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.ends = defaultdict(list)

    def __call__(self, kind, seconds, status, end):
        with self.lock:
            self.times[kind].append(seconds)
            self.statuses[kind][status] += 1
            self.ends[kind].append(end)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> dict:
    """The workshop to register for, a running one to mark, organisers with API tokens."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.models import Session, Workshop
    from integrations.tokens import create_token
    from participants.models import Participant, Registration

    today = timezone.localdate()
    target = Workshop.objects.create(
        title="Load test workshop",
        slug="load",
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=32),
        capacity=SEATS,
        status=Workshop.Status.PUBLISHED,
        timezone="Asia/Shanghai",
    )
    running = Workshop.objects.create(
        title="Running workshop",
        slug="running",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
        capacity=200,
        status=Workshop.Status.PUBLISHED,
        timezone="Asia/Shanghai",
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    for workshop in (target, running):
        for n in range(12):
            begins = start + timedelta(days=31 if workshop is target else 0, hours=n)
            Session.objects.create(
                workshop=workshop,
                title=f"Session {n + 1}",
                starts_at=begins,
                ends_at=begins + timedelta(minutes=50),
            )
    people = Participant.objects.bulk_create(
        Participant(email=f"attendee{n}@example.org") for n in range(100)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            workshop=running,
            participant=person,
            name=f"Attendee {n}",
            status=Registration.Status.CONFIRMED,
            source=Registration.Source.ORGANISER,
        )
        for n, person in enumerate(people)
    )
    User = get_user_model()
    tokens = []
    for n in range(ORGANISERS):
        user = User.objects.create_user(f"organiser{n}", password="load-test-password-1")
        running.organisers.add(user)
        tokens.append(create_token(user=user, name="load")[1])
    sessions = list(running.sessions.order_by("starts_at").values_list("pk", flat=True))
    return {
        "tokens": tokens,
        "registrations": [r.pk for r in registrations],
        "sessions": sessions,
        "feeds": [r.feed_token for r in registrations[:READERS]],
        "today": str(date.today()),
    }


def start_server(port: int, database_url: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        ENV_FILE="",
        DEBUG="false",
        SECRET_KEY="load-test-only",
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="false",
        STATIC_MANIFEST="false",
        TASKS_BACKEND="database",
        TRUSTED_PROXY_COUNT="1",
        API_RATE_LIMIT_COUNT="100000",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="off",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="WARNING",
    )
    # A process group of its own, so that stop_server ends the master and its workers alike;
    # a SIGTERM to this benchmark (a timeout) becomes an exit, so its finally stops them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not start within 60 s")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers, from /proc; 0 where
    there is no /proc. Unlike wall times, it hardly grows when other programs load the machine,
    so the CPU a request costs compares across runs (PostgreSQL's own is not counted)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, pgrp, ...; utime and stime are fields 14 and 15.
        if int(fields[2]) == server.pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stop_server(server: subprocess.Popen) -> None:
    """End gunicorn's whole process group: TERM, then KILL after 30 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_threads(targets) -> float:
    """Start every target at once (a barrier), wait (bounded); return the wall time."""
    barrier = threading.Barrier(len(targets) + 1)

    def wrap(target):
        def go():
            barrier.wait()
            target()

        return go

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    deadline = time.monotonic() + RUN_LIMIT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        print(f"stopped after {RUN_LIMIT} s with requests still running")
    return time.perf_counter() - start


def mixed_load(port: int, data: dict, record: Recorder) -> float:
    def registrant(n):
        def go():
            client = Client(port, record, f"10.1.{n // 250}.{n % 250 + 1}")
            status, page = client.request("form", "GET", "/w/load/")
            found = _CSRF_INPUT.search(page.decode("utf-8", "replace"))
            if status != 200 or not found:
                record("register", 0.0, 598, time.perf_counter())
                return
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": found.group(1),
                    "name": f"Registrant {n}",
                    "gender": "undisclosed",
                    "agency_name": "Load Testing Agency",
                    "email": f"registrant{n}@example.org",
                    "preferred_language": "en",
                }
            )
            client.request(
                "register",
                "POST",
                "/w/load/",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )

        return go

    def reader(n):
        def go():
            client = Client(port, record, f"10.2.0.{n + 1}")
            for i in range(READS_EACH):
                if i % 3 == 0:
                    client.request("read", "GET", "/w/load/")
                elif i % 3 == 1:
                    client.request("read", "GET", "/w/load/calendar.ics")
                else:
                    client.request("read", "GET", f"/feeds/people/{data['feeds'][n]}.ics")

        return go

    def organiser(n):
        def go():
            client = Client(port, record, f"10.3.0.{n + 1}")
            people = data["registrations"][n * 10 : n * 10 + 10]
            for i in range(MARKS_EACH):
                marks = [
                    {
                        "registration": person,
                        "session": data["sessions"][i],
                        "status": "present" if (person + i) % 4 else "late",
                    }
                    for person in people
                ]
                client.request(
                    "mark",
                    "POST",
                    "/api/v1/attendance/",
                    body=json.dumps({"marks": marks}),
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {data['tokens'][n]}",
                    },
                )

        return go

    targets = (
        [registrant(n) for n in range(REGISTRANTS)]
        + [reader(n) for n in range(READERS)]
        + [organiser(n) for n in range(ORGANISERS)]
    )
    return run_threads(targets)


def floor_load(port: int, record: Recorder) -> float:
    def client(n):
        def go():
            c = Client(port, record, f"10.9.{n // 250}.{n % 250 + 1}")
            for _ in range(FLOOR_EACH):
                c.request("floor", "GET", "/healthz")

        return go

    return run_threads([client(n) for n in range(FLOOR_CLIENTS)])


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def rate(record: Recorder, kind: str) -> float:
    """Requests of ``kind`` per second, from the first start to the last end."""
    ends = record.ends[kind]
    if len(ends) < 2:
        return 0.0
    starts = [end - seconds for end, seconds in zip(ends, record.times[kind], strict=True)]
    return len(ends) / (max(ends) - min(starts))


def describe(record: Recorder, kind: str) -> str:
    times = record.times[kind]
    statuses = dict(sorted(record.statuses[kind].items()))
    return (
        f"{kind:>9}: {len(times):5d} requests  p50 {percentile(times, 0.5) * 1000:7.1f} ms  "
        f"p95 {percentile(times, 0.95) * 1000:7.1f} ms  p99 {percentile(times, 0.99) * 1000:7.1f} "
        f"ms  {rate(record, kind):7.1f}/s  statuses {statuses}"
    )


def main() -> None:
    setup_django(DATABASE_URL)
    from django.conf import settings
    from django.db import connections
    from django.db.models import Count

    from participants.models import Registration

    data = prepare()
    database_url = os.environ["DATABASE_URL"]
    connections.close_all()
    port = _free_port()
    server = start_server(port, database_url)
    try:
        floor = Recorder()
        cpu = server_cpu_seconds(server)
        floor_seconds = floor_load(port, floor)
        floor_cpu, cpu = server_cpu_seconds(server) - cpu, server_cpu_seconds(server)
        load = Recorder()
        load_seconds = mixed_load(port, data, load)
        load_cpu = server_cpu_seconds(server) - cpu
    finally:
        stop_server(server)

    counts = dict(
        Registration.objects.filter(workshop__slug="load")
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"gunicorn, {WORKERS} workers, on {engine} over loopback; "
        f"{REGISTRANTS} registering, {READERS} reading, {ORGANISERS} marking"
    )
    print(f"floor run {floor_seconds:.1f} s, mixed run {load_seconds:.1f} s")
    print(describe(floor, "floor"))
    for kind in ("form", "register", "read", "mark"):
        print(describe(load, kind))
    every = [t for kind in ("form", "register", "read", "mark") for t in load.times[kind]]
    p95 = percentile(every, 0.95)
    per_floor = floor_cpu / max(len(floor.times["floor"]), 1)
    per_mixed = load_cpu / max(len(every), 1)
    print(
        f"server CPU per request: floor {per_floor * 1000:.1f} ms, mixed {per_mixed * 1000:.1f} "
        f"ms ({per_mixed / max(per_floor, 1e-6):.1f}x; the wall times above swing with the "
        f"machine's other load, this far less)"
    )
    print(
        f"all mixed requests: p50 {percentile(every, 0.5) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"p99 {percentile(every, 0.99) * 1000:.1f} ms"
    )
    server_errors = sum(
        n for kind in load.statuses for status, n in load.statuses[kind].items() if status >= 500
    ) + sum(n for status, n in floor.statuses["floor"].items() if status >= 500)
    confirmed = counts.get(Registration.Status.CONFIRMED, 0)
    waitlisted = counts.get(Registration.Status.WAITLISTED, 0)
    registrations_rate = rate(load, "register")
    floor_rate = rate(floor, "floor")
    ratio = registrations_rate / floor_rate if floor_rate else 0.0
    print(f"registrations: {confirmed} confirmed, {waitlisted} waiting (want {SEATS} confirmed)")
    print(f"server errors (5xx or no answer): {server_errors}")
    print(
        f"p95 {p95 * 1000:.1f} ms (target < 500 ms): "
        + ("meets target" if p95 < 0.5 else "MISSES target")
    )
    print(
        f"registrations {registrations_rate:.1f}/s vs floor {floor_rate:.1f}/s: ratio "
        f"{ratio:.2f}x (target >= 0.5x): " + ("meets target" if ratio >= 0.5 else "MISSES target")
    )
    if confirmed != SEATS or confirmed + waitlisted != REGISTRANTS or server_errors:
        raise SystemExit("FAILED: wrong seat count or server errors")


if __name__ == "__main__":
    main()

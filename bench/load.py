"""A load test of the whole stack: gunicorn with 4 workers on PostgreSQL, over loopback.

Registration for a 50-seat workshop opens, and people come as users of a site come (the
way locust models them: each user arrives at a moment of a ramp, and pauses between its
requests), while others use the site around them:

- REGISTRANTS (200) arrive spread at random over REGISTRATION_RAMP (30 s): the opening
  time was announced, seats go to the first 50, and everyone invited comes at once. Each
  fetches the form (GET /w/load/, its CSRF token), reads it and fills it in for FORM_THINK
  (5 to 15 s), and sends it (the POST). Even a first-come opening spreads 200 people over
  minutes, and typing a name, an agency and an address takes a person a minute: this is
  the rush compressed several-fold (6.7 arrivals a second), so that the run stays short
  and is harsher than life.
- READERS (50) arrive over the same ramp; each makes READS_EACH (10) requests in turn, the
  public timetable page, the workshop's calendar and one participant's personal feed, with
  READ_THINK (1 to 4 s) between them, as a person clicking about. The calendars are fetched
  as calendar programs fetch them: the first time in full, then with the ETag they were
  given (If-None-Match), answered 304 while nothing changed.
- ORGANISERS (10) of a running workshop start within ORGANISER_RAMP (5 s); each sends
  MARKS_EACH (10) batches of 10 attendance marks (POST /api/v1/attendance/ with a Bearer
  token), one session's register after another, MARK_THINK (2 to 4 s) apart: ticking ten
  names takes a person longer.

Think times start when the previous answer arrives (a slow server stretches each user's
pace, as it would a person's). Every moment and pause comes from random.Random(SEED): the
same for every run and for both runs below.

The floor is the same run on the same server with every request replaced by the plainest
page (/healthz: one SELECT 1 through the whole middleware stack): the same users, arrivals
and pauses. Compared:

- p95 (and p50, p99) of every request of the mixed run; target (issue #14) under 500 ms.
- Registrations per second: the registrants' second request, the POST, counted from the
  first POST's start to the last one's end, against the same slot of the floor run (that
  user's second /healthz). Target: at least half the floor's rate. A server that keeps up
  answers as fast as the users send, so the two are close to 1x; a server that falls
  behind stretches the POSTs, and the ratio falls.

Both rates follow the users' pace, not the server's capacity: so, as information and not
as a target, a burst follows, BURST_CLIENTS (8) at once registering BURST_EACH (10) times
each for another 50-seat workshop with no pause (GET and POST), beside the same burst of
/healthz: the most registrations a second this server gives on this machine now, and
the CPU per request of gunicorn and of PostgreSQL's backends (from /proc: it hardly moves
when the shared machine is busy, unlike the wall times), whence the most a second two idle
cores could give. The load generator's own CPU is printed too: it runs on the same two
cores and steals from the server. Each run's CPU per request is printed as well, and the
share of the cores the mixed run kept busy: when other programs take the machine, the
wall times (and the gates on them) say so, and these figures tell the server's part.

Hard failures (exit 1): any seat count but exactly 50 confirmed (and the rest waiting) in
either workshop, any answer of 500 or more (or none). A missed target is a gate, as in the
other benches (``python -m bench`` exits 1).

Bounded: a fixed number of requests (200 x 2 registration requests, 50 x 10 reads, 10 x 10
marks, as many floor requests; 8 x 10 x 2 burst requests and as many floor ones), each with
a 30 s timeout; each of the four phases stopped after RUN_LIMIT (120 s), no request started
later; loopback only. The database is a scratch one of its own (bench/_harness.py),
created and dropped.

    .venv/bin/python -m bench load      # BENCH_DATABASE_URL to choose the server
"""

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench._harness import ceiling, report, setup_django

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
WORKERS = 4
SEATS = 50
SEED = 14
# Registrants: arrivals over the ramp, then the form's reading and filling in.
REGISTRANTS = 200
REGISTRATION_RAMP = 30.0
FORM_THINK = (5.0, 15.0)
# Readers of the timetable and the feeds.
READERS = 50
READS_EACH = 10
READ_THINK = (1.0, 4.0)
# Organisers marking a running workshop's attendance through the API.
ORGANISERS = 10
MARKS_EACH = 10
ORGANISER_RAMP = 5.0
MARK_THINK = (2.0, 4.0)
# The burst (information): registrations with no pause, a few clients at once.
BURST_CLIENTS = 8
BURST_EACH = 10
TIMEOUT = 30
RUN_LIMIT = 120
P95_LIMIT = 0.5
# At least half the floor's rate: as bench._harness.report counts, floor / ours <= 2.
RATE_TARGET = 2.0

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One keep-alive connection to the server; every request timed into ``record``.

    Remembers cookies, and each answer's ETag: a ``conditional`` request sends it back
    (If-None-Match), as a calendar program does."""

    def __init__(self, port: int, record, address: str):
        self.port = port
        self.record = record
        self.address = address
        self.cookies: dict[str, str] = {}
        self.etags: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def request(
        self, kind: str, method: str, path: str, body=None, headers=None, *, conditional=False
    ):
        headers = dict(headers or {})
        # Each client comes through "our proxy" from an address of its own.
        headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if conditional and path in self.etags:
            headers["If-None-Match"] = self.etags[path]
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
            elif header.lower() == "etag":
                self.etags[path] = value
        return response.status, content


def fetch_form(client: Client, kind: str, path: str) -> str | None:
    """GET the registration form at ``path``: its CSRF token, or None without one."""
    status, page = client.request(kind, "GET", path)
    found = _CSRF_INPUT.search(page.decode("utf-8", "replace"))
    return found.group(1) if status == 200 and found else None


def send_form(client: Client, kind: str, path: str, token: str | None, *, name: str, email: str):
    """POST the registration form at ``path`` as ``name`` at ``email``; a form that came
    without a token is counted as a failed request (598) of ``kind``."""
    if token is None:
        client.record(kind, 0.0, 598, time.perf_counter())
        return
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "name": name,
            "gender": "undisclosed",
            "agency_name": "Load Testing Agency",
            "email": email,
            "preferred_language": "en",
        }
    )
    client.request(
        kind,
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


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

    def count(self) -> int:
        return sum(len(times) for times in self.times.values())

    def server_errors(self) -> int:
        """Answers of 500 or more, and requests with no answer (599) or no form (598)."""
        return sum(n for kind in self.statuses for s, n in self.statuses[kind].items() if s >= 500)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> dict:
    """The workshops to register for (the load's and the burst's), a running one to mark,
    organisers with API tokens."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.models import Session, Workshop
    from integrations.tokens import create_token
    from tests import factories

    today = timezone.localdate()
    target, burst = (
        Workshop.objects.create(
            title=title,
            slug=slug,
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=32),
            capacity=SEATS,
            status=Workshop.Status.PUBLISHED,
            timezone="Asia/Shanghai",
        )
        for title, slug in (("Load test workshop", "load"), ("Burst workshop", "burst"))
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
    for workshop in (target, burst, running):
        for n in range(12):
            begins = start + timedelta(days=0 if workshop is running else 31, hours=n)
            Session.objects.create(
                workshop=workshop,
                title=f"Session {n + 1}",
                starts_at=begins,
                ends_at=begins + timedelta(minutes=50),
            )
    registrations = factories.bulk_registrations(
        running, 100, email="attendee{n}@example.org", name="Attendee {n}"
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
        # A connection per worker for the whole run (production renews it each minute), so
        # that database_cpu_seconds finds every backend that did the run's work.
        DATABASE_CONN_MAX_AGE="3600",
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


def database_cpu_seconds(name: str) -> float:
    """CPU time used so far by the PostgreSQL backends serving database ``name`` (their
    command line names it), from /proc; 0 where there is none (SQLite, another host). The
    server keeps its connections for the whole run (``start_server``), so no backend's
    time is lost with it."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if f" {name} " not in (proc / "cmdline").read_bytes().decode("utf-8", "replace"):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
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


# --- the users --------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """One user of the run: ``role`` (a kind of request), the ``n``-th of its role, and the
    pause before each of its requests (the first: its arrival after the start)."""

    role: str
    n: int
    pauses: tuple[float, ...]


def users() -> list[User]:
    """Everyone of the run, with their arrivals and think times (from SEED: the same each
    time, and the same in the floor run)."""
    rng = random.Random(SEED)
    everyone = [
        User("register", n, (rng.uniform(0, REGISTRATION_RAMP), rng.uniform(*FORM_THINK)))
        for n in range(REGISTRANTS)
    ]
    everyone += [
        User(
            "read",
            n,
            (
                rng.uniform(0, REGISTRATION_RAMP),
                *(rng.uniform(*READ_THINK) for _ in range(READS_EACH - 1)),
            ),
        )
        for n in range(READERS)
    ]
    everyone += [
        User(
            "mark",
            n,
            (
                rng.uniform(0, ORGANISER_RAMP),
                *(rng.uniform(*MARK_THINK) for _ in range(MARKS_EACH - 1)),
            ),
        )
        for n in range(ORGANISERS)
    ]
    return everyone


# Each role's requests: (port, data, record, user) -> one callable per request, in order.
Steps = Callable[[int, dict, Recorder, User], list[Callable[[], object]]]


def _address(user: User) -> str:
    block = {"register": 1, "read": 2, "mark": 3}[user.role]
    return f"10.{block}.{user.n // 250}.{user.n % 250 + 1}"


def mixed_steps(port: int, data: dict, record: Recorder, user: User) -> list:
    client = Client(port, record, _address(user))
    if user.role == "register":
        form = {}

        def get_form():
            form["token"] = fetch_form(client, "form", "/w/load/")

        def send():
            send_form(
                client,
                "register",
                "/w/load/",
                form["token"],
                name=f"Registrant {user.n}",
                email=f"registrant{user.n}@example.org",
            )

        return [get_form, send]
    if user.role == "read":
        paths = ["/w/load/", "/w/load/calendar.ics", f"/feeds/people/{data['feeds'][user.n]}.ics"]
        return [
            lambda path=paths[i % 3]: client.request(
                "read", "GET", path, conditional=path.endswith(".ics")
            )
            for i in range(READS_EACH)
        ]
    people = data["registrations"][user.n * 10 : user.n * 10 + 10]
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {data['tokens'][user.n]}",
    }

    def mark(i):
        marks = [
            {
                "registration": person,
                "session": data["sessions"][i],
                "status": "present" if (person + i) % 4 else "late",
            }
            for person in people
        ]
        return lambda: client.request(
            "mark",
            "POST",
            "/api/v1/attendance/",
            body=json.dumps({"marks": marks}),
            headers=headers,
        )

    return [mark(i) for i in range(MARKS_EACH)]


def floor_steps(port: int, data: dict, record: Recorder, user: User) -> list:
    """The same user's requests, each the plainest page, recorded under the same kind (the
    registrant's first as "form", its second as "register")."""
    client = Client(port, record, _address(user))
    kinds = ("form", "register") if user.role == "register" else (user.role,) * len(user.pauses)
    return [lambda kind=kind: client.request(kind, "GET", "/healthz") for kind in kinds]


def run_users(port: int, data: dict, record: Recorder, steps: Steps) -> float:
    """Every user on a thread of its own from one start: each waits for its arrival, makes
    its requests with its pauses between (counted from the previous answer), and starts no
    request after RUN_LIMIT. Returns the wall time."""
    everyone = users()
    start = deadline = 0.0  # set just before the threads start, below

    def live(user: User, requests: list) -> Callable[[], None]:
        def go():
            due = start
            for pause, request in zip(user.pauses, requests, strict=True):
                due += pause
                if due > deadline:
                    return
                time.sleep(max(0.0, due - time.perf_counter()))
                request()
                due = time.perf_counter()

        return go

    targets = [live(user, steps(port, data, record, user)) for user in everyone]
    # The clients are made: the users' clock starts now (the threads read it when they run).
    start = time.perf_counter()
    deadline = start + RUN_LIMIT
    return run_threads(targets)


def burst(port: int, record: Recorder, *, plain: bool) -> float:
    """BURST_CLIENTS at once, each registering BURST_EACH people for the burst workshop with
    no pause (or, ``plain``, fetching /healthz in their place); each person a connection and
    an address of their own, as separate people are."""

    def client(n):
        def go():
            for i in range(BURST_EACH):
                person = Client(port, record, f"10.4.{n}.{i + 1}")
                if plain:
                    person.request("burst form", "GET", "/healthz")
                    person.request("burst register", "GET", "/healthz")
                    continue
                send_form(
                    person,
                    "burst register",
                    "/w/burst/",
                    fetch_form(person, "burst form", "/w/burst/"),
                    name=f"Burst {n}-{i}",
                    email=f"burst-{n}-{i}@example.org",
                )

        return go

    return run_threads([client(n) for n in range(BURST_CLIENTS)])


# --- figures ----------------------------------------------------------------------------


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


def describe(record: Recorder, kind: str, label: str | None = None) -> str:
    times = record.times[kind]
    statuses = dict(sorted(record.statuses[kind].items()))
    return (
        f"{label or kind:>20}: {len(times):5d} requests  p50 {percentile(times, 0.5) * 1000:7.1f} "
        f"ms  p95 {percentile(times, 0.95) * 1000:7.1f} ms  p99 "
        f"{percentile(times, 0.99) * 1000:7.1f} ms  {rate(record, kind):7.1f}/s  statuses "
        f"{statuses}"
    )


def _all(record: Recorder) -> list[float]:
    return [t for times in record.times.values() for t in times]


def _summary(name: str, times: list[float]) -> str:
    return (
        f"{name}: {len(times)} requests, p50 {percentile(times, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(times, 0.95) * 1000:.1f} ms, p99 {percentile(times, 0.99) * 1000:.1f} ms"
    )


@dataclass
class Phase:
    record: Recorder
    seconds: float
    server_cpu: float
    database_cpu: float
    client_cpu: float

    def per_request(self, cpu: float) -> float:
        return cpu / max(self.record.count(), 1)


def _phase(server: subprocess.Popen, database: str, run: Callable[[Recorder], float]) -> Phase:
    record = Recorder()
    server_before, client_before = server_cpu_seconds(server), time.process_time()
    database_before = database_cpu_seconds(database)
    seconds = run(record)
    return Phase(
        record,
        seconds,
        server_cpu_seconds(server) - server_before,
        database_cpu_seconds(database) - database_before,
        time.process_time() - client_before,
    )


def _cpu(phase: Phase) -> str:
    ms = {
        name: phase.per_request(cpu) * 1000
        for name, cpu in (
            ("gunicorn", phase.server_cpu),
            ("PostgreSQL", phase.database_cpu),
            ("load generator", phase.client_cpu),
        )
    }
    return ", ".join(f"{name} {value:.1f} ms" for name, value in ms.items())


def _seats(slug: str) -> dict[str, int]:
    from django.db.models import Count

    from participants.models import Registration

    return dict(
        Registration.objects.filter(workshop__slug=slug)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )


def main() -> None:
    setup_django(DATABASE_URL)
    from django.conf import settings
    from django.db import connections

    data = prepare()
    load_before = os.getloadavg()[0]
    database_url = os.environ["DATABASE_URL"]
    connections.close_all()
    port = _free_port()
    server = start_server(port, database_url)
    database = settings.DATABASES["default"]["NAME"]
    try:
        floor = _phase(server, database, lambda r: run_users(port, data, r, floor_steps))
        mixed = _phase(server, database, lambda r: run_users(port, data, r, mixed_steps))
        burst_floor = _phase(server, database, lambda r: burst(port, r, plain=True))
        bursting = _phase(server, database, lambda r: burst(port, r, plain=False))
    finally:
        stop_server(server)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load_after = os.getloadavg()[0]
    print(
        f"machine load (1-minute average, {os.cpu_count()} cores) before {load_before:.1f}, "
        f"after {load_after:.1f}: other programs' share of the cores shows in every "
        f"wall time below, hardly in the CPU per request"
        + (
            "; the machine was busy, so the wall times (and their gates) measure it too"
            if max(load_before, load_after) > (os.cpu_count() or 1)
            else ""
        )
    )
    print(
        f"gunicorn, {WORKERS} workers, on {engine} over loopback. Users: {REGISTRANTS} "
        f"registering (arriving over {REGISTRATION_RAMP:g} s, {FORM_THINK[0]:g}-{FORM_THINK[1]:g}"
        f" s on the form), {READERS} reading ({READS_EACH} each, {READ_THINK[0]:g}-"
        f"{READ_THINK[1]:g} s apart), {ORGANISERS} marking ({MARKS_EACH} batches of 10, "
        f"{MARK_THINK[0]:g}-{MARK_THINK[1]:g} s apart)"
    )
    print(
        f"floor run (/healthz for every request) {floor.seconds:.1f} s, mixed run "
        f"{mixed.seconds:.1f} s"
    )
    for kind in ("form", "register", "read", "mark"):
        print(describe(mixed.record, kind))
        print(describe(floor.record, kind, f"floor {kind}"))
    every = _all(mixed.record)
    p95 = percentile(every, 0.95)
    print(_summary("all mixed requests", every))
    ceiling("load: p95 of every request of the mixed run", p95, P95_LIMIT)
    print(_summary("all floor requests", _all(floor.record)))
    for name, phase in (("mixed", mixed), ("floor", floor)):
        print(f"CPU per request, {name} run: {_cpu(phase)}")
    busy = (mixed.server_cpu + mixed.database_cpu + mixed.client_cpu) / mixed.seconds
    print(
        f"the mixed run's work (gunicorn, PostgreSQL, load generator) kept {busy:.2f} of "
        f"{os.cpu_count()} cores busy on average over its {mixed.seconds:.0f} s"
    )

    registered = rate(mixed.record, "register")
    floor_registered = rate(floor.record, "register")
    report(
        "load: registrations per second",
        registered,
        "/s",
        baseline_name="/healthz in the same slot",
        baseline=floor_registered,
        target=RATE_TARGET,
        higher_is_better=True,
    )
    ratio = registered / max(floor_registered, 1e-6)
    print(
        f"    = {ratio:.2f}x the floor's rate (issue #14: at least {1 / RATE_TARGET:g}x); "
        "counted: the registrants' POSTs (their second request), from the first one's start "
        "to the last one's end, and the same slot of the floor run (their second /healthz)"
    )

    journeys = rate(bursting.record, "burst register")
    floor_journeys = rate(burst_floor.record, "burst register")
    print(
        f"\nburst, for information (not a target): {BURST_CLIENTS} clients at once, "
        f"{BURST_EACH} registrations each, no pause"
    )
    for phase, name in ((bursting, "burst"), (burst_floor, "burst floor")):
        for kind in ("burst form", "burst register"):
            print(describe(phase.record, kind, kind.replace("burst", name)))
    people = max(len(bursting.record.times["burst register"]), 1)
    per_registration = (bursting.server_cpu + bursting.database_cpu) / people
    print(
        f"    capacity: {journeys:.1f} registrations/s (form GET + POST each; /healthz pairs "
        f"{floor_journeys:.1f}/s); the mixed run's users sent {registered:.1f}/s\n"
        f"    CPU per request, burst: {_cpu(bursting)}; per registration (gunicorn and "
        f"PostgreSQL) {per_registration * 1000:.1f} ms: on {os.cpu_count()} idle cores at most "
        f"{os.cpu_count() / max(per_registration, 1e-6):.0f} registrations/s\n"
        f"    CPU per request, burst of /healthz: {_cpu(burst_floor)}"
    )

    load_seats, burst_seats = _seats("load"), _seats("burst")
    errors = sum(phase.record.server_errors() for phase in (floor, mixed, burst_floor, bursting))
    print(
        f"\nseats: load {load_seats}, burst {burst_seats} (want {SEATS} confirmed, the rest "
        f"waiting); server errors (5xx or no answer): {errors}"
    )
    exact = all(
        seats.get("confirmed", 0) == SEATS
        and sum(seats.values()) == people
        and set(seats) <= {"confirmed", "waitlisted"}
        for seats, people in (
            (load_seats, REGISTRANTS),
            (burst_seats, BURST_CLIENTS * BURST_EACH),
        )
    )
    if not exact or errors:
        raise SystemExit("FAILED: wrong seat count or server errors")


if __name__ == "__main__":
    main()

"""The database task queue and a real worker for the tests that need them.

The suite runs tasks where they are queued (TASKS_BACKEND=immediate, in pyproject.toml);
these fixtures switch to django-tasks-db's queue and run ``manage.py run_worker``, in this
process (``--batch``: every task ready now, then stop) or as a separate process.
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "webhooks", "documents"],
    }
}


@pytest.fixture
def database_queue(settings, transactional_db):
    """Tasks go to the database queue; committed for real, so a worker process sees them."""
    settings.TASKS = DATABASE_QUEUE
    return settings


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back():
    """The block runs in a transaction that then rolls back, as a failing request's would:
    nothing it queued on commit may ever run."""
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def run_worker() -> None:
    """The real worker, in batch mode: runs every task ready now, then returns."""
    call_command(
        "run_worker",
        "--batch",
        "--queue-name=*",
        "--no-startup-delay",
        "--no-reload",
        "--interval=0",
        verbosity=0,
    )


def database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = config["USER"] or "postgres"
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{config['HOST'] or '127.0.0.1'}:"
        f"{config['PORT'] or 5432}/{config['NAME']}"
    )


def start_worker_process(**environment) -> subprocess.Popen:
    """``manage.py run_worker`` in a process of its own, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "ENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": "tests-only-not-a-secret",
        **{key: str(value) for key, value in environment.items()},
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--queue-name=*",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(autouse=True)
def fresh_rate_limit(request):
    """Counts of the registration rate limit live in a cache table that a transactional
    test's flush leaves alone: start each test that uses the database with none."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    transactional = "transactional_db" in names or (marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.core.cache import caches

    caches["rate_limit"].clear()

"""The task queue with a real worker: nothing is sent for a rolled-back change, a failed task
is retried on schedule and then kept with its error, and a worker killed in the middle of a
task loses nothing."""

import signal
import time
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from participants.models import Registration
from participants.services import register_participant
from tests.integrations.conftest import rolled_back, run_worker, start_worker_process
from tests.participants.test_mail_failures import SMTP, LoopbackServer

PERSON = {"name": "Zhang Wei", "email": "zhang.wei@example.org"}


def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(database_queue, workshop):
    with rolled_back():
        register_participant(workshop=workshop, data=PERSON, source="public")

    run_worker()

    assert not Registration.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


def test_a_committed_registration_is_emailed_by_the_worker_not_the_request(
    database_queue, workshop
):
    registered = register_participant(workshop=workshop, data=PERSON, source="public")

    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.queue_name == "email"
    assert queued.task_path == "participants.tasks.send_registration_email"
    assert queued.args_kwargs == {
        "args": [registered.registration.pk, "registered_confirmed"],
        "kwargs": {},
    }
    assert mail.outbox == []

    run_worker()

    assert [m.subject for m in mail.outbox] == [
        "Registration confirmed: National Anti-Trafficking Workshop"
    ]
    assert mail.outbox[0].to == ["zhang.wei@example.org"]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value is True


def test_a_failing_email_is_retried_on_schedule_then_kept_failed_with_its_error(
    database_queue, workshop
):
    server = LoopbackServer(b"554 5.3.2 No service here\r\n")
    database_queue.EMAIL_BACKEND = SMTP
    database_queue.EMAIL_HOST, database_queue.EMAIL_PORT = "127.0.0.1", server.port
    try:
        register_participant(workshop=workshop, data=PERSON, source="public")
        delays = []
        for _attempt in range(5):
            started = timezone.now()
            run_worker()
            waiting = DBTaskResult.objects.filter(status="READY").first()
            if waiting is None:
                break
            delays.append(round((waiting.run_after - started).total_seconds() / 60))
            # The clock moves on: the next attempt is due now.
            DBTaskResult.objects.filter(pk=waiting.pk).update(
                run_after=timezone.now() - timedelta(seconds=1)
            )
    finally:
        server.close()

    # Attempts 2 to 5 after 1, 2, 4 and 8 minutes; the fifth attempt is the last.
    assert delays == [1, 2, 4, 8]
    attempts = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [a.status for a in attempts] == ["FAILED"] * 5
    assert [a.args_kwargs["kwargs"].get("attempt", 1) for a in attempts] == [1, 2, 3, 4, 5]
    assert {a.exception_class_path for a in attempts[:4]} == {"smtplib.SMTPConnectError"}
    assert attempts[4].exception_class_path == "integrations.queue.GaveUp"
    assert "554" in attempts[4].traceback
    assert mail.outbox == []


def _wait_for(predicate, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_mid_task_loses_nothing(database_queue, workshop):
    # A mail server that accepts the connection and never answers: the worker's task hangs.
    silent = LoopbackServer(None)
    worker = start_worker_process(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=silent.port, EMAIL_TIMEOUT=60
    )
    try:
        register_participant(workshop=workshop, data=PERSON, source="public")
        assert _wait_for(lambda: DBTaskResult.objects.filter(status="RUNNING").exists())
        assert _wait_for(lambda: len(silent.connections) == 1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        silent.close()

    lost = DBTaskResult.objects.get()
    assert lost.status == "RUNNING"

    # A worker that starts takes a task running longer than TASKS_STALE_AFTER for lost, and
    # runs it again (here with a mail server that works).
    database_queue.TASKS_STALE_AFTER = 0
    run_worker()

    lost.refresh_from_db()
    assert lost.status == "SUCCESSFUL"
    assert len(lost.worker_ids) == 2
    assert [m.to for m in mail.outbox] == [["zhang.wei@example.org"]]

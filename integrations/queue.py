"""Background work through Django's tasks API (the django-tasks backport of ``django.tasks``).

Our code speaks only that API, so the backend is a setting (``TASKS``): the database backend
of django-tasks-db by default, RQ or Celery backends for a site that outgrows it. What this
module adds on top:

- :func:`enqueue_on_commit`: a task is handed to the queue only when the transaction that
  asked for it commits. On a broker (Redis, RabbitMQ) it is sent after the commit, or a
  worker could run it before the data it reads is committed, or for a change rolled back.
  On the database backend, inside a transaction on the queue's own database, the task row
  is written at once, as part of that transaction: it commits or rolls back with the
  change, no worker sees it before, and the request saves a second commit (an fsync).
- :func:`retry_later`: tasks retry themselves with exponential back-off (the tasks API has no
  retries of its own). Each attempt is a task result of its own, so a failed attempt stays
  in the admin ("Task results") with its error and traceback, next to the attempt after it.
- :func:`requeue_stale_tasks`: a worker killed in the middle of a task leaves it RUNNING for
  ever; a worker starting (``manage.py run_worker``) puts such tasks older than
  ``TASKS_STALE_AFTER`` seconds back in the queue, so they run again.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds before attempt 2, 3, ...: doubling from a minute. E-mails stop after a few
# attempts; webhook deliveries use their own schedule (a day).
DEFAULT_BACKOFF = (60, 120, 240, 480)


class GaveUp(Exception):
    """The last attempt of a task failed; the error it carries is kept with the task result."""


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    one). A rolled-back transaction queues nothing."""
    if _queued_with_the_transaction(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def _queued_with_the_transaction(task) -> bool:
    """Whether the task's row would be written inside the current transaction: the database
    backend, its table on the database of a transaction in progress."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return transaction.get_connection(router.db_for_write(DBTaskResult)).in_atomic_block


def _backend_defers(task) -> bool:
    return task.get_backend().supports_defer


def retry_later(
    task,
    *,
    attempt: int,
    error: BaseException,
    args: Sequence = (),
    kwargs: dict | None = None,
    backoff: Sequence[int] = DEFAULT_BACKOFF,
) -> None:
    """After ``attempt`` failed with ``error``: queue attempt ``attempt + 1`` after its delay, or
    give up when the schedule is spent. Raises in both cases, so that this attempt is kept as
    failed, with its error, in the task results.

    A backend that cannot defer (the immediate one, which runs the task inside the request)
    gets no retry, which would run at once, and no exception: the caller has logged the
    error, and the request that queued the task goes on as it did before there was a queue.
    """
    kwargs = dict(kwargs or {})
    if not _backend_defers(task):
        return
    if attempt <= len(backoff):
        delay = backoff[attempt - 1]
        run_after = timezone.now() + timedelta(seconds=delay)
        task.using(run_after=run_after).enqueue(*args, **{**kwargs, "attempt": attempt + 1})
        raise error
    raise GaveUp(f"{task.name}: attempt {attempt} failed, no more attempts") from error


def requeue_stale_tasks(*, older_than: int | None = None) -> int:
    """Put back in the queue the tasks that have been RUNNING for more than ``older_than``
    seconds (``TASKS_STALE_AFTER``): their worker was killed or lost. Returns how many.

    Every task of ours is safe to run twice: an e-mail may reach someone twice, a webhook
    delivery carries the same delivery id (receivers tell the repeat), a document is rebuilt.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    seconds = settings.TASKS_STALE_AFTER if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=seconds)
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)
    if count:
        logger.warning("Put %s task(s) of a lost worker back in the queue", count)
    return count

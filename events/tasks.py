"""Background work of events: telling people that a session moved, was cancelled or was
scheduled again, sent by the worker.

Queued by ``services`` through ``integrations.queue.enqueue_on_commit``, so a change that rolls
back tells nobody, and the request never waits on the mail server. The task reads the session
afresh when it runs: what people receive is the session as it is then.
"""

from django_tasks import task

from events.calendar import send_session_change
from integrations.queue import retry_later


class NotAllSent(Exception):
    """Some of a change's messages could not be sent; the next attempt sends those alone."""


@task(queue_name="email")
def send_session_change_emails(
    session_pk: int, change: str, only: list[str] | None = None, attempt: int = 1
) -> int:
    """The REQUEST or CANCEL of a changed session to each person concerned; how many went.

    A message the mail server refuses is logged; the addresses that failed are tried again
    (1, 2, 4, 8 minutes), never the ones that were sent, then the attempt is kept as failed.
    """
    sent, failed = send_session_change(session_pk, change, only=only)
    if failed:
        retry_later(
            send_session_change_emails,
            attempt=attempt,
            error=NotAllSent(f"{len(failed)} of the {change} messages could not be sent"),
            args=(session_pk, change),
            kwargs={"only": failed},
        )
    return sent

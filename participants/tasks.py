"""Background work of participants: the e-mails about registrations, sent by the worker.

Queued by ``services`` through ``integrations.queue.enqueue_on_commit``: nothing is queued for
a change that rolls back. Arguments are primary keys and plain values (they are stored as
JSON), and each task reads the rows afresh when it runs.
"""

from django_tasks import task

from integrations.queue import retry_later
from participants import emails
from participants.models import Registration


@task(queue_name="email")
def send_registration_email(registration_pk: int, kind: str, attempt: int = 1) -> bool:
    """The e-mail ``kind`` about a registration; a failure is logged and retried (1, 2, 4, 8
    minutes), then kept as failed with its error."""
    try:
        return emails.deliver_registration_email(registration_pk, kind)
    except Exception as error:
        emails.log_failure(registration_pk, kind)
        retry_later(
            send_registration_email, attempt=attempt, error=error, args=(registration_pk, kind)
        )
        return False


@task(queue_name="email")
def send_my_registrations_email(
    address: str, registration_pks: list[int], language: str, attempt: int = 1
) -> bool:
    """The list of an address's registrations with their personal links."""
    registrations = list(
        Registration.objects.filter(pk__in=registration_pks)
        .select_related("workshop")
        .order_by("-workshop__start_date", "pk")
    )
    if not registrations:
        return False
    try:
        emails.build_my_registrations_email(address, registrations, language).send()
    except Exception as error:
        emails.logger.exception("Could not send the list of registrations of an address")
        retry_later(
            send_my_registrations_email,
            attempt=attempt,
            error=error,
            args=(address, registration_pks, language),
        )
        return False
    return True

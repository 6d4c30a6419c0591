"""Background work of feedback: the link to a questionnaire, and the reminder, one e-mail per
person, built and sent by the worker (queued by ``services.invitations`` once its
transaction commits)."""

import logging

from django_tasks import task

from feedback.models import Questionnaire
from integrations.queue import retry_later
from participants.models import Registration

logger = logging.getLogger(__name__)


@task(queue_name="email")
def send_questionnaire_email(
    registration_pk: int, questionnaire_pk: int, reminder: bool, attempt: int = 1
) -> bool:
    """The link (or the reminder) to one person, read afresh: nothing if the registration or
    the questionnaire is gone, or if a reminder's recipient has answered meanwhile. A failure
    is logged and retried (1, 2, 4, 8 minutes), then kept as failed with its error."""
    from feedback.services.invitations import build_invitation

    registration = (
        Registration.objects.select_related("participant", "workshop")
        .filter(pk=registration_pk)
        .first()
    )
    questionnaire = Questionnaire.objects.select_related("workshop").filter(pk=questionnaire_pk)
    questionnaire = questionnaire.first()
    if registration is None or questionnaire is None or not registration.participant.email:
        return False
    if reminder and registration.submissions.filter(questionnaire=questionnaire).exists():
        return False
    try:
        build_invitation(registration, questionnaire, reminder=reminder).send()
    except Exception as error:
        logger.exception(
            "Could not send questionnaire %s to registration %s", questionnaire_pk, registration_pk
        )
        retry_later(
            send_questionnaire_email,
            attempt=attempt,
            error=error,
            args=(registration_pk, questionnaire_pk, reminder),
        )
        return False
    return True

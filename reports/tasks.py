"""Background work of reports: documents built by the worker (a build asked for through the
API, ``queue_document``, is filled in here, and the workshop's webhooks hear that it is
ready), and the e-mails that tell funders' contacts a report is published."""

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from integrations import webhooks
from integrations.queue import enqueue_on_commit, retry_later
from reports import emails
from reports.documents import DOCUMENTS
from reports.models import DocumentBuild


def queue_document(*, workshop, kind: str, fmt: str, language: str, by) -> DocumentBuild:
    """Ask the worker for ``kind`` in ``fmt``; the build's status says when it is there."""
    document = DOCUMENTS[kind]
    if fmt not in document.formats:
        raise ValueError(f"{kind} comes as {', '.join(document.formats)}")
    with transaction.atomic():
        build = DocumentBuild.objects.create(
            workshop=workshop, kind=kind, format=fmt, language=language, requested_by=by
        )
        enqueue_on_commit(build_document, build.pk)
    return build


@task(queue_name="documents")
def build_document(build_pk: int) -> int:
    """Build the document, keep its bytes, and emit ``document.built``. A failure is kept on
    the build (and the task result) and not retried: the same data would fail again."""
    build = DocumentBuild.objects.select_related("workshop").get(pk=build_pk)
    document = DOCUMENTS[build.kind]
    try:
        with translation.override(build.language):
            content = document.build(build.workshop, build.language, build.format)
    except Exception as error:
        build.status = DocumentBuild.Status.FAILED
        build.error = f"{type(error).__name__}: {error}"
        build.save(update_fields=["status", "error"])
        raise
    with transaction.atomic():
        build.content = content
        build.status = DocumentBuild.Status.BUILT
        build.built_at = timezone.now()
        build.save(update_fields=["content", "status", "built_at"])
        webhooks.emit(
            webhooks.Event.DOCUMENT_BUILT,
            workshop=build.workshop,
            data={"build": build.pk, "kind": build.kind, "format": build.format},
        )
    return len(content)


@task(queue_name="email")
def send_report_email(delivery_pk: int, attempt: int = 1) -> bool:
    """The e-mail of one delivery of a published report, with a link of its own. A failure
    is recorded on the delivery and retried (1, 2, 4, 8 minutes), then kept as failed."""
    try:
        return emails.deliver_report_email(delivery_pk)
    except Exception as error:
        emails.record_failure(delivery_pk)
        retry_later(send_report_email, attempt=attempt, error=error, args=(delivery_pk,))
        return False

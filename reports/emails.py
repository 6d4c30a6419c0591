"""The e-mail that tells a funder's contact a report is published: in their language, with a
link of their own (never the PDF attached, so that the link can be revoked)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participants.emails import one_line, workshop_title
from reports.models import ReportDelivery, ReportLink, hash_token

logger = logging.getLogger(__name__)


def shared_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('reports:shared_report', kwargs={'token': token})}"


def build_report_email(delivery: ReportDelivery, token: str) -> EmailMessage:
    workshop = delivery.report.workshop
    with translation.override(delivery.language):
        title = workshop_title(workshop, delivery.language)
        subject = (
            _("Corrected report: %(title)s") if delivery.is_correction else _("Report: %(title)s")
        ) % {"title": title}
        body = render_to_string(
            "reports/emails/report_published.txt",
            {
                "title": title,
                "url": shared_url(token),
                "delivery": delivery,
                "expires_at": delivery.link.expires_at if delivery.link_id else None,
            },
        )
    return EmailMessage(
        subject=one_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
    )


def deliver_report_email(delivery_pk: int) -> bool:
    """Send the delivery's e-mail (by the worker) and record it as sent; False if its link is
    gone. A failure to send raises (the task records it and tries again).

    The link's token is drawn here, just before sending, and only its hash is kept: the
    secret is in no queue row and no log, only in the e-mail. A retry draws a new one, so the
    link of a message that might have gone out half-sent stops working.
    """
    delivery = ReportDelivery.objects.select_related("report__workshop", "link").get(pk=delivery_pk)
    if delivery.link is None:
        return False
    token = ReportLink.new_token()
    ReportLink.objects.filter(pk=delivery.link_id).update(token_hash=hash_token(token))
    build_report_email(delivery, token).send()
    ReportDelivery.objects.filter(pk=delivery_pk).update(
        status=ReportDelivery.Status.SENT, sent_at=timezone.now()
    )
    return True


def record_failure(delivery_pk: int) -> None:
    """Log the error being handled and mark the delivery as failed (until a retry sends it)."""
    logger.exception("Could not send report e-mail %s", delivery_pk)
    ReportDelivery.objects.filter(pk=delivery_pk).update(status=ReportDelivery.Status.FAILED)

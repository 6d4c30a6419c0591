"""E-mailing the link to a questionnaire, and the reminder to those who have not answered."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from feedback import tasks
from feedback.models import (
    Questionnaire,
)
from feedback.services.answering import is_open
from feedback.services.editing import keep_timetable_items_in_step
from integrations.queue import enqueue_on_commit
from participants.models import Registration

# ---------------------------------------------------------------------------------------------
# Invitations and reminders


def respond_url(registration: Registration, questionnaire: Questionnaire) -> str:
    path = reverse("feedback:respond", args=[registration.token, questionnaire.pk])
    return f"{settings.SITE_URL}{path}"


def recipients(questionnaire: Questionnaire, *, reminder: bool) -> list[Registration]:
    """Confirmed registrations of the workshop; for a reminder, those with no Submission."""
    registrations = Registration.objects.filter(
        workshop_id=questionnaire.workshop_id, status=Registration.Status.CONFIRMED
    ).select_related("participant", "workshop")
    if reminder:
        registrations = registrations.exclude(submissions__questionnaire=questionnaire)
    return list(registrations.order_by("pk"))


def language_of(registration: Registration) -> str:
    """The language of the person's pages and e-mails for this workshop."""
    return registration.preferred_language or "en"


def build_invitation(registration: Registration, questionnaire: Questionnaire, *, reminder: bool):
    """The e-mail with the person's link to ``questionnaire`` (or the reminder), in their
    language."""
    language = language_of(registration)
    with translation.override(language):
        context = {
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(language),
            "workshop": questionnaire.workshop,
            "url": respond_url(registration, questionnaire),
            "reminder": reminder,
            "closes_at": questionnaire.closes_at
            and questionnaire.workshop.local(questionnaire.closes_at),
        }
        subject = (_("Reminder: %(title)s") if reminder else _("Your feedback: %(title)s")) % {
            "title": context["title"]
        }
        text = render_to_string("feedback/emails/invitation.txt", context)
        html = render_to_string("feedback/emails/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[registration.participant.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_invitations(
    *, questionnaire: Questionnaire, reminder: bool = False, now: datetime | None = None
) -> int:
    """E-mail the link (or a reminder to those who have not answered); how many e-mails.

    The timetable items are brought in step first, so the questionnaire people open is the
    one the timetable says. Each e-mail is a task of its own (``feedback.tasks``), queued
    when the transaction commits and built and sent by the worker: the request (or the
    daily command) never waits on the mail server, and a failure is retried for that
    person alone.
    """
    now = now or timezone.now()
    keep_timetable_items_in_step(questionnaire=questionnaire)
    people = recipients(questionnaire, reminder=reminder)
    for registration in people:
        enqueue_on_commit(
            tasks.send_questionnaire_email, registration.pk, questionnaire.pk, reminder
        )
    stamp = "reminded_at" if reminder else "invited_at"
    setattr(questionnaire, stamp, now)
    questionnaire.save(update_fields=[stamp])
    return len(people)


def send_due(*, now: datetime | None = None) -> dict[str, int]:
    """For a daily timer: the link to every open questionnaire whose workshop is on or past
    its last day (in its time zone) and which was never sent; a reminder, once, two days
    after it, to those who have not answered. {"invited": n, "reminded": n} e-mails."""
    now = now or timezone.now()
    counts = {"invited": 0, "reminded": 0}
    for questionnaire in Questionnaire.objects.select_related("workshop").filter(opens_at__lte=now):
        if not is_open(questionnaire, now):
            continue
        workshop = questionnaire.workshop
        if workshop.local(now).date() < workshop.end_date:
            continue
        if questionnaire.invited_at is None:
            counts["invited"] += send_invitations(questionnaire=questionnaire, now=now)
        elif questionnaire.reminded_at is None and now - questionnaire.invited_at >= timedelta(
            days=2
        ):
            counts["reminded"] += send_invitations(
                questionnaire=questionnaire, reminder=True, now=now
            )
    return counts

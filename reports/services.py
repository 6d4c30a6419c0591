"""Changes to a workshop's report: saving the organiser's text, publishing (and publishing a
correction), sharing by a link, revoking one. Pages, the admin and commands call these."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.refusals import Refusal
from events.models import Workshop
from integrations.queue import enqueue_on_commit
from reports import tasks
from reports.models import Report, ReportDelivery, ReportLink, hash_token
from reports.queries import funder_contacts

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def report_for(workshop: Workshop) -> Report:
    """The workshop's report, made (empty) on first use."""
    report, _created = Report.objects.get_or_create(workshop=workshop)
    return report


def save_report(*, workshop: Workshop, text: dict[str, str]) -> Report:
    """Store the organiser's ``text`` (overview and sections, by field name)."""
    report = report_for(workshop)
    for name, value in text.items():
        setattr(report, name, value)
    report.save()
    return report


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def parse_recipients(text: str, *, default_language: str) -> list[Recipient]:
    """Addresses typed one a line, each optionally followed by a language code
    (``someone@example.org zh-hans``). A bad line is refused naming its number and the
    rule, on the field ``addresses``."""
    found: list[Recipient] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        address = parts[0].strip(",;")
        language = parts[1].lower() if len(parts) > 1 else default_language
        try:
            validate_email(address)
        except ValidationError:
            raise Refusal(
                _("Line %(line)s: “%(text)s” is not an e-mail address.")
                % {"line": number, "text": address[:80]},
                field="addresses",
                code="invalid_email",
            ) from None
        if len(parts) > 2 or language not in LANGUAGE_CODES:
            raise Refusal(
                _("Line %(line)s: after the address, give nothing or a language code (%(codes)s).")
                % {"line": number, "codes": ", ".join(LANGUAGE_CODES)},
                field="addresses",
                code="invalid_language",
            )
        found.append(Recipient(address, language))
    return found


def link_days() -> int:
    return settings.REPORT_LINK_DAYS


def create_report_link(
    *,
    report: Report,
    user=None,
    label: str = "",
    days: int | None = None,
    now: datetime | None = None,
) -> tuple[ReportLink, str]:
    """A new link to ``report`` valid for ``days`` (REPORT_LINK_DAYS unless given); returns
    the link and its token, which is not stored and cannot be shown again."""
    now = now or timezone.now()
    days = link_days() if days is None else days
    if not 1 <= days <= 3650:
        raise Refusal(_("A link is valid for 1 to 3,650 days."), field="days", code="days_range")
    token = ReportLink.new_token()
    link = ReportLink.objects.create(
        report=report,
        token_hash=hash_token(token),
        label=label,
        created_by=user if user is not None and user.is_authenticated else None,
        expires_at=now + timedelta(days=days),
    )
    return link, token


def revoke_report_link(*, link: ReportLink, now: datetime | None = None) -> ReportLink:
    """The link stops working at once (its e-mails stay in the log)."""
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def publish_report(
    *,
    workshop: Workshop,
    user,
    accounts_language: str,
    extra: list[Recipient] = (),
    now: datetime | None = None,
    notify: bool = True,
) -> list[ReportDelivery]:
    """Publish the workshop's report (a new version; a correction if it was published
    before) and e-mail each funder's contact a link of their own to it: queued when the
    transaction commits, sent by the worker (``reports.tasks.send_report_email``).

    The contacts are the funding agencies' accounts (``funder_contacts``, in
    ``accounts_language``) and the ``extra`` addresses, each once. A message that cannot
    be sent is logged as such on its delivery; the publication stands.

    ``now``: the moment of publication (now unless given: the demo's report was published
    in 2008). ``notify=False`` publishes and tells nobody (no link, no delivery, no e-mail),
    as for a report published before the system held it; ``extra`` is then refused.
    """
    if not notify and extra:
        raise TypeError("extra recipients are e-mailed: not with notify=False")
    now = now or timezone.now()
    report = Report.objects.select_for_update().get(pk=report_for(workshop).pk)
    correction = report.version > 0
    report.version += 1
    report.published_at = now
    report.published_by = user if user is not None and user.is_authenticated else None
    report.save(update_fields=["version", "published_at", "published_by", "updated_at"])
    if not notify:
        return []
    recipients: dict[str, Recipient] = {}
    for address in funder_contacts(workshop):
        recipients.setdefault(address.lower(), Recipient(address, accounts_language))
    for recipient in extra:
        recipients.setdefault(recipient.email.lower(), recipient)
    deliveries = []
    for recipient in recipients.values():
        # The token drawn here reaches nobody: the worker draws the one it e-mails.
        link, _token = create_report_link(report=report, user=user, label=recipient.email, now=now)
        delivery = ReportDelivery.objects.create(
            report=report,
            version=report.version,
            email=recipient.email,
            language=recipient.language,
            link=link,
            is_correction=correction,
            sent_by=report.published_by,
        )
        deliveries.append(delivery)
        enqueue_on_commit(tasks.send_report_email, delivery.pk)
    return deliveries

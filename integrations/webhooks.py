"""Webhooks: what happened, sent to the organisers' receivers, signed, retried for a day.

The services call :func:`emit` (no signals): it writes one delivery per subscribed webhook in
the caller's transaction and queues their sending for when it commits, so a change that rolls
back sends nothing. The worker sends each (:func:`deliver`, task ``deliver_webhook``):

- Signed: ``Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`` with the
  webhook's secret (shown once, when made), ``Webhook-Timestamp`` in Unix seconds and
  ``Webhook-Id`` the delivery id, the same on every attempt and resend.
- Retried with exponential back-off (1, 2, 4 ... minutes) for 24 hours while the receiver
  answers anything but 2xx or cannot be reached; each attempt is logged with its answer.
- Never to a private, loopback, link-local or otherwise non-public address unless
  ``WEBHOOKS_ALLOW_PRIVATE`` is on: the host is resolved, every address it has is checked,
  and the connection goes to the checked address (no second look-up to be fooled by).
  Redirects are not followed.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from config.refusals import Refusal
from integrations.models import Webhook, WebhookAttempt, WebhookDelivery
from integrations.queue import enqueue_on_commit, retry_later

Event = Webhook.Event

# 1, 2, 4 ... 512 minutes, then what is left of the day: 11 retries over 24 hours.
_DOUBLING = [60 * 2**n for n in range(10)]
BACKOFF = (*_DOUBLING, 24 * 3600 - sum(_DOUBLING))
RESPONSE_KEPT = 2000  # characters of a receiver's answer kept in the log


class DeliveryFailed(Exception):
    """The receiver answered with something other than 2xx, or could not be reached."""


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance=300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)


# --- Where a webhook may point ----------------------------------------------------------


def _allowed(address: str) -> bool:
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        return True
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _refused(code: str, message: str) -> Refusal:
    return Refusal(message, field="url", code=code)


def resolve_receiver(url: str) -> tuple[str, int, list[str]]:
    """Host, port and every address of ``url``'s host, after the checks; a Refusal (on the
    field ``url``) naming what is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("scheme", _("Give an http:// or https:// address with a host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refused("port", _("The port is not a number.")) from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refused(
            "unresolved", _("The host “%(host)s” cannot be found.") % {"host": parts.hostname}
        ) from None
    addresses = sorted({info[4][0] for info in found})
    refused = [address for address in addresses if not _allowed(address)]
    if refused:
        raise _refused(
            "private_address",
            _(
                "The host resolves to a private, loopback or reserved address (%(address)s): "
                "webhooks go to public addresses only."
            )
            % {"address": refused[0]},
        )
    return parts.hostname, port, addresses


def check_url(url: str) -> None:
    """Refuse an address a webhook may not have (when an organiser registers it)."""
    resolve_receiver(url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    host, port, addresses = resolve_receiver(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        host, port, address=addresses[0], timeout=settings.WEBHOOK_TIMEOUT
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(RESPONSE_KEPT * 4).decode("utf-8", "replace")[:RESPONSE_KEPT]
        return response.status, text
    finally:
        connection.close()


# --- Emitting and delivering --------------------------------------------------------------


_ACTIVE_SQL = """
SELECT h.* FROM {webhook} h
  JOIN {user} u ON u.{user_pk} = h.owner_id
 WHERE h.workshop_id = %s AND h.is_active
   AND (u.is_superuser OR EXISTS (
        SELECT 1 FROM {organisers} o WHERE o.workshop_id = h.workshop_id AND o.user_id = h.owner_id
   ))
 ORDER BY h.created_at DESC, h.id
"""


def active_webhooks(*, workshop) -> list[Webhook]:
    """The active webhooks about ``workshop``, whatever events they want: those whose owner
    still organises the workshop (or is a superuser), newest first. One query; :func:`wanting`
    then picks an event's, so that a change telling of several events asks once (and can ask
    before it takes a lock). Every registration asks, mostly of workshops with no webhook:
    written out, as the ORM's join and subquery cost twice as long to build as to run.
    """
    qn = connection.ops.quote_name
    user = Webhook.owner.field.related_model
    sql = _ACTIVE_SQL.format(
        webhook=qn(Webhook._meta.db_table),
        user=qn(user._meta.db_table),
        user_pk=qn(user._meta.pk.column),
        organisers=qn(Webhook.workshop.field.related_model.organisers.through._meta.db_table),
    )
    return list(Webhook.objects.raw(sql, [workshop.pk]))


def wanting(event: str, hooks: list[Webhook]) -> list[Webhook]:
    """Those of ``hooks`` (:func:`active_webhooks`) that want ``event``."""
    return [hook for hook in hooks if event in hook.events]


def listening(event: str, *, workshop) -> list[Webhook]:
    """The active webhooks that want ``event`` about ``workshop``. One query."""
    return wanting(event, active_webhooks(workshop=workshop))


def emit(
    event: str, *, workshop, data: dict, hooks: list[Webhook] | None = None
) -> list[WebhookDelivery]:
    """Record ``event`` about ``workshop`` for every active webhook that wants it, and queue the
    deliveries for when the transaction commits. One query when nobody listens; none when
    ``hooks`` gives ``listening``'s answer already (a batch of the same event).
    """
    if hooks is None:
        hooks = listening(event, workshop=workshop)
    if not hooks:
        return []
    now = timezone.now()
    deliveries = []
    for hook in hooks:
        delivery = WebhookDelivery(webhook=hook, event=event, payload={})
        delivery.payload = {
            "id": str(delivery.delivery_id),
            "event": event,
            "created_at": now.isoformat(),
            "workshop": workshop.slug,
            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        }
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        enqueue_on_commit(deliver_webhook, delivery.pk)
    return deliveries


def deliver(delivery: WebhookDelivery, *, number: int) -> WebhookAttempt:
    """Send ``delivery`` once and log the attempt (its ``number``, the answer or the error)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "workshops-webhooks/1",
        "Webhook-Id": str(delivery.delivery_id),
        "Webhook-Event": delivery.event,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(delivery.webhook.secret, timestamp, body),
    }
    attempt = WebhookAttempt(delivery=delivery, number=number)
    started = time.monotonic()
    try:
        attempt.status_code, attempt.response_body = _post(delivery.webhook.url, body, headers)
    except ValidationError as refused:
        attempt.error = " ".join(refused.messages)
    except (OSError, http.client.HTTPException) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:RESPONSE_KEPT]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.save()
    return attempt


@task(queue_name="webhooks")
def deliver_webhook(delivery_pk: int, attempt: int = 1) -> int | None:
    """Send a delivery; retry on schedule until a 2xx answer or the day is over."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return None
    logged = deliver(delivery, number=delivery.attempts + 1)
    delivery.attempts += 1
    succeeded = logged.status_code is not None and 200 <= logged.status_code < 300
    refused = logged.status_code is None and "webhooks go to public addresses" in logged.error
    if succeeded:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.next_attempt_at = None
    elif refused or attempt > len(BACKOFF):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=BACKOFF[attempt - 1])
    delivery.save(update_fields=["attempts", "status", "next_attempt_at"])
    if succeeded:
        return logged.status_code
    error = DeliveryFailed(logged.error or f"HTTP {logged.status_code}")
    if refused:
        raise error
    retry_later(deliver_webhook, attempt=attempt, error=error, args=(delivery_pk,), backoff=BACKOFF)
    return logged.status_code


def resend(delivery: WebhookDelivery) -> None:
    """Send again now (an organiser asked), with the same delivery id, and a fresh schedule."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    enqueue_on_commit(deliver_webhook, delivery.pk)


def create_webhook(*, owner, workshop, url: str, events: list[str]) -> Webhook:
    """A new webhook; the caller shows ``webhook.secret`` once. Refuses unknown events and
    addresses a webhook may not have (a Refusal naming the field)."""
    unknown = sorted(set(events) - set(Event.values))
    if not events or unknown:
        raise Refusal(
            _("Choose events among: %(events)s.") % {"events": ", ".join(Event.values)},
            field="events",
            code="invalid_choice",
        )
    check_url(url)
    return Webhook.objects.create(
        owner=owner, workshop=workshop, url=url, events=sorted(set(events)), secret=new_secret()
    )

"""Webhooks against a real receiver on loopback: signed deliveries, retries on schedule with
the same delivery id, the log, and receivers on private addresses refused by default."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.refusals import Refusal
from integrations import webhooks
from integrations.models import Webhook, WebhookDelivery
from integrations.queue import GaveUp
from participants.services import cancel_registration, register_participant
from tests.integrations.conftest import rolled_back, run_worker

PERSON = {"name": "Zhao Lei", "email": "zhao.lei@example.org"}
EVENTS = ["registration.created", "registration.cancelled", "registration.promoted"]


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers the next status
    of ``statuses`` (the last one once they run out)."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answer {status}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks?src=workshops"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    made = []

    def make(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_delivery_is_signed_and_its_signature_verifies(
    receiver, workshop, organiser, django_capture_on_commit_callbacks
):
    server = receiver()
    hook = webhooks.create_webhook(
        owner=organiser, workshop=workshop, url=server.url, events=EVENTS
    )

    with django_capture_on_commit_callbacks(execute=True):
        registered = register_participant(workshop=workshop, data=PERSON, source="public")

    [(headers, body)] = server.requests
    assert webhooks.verify(
        hook.secret, headers["Webhook-Timestamp"], body, headers["Webhook-Signature"]
    )
    assert not webhooks.verify(
        "whsec_wrong", headers["Webhook-Timestamp"], body, headers["Webhook-Signature"]
    )
    assert not webhooks.verify(
        hook.secret, headers["Webhook-Timestamp"], body + b" ", headers["Webhook-Signature"]
    )
    payload = json.loads(body)
    delivery = WebhookDelivery.objects.get()
    assert payload == {
        "id": str(delivery.delivery_id),
        "event": "registration.created",
        "created_at": payload["created_at"],
        "workshop": workshop.slug,
        "data": {
            "registration": registered.registration.pk,
            "status": "confirmed",
            "source": "public",
        },
    }
    assert headers["Webhook-Id"] == str(delivery.delivery_id)
    assert headers["Content-Type"] == "application/json"
    assert delivery.status == "delivered"
    [attempt] = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.response_body) == (1, 200, "answer 200")


def test_only_the_events_asked_for_and_only_for_the_workshops_organisers(
    receiver, workshop, organiser, other_organiser, django_capture_on_commit_callbacks
):
    server = receiver()
    webhooks.create_webhook(
        owner=organiser, workshop=workshop, url=server.url, events=["registration.cancelled"]
    )
    # An organiser no longer organising the workshop hears nothing more of it.
    gone = webhooks.create_webhook(
        owner=other_organiser, workshop=workshop, url=server.url, events=EVENTS
    )
    assert gone.pk

    with django_capture_on_commit_callbacks(execute=True):
        registered = register_participant(workshop=workshop, data=PERSON, source="public")
    assert server.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=registered.registration, by=organiser)

    assert [json.loads(body)["event"] for _h, body in server.requests] == ["registration.cancelled"]


def test_active_webhooks_are_those_of_organisers_and_superusers_newest_first(
    workshop, organiser, other_organiser, make_user, django_assert_num_queries
):
    def hook(owner, minutes_ago, **fields):
        made = Webhook.objects.create(
            owner=owner, workshop=workshop, url="https://example.org/h", events=EVENTS, **fields
        )
        Webhook.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        return made

    older = hook(organiser, 10)
    root = hook(make_user("root", is_superuser=True), 5)  # organises nothing: still told
    hook(organiser, 1, is_active=False)
    hook(other_organiser, 2)  # organises another workshop only
    with django_assert_num_queries(1):
        active = webhooks.active_webhooks(workshop=workshop)
    assert active == [root, older]
    assert active[0].owner_id == root.owner_id
    assert webhooks.active_webhooks(workshop=other_organiser.organised_workshops.get()) == []


def test_a_private_or_loopback_receiver_is_refused_by_default(settings, workshop, organiser):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ):
        with pytest.raises(ValidationError) as refused:
            webhooks.create_webhook(owner=organiser, workshop=workshop, url=url, events=EVENTS)
        assert refused.value.error_dict["url"][0].code == "private_address", url
    with pytest.raises(ValidationError) as refused:
        webhooks.create_webhook(
            owner=organiser, workshop=workshop, url="ftp://example.org/", events=EVENTS
        )
    assert refused.value.error_dict["url"][0].code == "scheme"
    assert not Webhook.objects.exists()


def test_a_webhook_is_refused_as_every_service_refuses(settings, workshop, organiser):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(Refusal) as address:
        webhooks.create_webhook(
            owner=organiser, workshop=workshop, url="ftp://example.org/", events=EVENTS
        )
    assert address.value.rows() == [
        {
            "field": "url",
            "code": "scheme",
            "message": "Give an http:// or https:// address with a host name.",
        }
    ]
    with pytest.raises(Refusal) as events:
        webhooks.create_webhook(
            owner=organiser, workshop=workshop, url="https://example.org/", events=["nothing"]
        )
    assert (events.value.field, events.value.code) == ("events", "invalid_choice")
    assert events.value.message_dict == {"events": [events.value.message]}
    assert not Webhook.objects.exists()


def test_an_address_that_became_private_is_refused_at_delivery_and_not_retried(
    receiver, settings, workshop, organiser, django_capture_on_commit_callbacks
):
    server = receiver()
    webhooks.create_webhook(owner=organiser, workshop=workshop, url=server.url, events=EVENTS)
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    with django_capture_on_commit_callbacks(execute=True):
        register_participant(workshop=workshop, data=PERSON, source="public")

    assert server.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert "public addresses only" in delivery.attempt_log.get().error


def test_the_retry_schedule_spans_a_day():
    assert webhooks.BACKOFF[:4] == (60, 120, 240, 480)
    assert sum(webhooks.BACKOFF) == 24 * 3600


def test_a_failing_receiver_is_retried_on_schedule_with_the_same_delivery_id(
    receiver, database_queue, workshop, organiser
):
    server = receiver([500, 503, 200])
    webhooks.create_webhook(owner=organiser, workshop=workshop, url=server.url, events=EVENTS)
    register_participant(workshop=workshop, data=PERSON, source="public", notify=False)

    # Each retry is due its backoff after the failed attempt, which happened while the
    # worker ran: between these two moments (a busy machine makes the worker slower, not
    # the schedule different).
    windows = []
    for _ in range(3):
        started = timezone.now()
        run_worker()
        finished = timezone.now()
        waiting = DBTaskResult.objects.filter(status="READY").first()
        if waiting is None:
            break
        windows.append((waiting.run_after - finished, waiting.run_after - started))
        DBTaskResult.objects.filter(pk=waiting.pk).update(
            run_after=timezone.now() - timedelta(seconds=1)
        )

    assert len(windows) == 2
    for (soonest, latest), backoff in zip(windows, (60, 120), strict=True):
        assert soonest <= timedelta(seconds=backoff) <= latest
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    log = [(a.number, a.status_code, a.response_body) for a in delivery.attempt_log.all()]
    assert log == [(1, 500, "answer 500"), (2, 503, "answer 503"), (3, 200, "answer 200")]
    assert {headers["Webhook-Id"] for headers, _body in server.requests} == {
        str(delivery.delivery_id)
    }
    # Each failed attempt is kept with its error in the task results, as staff see them.
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "FAILED",
        "FAILED",
        "SUCCESSFUL",
    ]


def test_after_the_last_attempt_the_delivery_is_failed(receiver, workshop, organiser, settings):
    server = receiver([500])
    hook = webhooks.create_webhook(
        owner=organiser, workshop=workshop, url=server.url, events=EVENTS
    )
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="registration.created", payload={"x": 1}
    )
    delivery.attempts = len(webhooks.BACKOFF)

    delivery.save()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["webhooks"]}
    }
    with pytest.raises(GaveUp, match="no more attempts"):
        webhooks.deliver_webhook.call(delivery.pk, attempt=len(webhooks.BACKOFF) + 1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", len(webhooks.BACKOFF) + 1)


def test_a_webhook_queued_in_a_rolled_back_transaction_is_never_sent(
    receiver, database_queue, workshop, organiser
):
    server = receiver()
    webhooks.create_webhook(owner=organiser, workshop=workshop, url=server.url, events=EVENTS)

    with rolled_back():
        register_participant(workshop=workshop, data=PERSON, source="public")
    run_worker()

    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert server.requests == []


def test_the_pages_add_a_webhook_show_its_secret_once_log_and_resend(
    receiver, client, workshop, organiser, django_capture_on_commit_callbacks
):
    server = receiver()
    client.force_login(organiser)
    response = client.post(
        reverse("integrations:webhooks"),
        {"workshop": workshop.pk, "url": server.url, "events": ["registration.created"]},
        follow=True,
    )
    hook = Webhook.objects.get()
    assert hook.secret in response.content.decode()
    assert (
        hook.secret
        not in client.get(reverse("integrations:webhook_detail", args=[hook.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        register_participant(workshop=workshop, data=PERSON, source="public")
    delivery = WebhookDelivery.objects.get()
    page = client.get(reverse("integrations:webhook_detail", args=[hook.pk])).content.decode()
    assert str(delivery.delivery_id) in page
    assert "HTTP 200" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:webhook_resend", args=[hook.pk, delivery.pk]))
    assert len(server.requests) == 2
    assert server.requests[0][0]["Webhook-Id"] == server.requests[1][0]["Webhook-Id"]
    assert delivery.attempt_log.count() == 2


def test_the_page_refuses_a_private_receiver_naming_the_field(
    client, workshop, organiser, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(organiser)
    response = client.post(
        reverse("integrations:webhooks"),
        {"workshop": workshop.pk, "url": "http://127.0.0.1:9/", "events": ["registration.created"]},
    )
    assert response.status_code == 400
    assert "webhooks go to public addresses only" in response.context["form"].errors["url"][0]


def test_another_organisers_webhook_is_not_found(
    client, workshop, organiser, other_organiser, receiver
):
    server = receiver()
    hook = webhooks.create_webhook(
        owner=organiser, workshop=workshop, url=server.url, events=EVENTS
    )
    client.force_login(other_organiser)
    assert client.get(reverse("integrations:webhook_detail", args=[hook.pk])).status_code == 404

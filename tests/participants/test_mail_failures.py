"""E-mail never breaks a request: with real SMTP servers on loopback that refuse or never
answer, a registration is saved, answers at once and the failure is logged; a workshop title
with a line break still gives a one-line subject."""

import email
import email.policy
import logging
import socket
import threading
import time

import pytest
from django.core import mail
from django.urls import reverse

from participants.emails import build_registration_email, send_registration_email
from participants.models import Registration

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class LoopbackServer:
    """A TCP server on 127.0.0.1 in a thread: ``greeting`` is what it says on connection
    (None: nothing, ever), then it closes after reading one line."""

    def __init__(self, greeting: bytes | None):
        self.greeting = greeting
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                connection, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(connection)
            if self.greeting is not None:
                connection.sendall(self.greeting)
                connection.close()
            # else: hold the connection open and say nothing.

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=2)
        for connection in self.connections:
            connection.close()
        self.sock.close()


@pytest.fixture
def smtp_refusing(settings):
    server = LoopbackServer(b"554 5.3.2 No service here\r\n")
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield server
    server.close()


@pytest.fixture
def smtp_silent(settings):
    server = LoopbackServer(None)
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.close()


@pytest.fixture
def smtp_closed_port(settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: connections are refused
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port


def register(client, workshop, email="zhang.wei@example.org"):
    data = {
        "name": "Zhang Wei",
        "name_local": "",
        "gender": "male",
        "agency": "",
        "agency_name": "Yunnan Women's Federation",
        "position": "",
        "region": "",
        "email": email,
        "phone": "",
        "preferred_language": "en",
    }
    url = reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
    return client.post(url, data, REMOTE_ADDR="192.0.2.10")


@pytest.mark.parametrize("server", ["smtp_refusing", "smtp_closed_port"])
def test_registration_with_the_mail_server_refusing_is_saved_and_answers(
    client, workshop, request, server, caplog, django_capture_on_commit_callbacks
):
    request.getfixturevalue(server)
    with (
        caplog.at_level(logging.ERROR, logger="participants.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = register(client, workshop)

    assert response.status_code == 302
    registration = Registration.objects.get(participant__email="zhang.wei@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert [record.getMessage() for record in caplog.records] == [
        f"Could not send the registered_confirmed e-mail about registration {registration.pk}"
    ]


def test_registration_with_a_mail_server_that_never_answers_waits_only_the_timeout(
    client, workshop, smtp_silent, caplog, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.ERROR, logger="participants.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = register(client, workshop)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert Registration.objects.filter(participant__email="zhang.wei@example.org").exists()
    assert smtp_silent.connections, "the server was never reached"
    # EMAIL_TIMEOUT is 1 s here; without it smtplib waits forever.
    assert elapsed < 5, elapsed
    assert len(caplog.records) == 1
    assert "TimeoutError" in caplog.text or "timed out" in caplog.text


def test_email_timeout_default_is_ten_seconds():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10


def test_subject_of_a_title_with_a_line_break_is_one_line(workshop, participant_registration):
    workshop.title = "National Anti-Trafficking\r\nWorkshop\nBcc: everyone@example.org"
    workshop.save()

    raw = build_registration_email(participant_registration, "registered_confirmed").message()
    message = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)

    assert message["Subject"] == (
        "Registration confirmed: National Anti-Trafficking Workshop Bcc: everyone@example.org"
    )
    assert message["Bcc"] is None


def test_send_with_a_title_with_a_line_break_is_sent(workshop, participant_registration):
    workshop.title = "National Anti-Trafficking\nWorkshop"
    workshop.save()

    assert send_registration_email(participant_registration.pk, "registered_confirmed") is True

    (sent,) = mail.outbox
    assert "\n" not in sent.subject

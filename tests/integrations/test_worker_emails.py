"""Every e-mail goes through the task queue: queued when its change commits, built and sent by
the real worker (``manage.py run_worker``), never inside the request; a change that rolls
back sends nothing. Session changes, feedback links and reminders, published reports."""

from datetime import timedelta

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from events import services as events_services
from events.models import Session, Trainer
from feedback.models import Questionnaire
from feedback.services import send_invitations
from reports import services as report_services
from reports.models import ReportDelivery
from tests import factories
from tests.conftest import at
from tests.integrations.conftest import rolled_back, run_worker


@pytest.fixture
def session(workshop, make_session):
    trainer = Trainer.objects.create(name="Zhang Jun", email="zj@example.org")
    moved = make_session(
        workshop, title="Trafficking law", starts_at=at(28, 14), ends_at=at(28, 15)
    )
    moved.trainers.set([trainer])
    factories.registration(workshop, "Li Mei", email="li.mei@example.org")
    return moved


def queued_paths() -> list[str]:
    return list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True))


def test_a_moved_session_is_emailed_by_the_worker_as_an_updated_invitation(database_queue, session):
    events_services.move_session(session=session, starts_at=at(28, 16), ends_at=at(28, 17))

    # The request queued one task and sent nothing.
    assert queued_paths() == ["events.tasks.send_session_change_emails"]
    assert mail.outbox == []

    run_worker()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["li.mei@example.org", "zj@example.org"]
    [part] = [a for a in by_address["li.mei@example.org"].attachments if not isinstance(a, tuple)]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == at(28, 16)
    assert event["UID"] == Session.objects.get(pk=session.pk).uid
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == ("SUCCESSFUL", 2)


def test_a_session_change_that_rolls_back_sends_nothing(database_queue, session):
    with rolled_back():
        events_services.cancel_session(session=session)

    run_worker()

    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    assert Session.objects.get(pk=session.pk).status == Session.Status.SCHEDULED


def test_feedback_links_are_one_task_per_person_sent_by_the_worker(database_queue, workshop):
    for n in range(3):
        factories.registration(workshop, f"Person {n}", email=f"p{n}@example.org")
    questionnaire = Questionnaire.objects.create(
        workshop=workshop,
        title="Workshop evaluation",
        opens_at=at(26, 8),
        closes_at=at(31, 18) + timedelta(days=30),
    )

    assert send_invitations(questionnaire=questionnaire) == 3
    assert queued_paths() == ["feedback.tasks.send_questionnaire_email"] * 3
    assert mail.outbox == []

    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    assert {m.subject for m in mail.outbox} == {"Your feedback: Workshop evaluation"}


def test_a_published_report_is_emailed_by_the_worker_with_a_working_link(
    database_queue, workshop, organiser, client
):
    extra = [report_services.Recipient("board@donor.example.org", "en")]
    report_services.publish_report(
        workshop=workshop, user=organiser, accounts_language="en", extra=extra
    )
    assert queued_paths() == ["reports.tasks.send_report_email"]
    # The secret of the link is in no queue row: the worker draws it as it sends.
    assert DBTaskResult.objects.get().args_kwargs["args"] == [ReportDelivery.objects.get().pk]
    assert mail.outbox == []

    run_worker()

    [message] = mail.outbox
    assert message.to == ["board@donor.example.org"]
    link = next(word for word in message.body.split() if "/shared-reports/" in word)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert page.status_code == 200
    assert workshop.title in page.content.decode()
    assert ReportDelivery.objects.get().status == ReportDelivery.Status.SENT


def test_on_the_database_queue_a_task_is_written_within_its_transaction(database_queue, session):
    # Part of the change's own transaction (one commit, not two): there inside it, gone with
    # it when it rolls back, and the worker never sees it.
    with rolled_back():
        events_services.move_session(session=session, starts_at=at(28, 16), ends_at=at(28, 17))
        assert queued_paths() == ["events.tasks.send_session_change_emails"]
    assert queued_paths() == []
    run_worker()
    assert mail.outbox == []

"""What the public form costs in queries, the same for a 3-session and a 300-session
timetable: its GET (the timetable rendered once per version, then read from the cache) and
its POST (one upsert for the rate limit, the confirmation e-mail queued, not built)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events.models import Agency, Room, Trainer, WorkshopAgency
from participants.models import Registration
from tests import factories
from tests.conftest import at
from tests.integrations.conftest import DATABASE_QUEUE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_caches")]
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def timetable(make_workshop):
    def make(count):
        workshop = make_workshop(slug=f"big{count}", capacity=10)
        agency = Agency.objects.create(name="MPS")
        trainers = [Trainer.objects.create(name=f"T{n}", agency=agency) for n in range(3)]
        room = Room.objects.create(name="Hall")
        WorkshopAgency.objects.create(workshop=workshop, agency=agency, role="host")
        factories.timetable(workshop, count, title="Session {n}", trainers=trainers, room=room)
        return workshop

    return make


def url(workshop):
    return reverse("participants:public_workshop", kwargs={"slug": workshop.slug})


def statements(captured) -> list[str]:
    """The queries run, without transaction control: SQLite names its BEGIN and COMMIT as
    queries, PostgreSQL's driver does not, and a test's own transaction turns a BEGIN into a
    SAVEPOINT; the count should be the same on both engines, in a test and out of one."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]


@pytest.mark.parametrize("count", [3, 300])
def test_public_form_get_reads_the_timetable_once_per_version(timetable, count):
    workshop = timetable(count)
    client = Client()
    # The first visitor: the workshop; the agencies for the form; hosts and partners; the
    # timetable's version; the cache (a miss); the sessions with rooms; their trainers with
    # agencies; the entry written (the cache's row count, its row looked up, inserted); the
    # seat counts.
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url(workshop))
    assert len(statements(captured)) == 11, "\n".join(s[:120] for s in statements(captured))
    # Everyone after: the same without the sessions, the trainers and the write.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url(workshop))
    assert len(statements(captured)) == 6, "\n".join(s[:120] for s in statements(captured))
    page = again.content.decode()
    programme = page[page.index("<h2>Timetable") : page.index('<section id="register"')]
    assert programme in first.content.decode()
    assert programme.count("<tr") == count + programme.count("<thead")
    assert f"Session {count - 1}" in page
    assert "T2" in page


@pytest.mark.parametrize("count", [3, 300])
def test_public_form_post_costs_the_same_whatever_the_timetable(
    timetable, settings, transactional_db, count
):
    settings.TASKS = DATABASE_QUEUE
    workshop = timetable(count)
    client = Client(enforce_csrf_checks=True)
    token = _CSRF.search(client.get(url(workshop)).content.decode()).group(1)
    data = {
        "csrfmiddlewaretoken": token,
        "name": "Zhang Wei",
        "gender": "male",
        "agency_name": "Yunnan Women's Federation",
        "email": "zhang.wei@example.org",
        "preferred_language": "en",
    }
    # Someone before (the content types of the audit trail are then known to the process).
    Client().post(url(workshop), {**data, "email": "first@example.org"})
    # The workshop; the rate limit (one upsert); the agencies for the form; then, in one
    # transaction, before the workshop's lock: the person looked up, inserted, their audit
    # record; the webhooks to tell; under the lock: the workshop locked; the seat counts with
    # an earlier registration of the person's (one query); the registration inserted, its
    # audit record, and the e-mail's task queued (one row, committed with the registration:
    # the worker builds the message and the timetable's calendar).
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url(workshop), data)
    assert len(statements(captured)) == 12, "\n".join(s[:120] for s in statements(captured))
    # Under the lock (the workshop read again, FOR UPDATE on PostgreSQL): five statements.
    run = statements(captured)
    locked = max(n for n, sql in enumerate(run) if sql.startswith('SELECT "events_workshop"'))
    assert len(run[locked:]) == 5, run[locked:]
    assert response.status_code == 302, response.content[:500]
    registration = Registration.objects.get(participant__email="zhang.wei@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    task = DBTaskResult.objects.order_by("enqueued_at").last()
    assert task.task_path == "participants.tasks.send_registration_email"
    assert task.args_kwargs["args"] == [registration.pk, "registered_confirmed"]
    assert not any("events_session" in sql for sql in statements(captured))


def test_public_form_shows_each_change_to_the_timetable_at_once(timetable, make_session):
    workshop = timetable(3)
    client = Client()
    assert "Session 2" in client.get(url(workshop)).content.decode()  # now cached

    session = workshop.sessions.get(title="Session 2")
    session.title = "Closing ceremony"
    session.save()
    page = client.get(url(workshop)).content.decode()
    assert "Closing ceremony" in page
    assert "Session 2" not in page

    trainer = Trainer.objects.get(name="T1")
    trainer.name = "Dr Chen"
    trainer.save()
    assert "Dr Chen" in client.get(url(workshop)).content.decode()

    # The trainers' agency renamed: the cached list of trainers names it anew too.
    assert "MPS" in client.get(url(workshop)).content.decode()
    agency = Agency.objects.get(name="MPS")
    agency.name = "Ministry of Public Security"
    agency.save()
    page = client.get(url(workshop)).content.decode()
    assert "MPS" not in page
    assert "Ministry of Public Security" in page

    workshop.sessions.get(title="Session 0").delete()
    assert "Session 0" not in client.get(url(workshop)).content.decode()

    make_session(workshop, title="Field visit", starts_at=at(28, 14), ends_at=at(28, 17))
    assert "Field visit" in client.get(url(workshop)).content.decode()


def test_public_form_timetable_is_cached_per_language(timetable):
    workshop = timetable(3)
    english = Client().get(url(workshop)).content.decode()
    chinese = Client().get(url(workshop), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<th scope="col">Session</th>' in english
    assert '<th scope="col">Session</th>' not in chinese
    assert "Session 1" in chinese


@pytest.mark.parametrize("value", [None, 2, "3"])
def test_list_select_writes_the_html_of_djangos_select(value):
    from django import forms
    from django.test.html import parse_html

    from participants.forms import ListSelect

    choices = [
        ("", "Choose your agency…"),
        ("Attending this workshop", [(1, "Ministry <of> Public Security"), (2, "UNICEF")]),
        ("All agencies", [(3, 'The "Women\'s" Federation & co'), (4, "云南省公安厅")]),
    ]
    attrs = {"id": "id_agency", "aria-describedby": "id_agency_helptext", "required": True}
    ours = ListSelect(choices=choices).render("agency", value, attrs=attrs)
    django = forms.Select(choices=choices).render("agency", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)
    assert "&lt;of&gt;" in ours

"""What the public form costs in queries, the same for a 3-session and a 300-session
timetable: its GET (the page rendered once per version, then read from the cache) and its
POST (one upsert for the rate limit, the confirmation e-mail queued, not built); and the
cached page itself: the same as one rendered afresh, a CSRF token of each visitor's own,
every change shown at once, nothing of one visitor's shown to another."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.models import Agency, Room, Trainer, Workshop, WorkshopAgency
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
    # The first visitor: the workshop; the timetable's version; the agencies' digest; the
    # page's cache entry (a miss); the timetable's (a miss); the sessions with rooms; their
    # trainers with agencies; the timetable's entry written (the cache's row count, its row
    # looked up, inserted); hosts and partners; the agencies for the form; the page's entry
    # written (three again); the seat counts.
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url(workshop))
    assert len(statements(captured)) == 16, "\n".join(s[:120] for s in statements(captured))
    # Everyone after: the workshop; the timetable's version; the agencies' digest; the page's
    # entry; the seat counts.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url(workshop))
    assert len(statements(captured)) == 5, "\n".join(s[:120] for s in statements(captured))
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
    # The workshop; the rate limit (one upsert); then, in one transaction, before the
    # workshop's lock: the person looked up, inserted, their audit record; the webhooks to
    # tell; under the lock: the workshop locked; the seat counts with an earlier registration
    # of the person's (one query); the registration inserted, its audit record, and the
    # e-mail's task queued (one row, committed with the registration: the worker builds the
    # message and the timetable's calendar). Not the agencies: the form reads them only to
    # show them or to check a chosen one.
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url(workshop), data)
    assert len(statements(captured)) == 11, "\n".join(s[:120] for s in statements(captured))
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


def test_public_form_reads_the_agencies_only_to_check_a_chosen_one(make_workshop):
    workshop = make_workshop(slug="agencies")
    agency = Agency.objects.create(name="MPS")
    data = {
        "name": "Zhang Wei",
        "gender": "male",
        "email": "zhang.wei@example.org",
        "preferred_language": "en",
    }
    with CaptureQueriesContext(connection) as captured:
        typed = Client().post(url(workshop), {**data, "agency_name": "Yunnan Women's Federation"})
    assert typed.status_code == 302
    assert not any('FROM "events_agency"' in sql for sql in statements(captured))

    with CaptureQueriesContext(connection) as captured:
        unknown = Client().post(url(workshop), {**data, "agency": agency.pk + 1})
    assert unknown.status_code == 400
    assert "Select a valid choice." in unknown.content.decode()
    # Read once, for the check and the list the page shows again.
    assert sum('FROM "events_agency"' in sql for sql in statements(captured)) == 1

    chosen = Client().post(url(workshop), {**data, "email": "li@example.org", "agency": agency.pk})
    assert chosen.status_code == 302
    assert Registration.objects.get(participant__email="li@example.org").agency == agency


# --- The page from the cache, for visitors without a session --------------------------------

PAGE = "participants/public/workshop.html"


@pytest.fixture
def hosted(make_workshop):
    workshop = make_workshop(title="Anti-Trafficking Workshop", slug="lijiang", capacity=2)
    agency = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role="host")
    return workshop


def rendered(response) -> bool:
    """Whether the whole page was rendered for this response (not taken from the cache)."""
    return PAGE in [template.name for template in response.templates]


def page_of(path: str, **headers) -> str:
    return Client().get(path, **headers).content.decode()


def registration_data(token: str, email: str) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "name": "Zhang Wei",
        "gender": "male",
        "agency_name": "Yunnan Women's Federation",
        "email": email,
        "preferred_language": "en",
    }


def test_the_cached_page_is_the_page_rendered_afresh(hosted):
    first = Client().get(url(hosted))
    cached = Client().get(url(hosted))
    # A visitor with a session cookie (of no session: still nobody signed in) gets the page
    # rendered for them.
    with_session = Client()
    with_session.cookies["sessionid"] = "nothing-like-this"
    fresh = with_session.get(url(hosted))
    assert (rendered(first), rendered(cached), rendered(fresh)) == (True, False, True)
    pages = [_CSRF.sub("TOKEN", r.content.decode()) for r in (first, cached, fresh)]
    assert pages[0] == pages[1] == pages[2]
    assert "2 seats left of 2" in pages[1]
    assert "Ministry of Public Security (MPS)" in pages[1]
    for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy"):
        assert cached[header] == fresh[header], header
    assert "csrftoken" in cached.cookies


def test_each_visitor_gets_a_token_of_their_own_that_works(hosted):
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_tokens = _CSRF.findall(alice.get(url(hosted)).content.decode())
    bob_tokens = _CSRF.findall(bob.get(url(hosted)).content.decode())
    # Two forms on the page (the language switch, the registration), one token in both.
    assert len(alice_tokens) == len(bob_tokens) == 2
    assert len(set(alice_tokens)) == len(set(bob_tokens)) == 1
    assert alice_tokens[0] != bob_tokens[0]
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value

    # Bob's token with Alice's cookie, or none at all: refused as before.
    refused = alice.post(url(hosted), registration_data(bob_tokens[0], "a@example.org"))
    assert refused.status_code == 403
    assert alice.post(url(hosted), registration_data("", "a@example.org")).status_code == 403
    assert Registration.objects.count() == 0

    for client, token, email in (
        (alice, alice_tokens[0], "a@x.org"),
        (bob, bob_tokens[0], "b@x.org"),
    ):
        response = client.post(url(hosted), registration_data(token, email))
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Registration.objects.count() == 2


def test_the_seats_line_is_counted_for_every_visitor(hosted):
    assert "2 seats left of 2" in page_of(url(hosted))
    factories.registration(hosted, "Li Mei", status=Registration.Status.CONFIRMED)
    page = Client().get(url(hosted))
    assert not rendered(page)
    assert "1 seat left of 2" in page.content.decode()
    factories.registration(hosted, "Wang Fang", status=Registration.Status.CONFIRMED)
    assert "Full: new registrations join the waiting list." in page_of(url(hosted))


def test_the_cached_page_shows_every_change_to_the_workshop_at_once(hosted):
    page_of(url(hosted))
    # Written past the model (no change time moves): the page sees it all the same.
    Workshop.objects.filter(pk=hosted.pk).update(title="Counter-Trafficking Workshop")
    page = page_of(url(hosted))
    assert "Counter-Trafficking Workshop" in page
    assert "Anti-Trafficking Workshop" not in page

    closes = timezone.now() + timedelta(days=3)
    Workshop.objects.filter(pk=hosted.pk).update(registration_closes_at=closes)
    assert 'id="deadline"' in page_of(url(hosted))

    Workshop.objects.filter(pk=hosted.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    closed = page_of(url(hosted))
    assert "Registration closed on" in closed
    assert 'class="form registration-form"' not in closed
    assert len(_CSRF.findall(closed)) == 1  # the language switch's


def test_the_cached_page_shows_every_change_to_the_agencies_at_once(hosted):
    page_of(url(hosted))
    # Renamed as every writer of agencies does (the services, the admin, merges): saved, so
    # that its change time moves.
    renamed = Agency.objects.get(acronym="MPS")
    renamed.name = "Ministry of Security"
    renamed.save()
    page = page_of(url(hosted))
    assert "Ministry of Security (MPS)" in page
    assert "Ministry of Public Security" not in page

    unicef = Agency.objects.create(name="UNICEF")
    assert '">UNICEF</option>' in page_of(url(hosted))
    WorkshopAgency.objects.create(workshop=hosted, agency=unicef, role="partner")
    assert "In cooperation with" in page_of(url(hosted))
    WorkshopAgency.objects.create(workshop=hosted, agency=unicef, role="attending")
    assert '<optgroup label="Attending this workshop">' in page_of(url(hosted))


def test_the_cached_page_is_kept_per_language(hosted):
    assert "How your data is used" in page_of(url(hosted))
    assert "您的数据如何使用" in page_of(url(hosted), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "How your data is used" in page_of(url(hosted))


def signed_in(client, user, path):
    client.force_login(user)
    return path, "Sign out"


def with_message(client, user, path):
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Language changed")])
    return path, "Language changed"


def with_query(client, user, path):
    return f"{path}?utm_source=mail", f'value="{path}?utm_source=mail"'


@pytest.mark.parametrize("visit", [signed_in, with_message, with_query])
def test_a_page_of_ones_own_is_rendered_and_never_cached(hosted, organiser, visit):
    page_of(url(hosted))  # cached for everyone
    client = Client()
    path, own = visit(client, organiser, url(hosted))
    response = client.get(path)
    assert rendered(response)
    assert own in response.content.decode()
    everyone = Client().get(url(hosted))
    assert not rendered(everyone)
    assert own not in everyone.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
@pytest.mark.postgres
def test_the_person_is_found_through_the_address_index(db):
    """A newcomer's address is looked up through participant_email_unique_ci (on the
    non-blank addresses), not by reading every participant."""
    from participants.services import find_or_create_person

    factories.person("li.mei@example.org")
    with CaptureQueriesContext(connection) as captured:
        find_or_create_person("Li.Mei@example.org")
    [lookup] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {lookup['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "participant_email_unique_ci" in plan, plan

"""The Content-Security-Policy in a real browser: no page of ours, of the admin or of the
API docs has anything the policy blocks, and the site's script still works under it."""

import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from events.models import Room, Trainer
from participants.models import Participant, Registration
from tests.conftest import at

PASSWORD = "correct horse battery staple"


class Found(list):
    """The violations found so far; ``in_flight``: the page's requests not answered yet."""

    def __init__(self):
        super().__init__()
        self.in_flight = set()


@pytest.fixture
def violations(page):
    """Every CSP violation and console error the pages report, collected as they happen."""
    found = Found()
    page.on("request", lambda request: found.in_flight.add(request))
    page.on("requestfinished", lambda request: found.in_flight.discard(request))
    page.on("requestfailed", lambda request: found.in_flight.discard(request))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def console(msg):
        # A missing resource is reported by its response below, with its address.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            found.append(msg.text)

    def response(answer):
        # Browsers ask for /favicon.ico on their own; the site has none.
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            found.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


@pytest.fixture
def timetable(workshop, make_session):
    trainer = Trainer.objects.create(name="Liang ShuYing", honorific="Prof.")
    session = make_session(
        workshop,
        title="Trafficking definitions",
        starts_at=at(27, 9),
        ends_at=at(27, 10, 30),
        trainers=[trainer],
        room=Room.objects.create(name="Jade Hall"),
    )
    person = Participant.objects.create(email="li.mei@example.org")
    registration = Registration.objects.create(
        workshop=workshop,
        participant=person,
        name="Li Mei",
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.ORGANISER,
    )
    return trainer, session, registration


def visit(page, path, violations):
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    settled(page, violations.in_flight)
    assert violations == [], (path, violations)


def settled(page, in_flight, quiet=0.1):
    """Once the page has loaded, wait until none of its requests has been in flight for
    ``quiet`` seconds (what the scripts fetch after the load, as Swagger UI its schema):
    networkidle's wait, without its fixed 500 ms of quiet after the last request, which was
    most of these tests' time (24 pages)."""
    deadline = time.monotonic() + 10
    quiet_since = None
    while True:
        page.wait_for_timeout(20)
        now = time.monotonic()
        if in_flight:
            quiet_since = None
            assert now < deadline, ("requests still in flight", [r.url for r in in_flight])
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet:
            return


def test_public_and_personal_pages_run_under_the_policy(page, workshop, timetable, violations):
    _trainer, _session, registration = timetable
    for path in [
        "/",
        f"/w/{workshop.slug}/",
        f"/r/{registration.token}/",
        "/accounts/login/",
        "/accounts/password-reset/",
    ]:
        visit(page, path, violations)

    # The language switch submits by itself: the site's script runs.
    page.goto(f"/r/{registration.token}/")
    page.locator("#language-select").select_option("zh-hans")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert violations == []


def test_organiser_pages_run_under_the_policy(
    page, sign_in, workshop, organiser, timetable, violations
):
    trainer, session, _registration = timetable
    sign_in(organiser)
    slug = workshop.slug
    for path in [
        "/organise/",
        f"/organise/workshops/{slug}/",
        f"/organise/workshops/{slug}/timetable/",
        f"/organise/workshops/{slug}/timetable/{session.pk}/edit/",
        f"/organise/workshops/{slug}/calendar/",
        f"/organise/workshops/{slug}/agencies/",
        f"/organise/workshops/{slug}/registrations/",
        f"/organise/workshops/{slug}/registrations/import/",
        f"/organise/trainers/{trainer.pk}/",
        "/organise/trainers/",
    ]:
        visit(page, path, violations)

    # The roster's "select all" appears and works: its script came from static/js/site.js.
    page.goto(f"/organise/workshops/{slug}/registrations/")
    select_all = page.locator("#select-all")
    expect(select_all).to_be_visible()
    select_all.check()
    expect(page.locator('input[name="registration"]').first).to_be_checked()
    assert violations == []


def test_admin_and_api_docs_run_under_the_policy(page, sign_in, workshop, timetable, violations):
    trainer, session, registration = timetable
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    for path in [
        "/admin/",
        "/admin/events/workshop/",
        f"/admin/events/workshop/{workshop.pk}/change/",
        f"/admin/events/session/{session.pk}/change/",
        f"/admin/events/trainer/{trainer.pk}/change/",
        "/admin/participants/registration/",
        f"/admin/participants/registration/{registration.pk}/change/",
        "/admin/axes/accessattempt/",
        "/api/docs/",
    ]:
        visit(page, path, violations)
    # Swagger UI drew the API from its own files.
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Workshops API")
    assert violations == []

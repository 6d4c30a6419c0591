"""Taking attendance in a real browser, on a phone (390 px) and a desktop (1280 px): an
organiser checks in three people from the screen and one by code, loses the connection,
marks two more, gets it back, and finds exactly those marks recorded once; a participant
checks themselves in by scanning the room's code with the phone that opened their link."""

import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Agency, Session
from participants.attendance import checkin_code, format_code
from participants.models import Attendance
from tests import factories
from tests.browser.conftest import ARTIFACTS, sign_in_as

WIDTHS = ["phone", "laptop"]


@pytest.fixture
def door(workshop, make_session):
    session = make_session(workshop, title="Opening ceremony", title_local="开幕式")
    ministry = Agency.objects.create(name="Ministry of Public Security", name_local="公安部")
    people = [
        factories.registration(workshop, name, name_local=local, agency=ministry)
        for name, local in [
            ("Zhang Wei", "张伟"),
            ("Wang Fang", "王芳"),
            ("Li Na", "李娜"),
            ("Chen Jie", "陈杰"),
            ("Liu Yang", "刘洋"),
            ("Zhao Min", "赵敏"),
            ("Sun Li", "孙丽"),
        ]
    ]
    return session, {person.name: person for person in people}


def row(page, name):
    return page.locator(f'[data-name="{name}"]')


def marked(session) -> dict[str, str]:
    return dict(
        Attendance.objects.filter(session=session).values_list("registration__name", "status")
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_check_in_at_the_door_online_and_offline(page_at, organiser, door, width):
    session, people = door
    page = page_at(width, language=None)
    sign_in_as(page, organiser.username)
    page.goto(f"/organise/workshops/{session.workshop.slug}/sessions/{session.pk}/check-in/")
    expect(page.locator('[data-count="total"]')).to_have_text("7")

    search = page.get_by_label("Search (name in either script, or agency)")
    # Found by the local script, by the Latin one, and by a part of a name.
    for query, name in [("王芳", "Wang Fang"), ("zhang", "Zhang Wei"), ("李", "Li Na")]:
        search.fill(query)
        expect(page.locator("[data-registration]:visible")).to_have_count(1)
        row(page, name).get_by_role("button", name="Present").click()
    row(page, "Li Na").get_by_role("button", name="Late").click()
    search.fill("")
    expect(page.locator("[data-registration]:visible")).to_have_count(7)

    page.get_by_label("Check-in code").fill(format_code(checkin_code(people["Chen Jie"])).lower())
    page.get_by_role("button", name="Mark present").click()
    expect(page.locator("[data-message]")).to_have_text("Chen Jie: present.")
    page.get_by_label("Check-in code").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Mark present").click()
    expect(page.locator("[data-message]")).to_contain_text("No confirmed participant")

    expect(page.locator("[data-sync]")).to_have_text("Every mark is saved.")
    expect(page.locator('[data-count="attended"]')).to_have_text("4")
    assert marked(session) == {
        "Wang Fang": "present",
        "Zhang Wei": "present",
        "Li Na": "late",
        "Chen Jie": "present",
    }

    # The venue's Wi-Fi goes.
    page.context.set_offline(True)
    row(page, "Liu Yang").get_by_role("button", name="Present").click()
    row(page, "Zhao Min").get_by_role("button", name="Excused").click()
    row(page, "Sun Li").get_by_role("button", name="Absent").click()
    page.get_by_role("button", name="Undo last mark").click()
    expect(page.locator("[data-sync]")).to_contain_text("4 marks wait in this browser")
    expect(page.locator('[data-count="attended"]')).to_have_text("5")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"checkin-offline-{width}.png"), full_page=True)
    assert len(marked(session)) == 4

    page.context.set_offline(False)
    expect(page.locator("[data-sync]")).to_have_text("Every mark is saved.", timeout=15_000)
    expected = {
        "Wang Fang": "present",
        "Zhang Wei": "present",
        "Li Na": "late",
        "Chen Jie": "present",
        "Liu Yang": "present",
        "Zhao Min": "excused",
    }
    assert marked(session) == expected
    # A reload shows what the server holds, and nothing is left to send.
    page.reload()
    expect(page.locator('[data-count="attended"]')).to_have_text("5")
    expect(page.locator('[data-count="excused"]')).to_have_text("1")
    expect(page.locator("[data-sync]")).to_have_text("Every mark is saved.")
    assert page.evaluate(f"localStorage.getItem('checkin-queue:{session.pk}')") == "[]"
    assert marked(session) == expected


def test_check_in_screen_reloaded_offline_still_opens_and_sends_later(page_at, organiser, door):
    """The venue's network fails for the day: the screen, reloaded with no connection, opens
    from what the browser kept, takes marks, and sends them once the network is back."""
    session, _people = door
    page = page_at("phone", language=None)
    sign_in_as(page, organiser.username)
    url = f"/organise/workshops/{session.workshop.slug}/sessions/{session.pk}/check-in/"
    page.goto(url)
    # The worker takes control, and keeps the screen and its files. (Polled from here:
    # wait_for_function evaluates a string, which the page's CSP rightly forbids.)
    kept = "navigator.serviceWorker.controller ? caches.match(location.href).then(Boolean) : false"
    deadline = time.monotonic() + 10
    while not page.evaluate(kept):
        assert time.monotonic() < deadline, "the service worker kept no copy of the screen"
        page.wait_for_timeout(200)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator('[data-count="total"]')).to_have_text("7")
    row(page, "Sun Li").get_by_role("button", name="Present").click()
    expect(page.locator("[data-sync]")).to_contain_text("1 marks wait in this browser")
    assert marked(session) == {}

    page.context.set_offline(False)
    expect(page.locator("[data-sync]")).to_have_text("Every mark is saved.", timeout=15_000)
    assert marked(session) == {"Sun Li": "present"}


def test_check_in_worker_is_for_organisers_and_keeps_only_the_screens(client, organiser):
    url = "/organise/check-in-worker.js"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(organiser)
    response = client.get(url)
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    body = response.content.decode()
    assert '"/static/participants/checkin.js"' in body
    assert "check-in" in body


def decode_screen(page, name: str) -> list[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True
    )
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("width", WIDTHS)
def test_self_check_in_by_scanning_the_room_screen(page_at, organiser, door, width):
    session, people = door
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=55)
    )
    room = page_at("laptop", language=None)
    sign_in_as(room, organiser.username)
    room.goto(f"/organise/workshops/{session.workshop.slug}/sessions/{session.pk}/room-screen/")
    expect(room.get_by_role("img", name="QR code for self check-in")).to_be_visible()
    room.wait_for_function("document.querySelector('[data-room-qr]').naturalWidth > 0")
    (url,) = decode_screen(room, f"room-screen-{width}")
    assert f"/checkin/{session.pk}/" in url

    phone = page_at(width, language=None)
    # Without the personal link opened first, the phone is asked for it.
    phone.goto(url)
    expect(phone.get_by_text("Open your personal link")).to_be_visible()
    assert not Attendance.objects.exists()

    wang = people["Wang Fang"]
    phone.goto(f"/r/{wang.token}/")
    expect(phone.get_by_text(format_code(checkin_code(wang)))).to_be_visible()
    phone.goto(url)
    expect(phone.get_by_text("You are checked in at “Opening ceremony”.")).to_be_visible()
    assert phone.url.endswith(f"/r/{wang.token}/")
    assert marked(session) == {"Wang Fang": "present"}

"""Calendars in a real browser: importing a timetable from Outlook, and the subscribe links."""

import re
from pathlib import Path

from playwright.sync_api import expect

from events.models import Session
from tests.conftest import at
from tests.events.calendar_support import lijiang_cast

OUTLOOK = Path(__file__).parents[1] / "events" / "data" / "outlook-lijiang.ics"


def test_organiser_imports_a_timetable_from_outlook(
    page, sign_in, screenshot, workshop, organiser, make_session
):
    _, room, _ = lijiang_cast()
    make_session(
        workshop, title="Existing session", starts_at=at(28, 14), ends_at=at(28, 15), room=room
    )
    sign_in(organiser)

    page.goto(f"/organise/workshops/{workshop.slug}/timetable/")
    page.get_by_role("link", name="Import from a calendar file").click()
    page.get_by_label("Calendar file (.ics)").set_input_files(str(OUTLOOK))
    page.get_by_role("button", name="Show the preview").click()

    expect(page.get_by_role("heading", name="Preview of “outlook-lijiang.ics”")).to_be_visible()
    expect(
        page.get_by_text("New sessions: 8; sessions updated: 0; not importable: 4.")
    ).to_be_visible()
    rows = page.get_by_test_id("import-row")
    expect(rows).to_have_count(12)
    expect(page.locator("tr.import-skip")).to_have_count(4)
    expect(
        page.get_by_text("An all-day event has no times; give it a start and an end.")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Jade Hall, Guanfang Hotel is also booked for “Existing session”", exact=False
        )
    ).to_be_visible()
    screenshot("calendar-import-preview")
    assert Session.objects.count() == 1

    # Leave the Geneva briefing out.
    page.get_by_role("row", name="Briefing from Geneva").get_by_role("checkbox").uncheck()
    page.get_by_role("button", name="Import the chosen sessions").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Imported from the calendar file: 7 new, 0 updated."
    )
    expect(page.locator(".session-title", has_text="Identifying victims")).to_be_visible()
    assert not Session.objects.filter(title="Briefing from Geneva").exists()
    assert Session.objects.filter(workshop=workshop).count() == 8
    screenshot("calendar-import-done")


def test_public_page_offers_subscription_and_downloads(page, workshop, make_session):
    session = make_session(workshop, title="Identifying victims")

    page.goto(f"/w/{workshop.slug}/")

    subscribe = page.get_by_test_id("calendar-subscribe")
    expect(subscribe).to_have_attribute(
        "href", f"webcal://{page.url.split('://')[1].split('/')[0]}/w/{workshop.slug}/calendar.ics"
    )
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"^Download \(\.ics\).*Identifying victims")
        ).click()
    path = download.value.path()
    body = Path(path).read_bytes()
    assert download.value.suggested_filename == f"{workshop.slug}-identifying-victims.ics"
    assert session.uid.encode() in body
    assert b"\r\nSUMMARY:Identifying victims\r\n" in body

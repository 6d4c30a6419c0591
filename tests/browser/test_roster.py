"""An organiser imports an agency's nominations and approves one, offers seats freed by a
raised capacity to the waiting list, and gives someone new personal links, in a real browser."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Agency
from participants.models import Participant, Registration
from tests import factories
from tests.browser.conftest import no_sideways_scroll, sign_in_as

NOMINATIONS = (
    "Name,Local name,Gender,Agency,Email\n"
    "Li Na,李娜,女,MPS,li.na@example.cn\n"
    ",无名,女,MPS,no.name@example.cn\n"
    "Wang Jun,王军,男,,wang.jun@example.cn\n"
    "Harry,,male,Ministry of Magic,harry@example.org\n"
)


def test_organiser_imports_nominations_and_approves_one(
    page, sign_in, screenshot, workshop, organiser
):
    workshop.requires_approval = True
    workshop.save()
    Agency.objects.create(name="Ministry of Public Security", name_local="公安部", acronym="MPS")
    Agency.objects.create(name="Yunnan Public Security Department", acronym="YPSD")
    sign_in(organiser)

    page.goto(f"/organise/workshops/{workshop.slug}/registrations/import/")
    expect(page.get_by_role("heading", name="Import nominations", exact=True)).to_be_visible()
    page.get_by_label("Nominating agency").select_option(
        label="Yunnan Public Security Department (YPSD)"
    )
    page.get_by_label("Nominations file (CSV or XLSX)").set_input_files(
        {
            "name": "yunnan-nominations.csv",
            "mimeType": "text/csv",
            "buffer": ("\ufeff" + NOMINATIONS).encode(),
        }
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Check the nominations")).to_be_visible()
    problems = page.locator("ul.problems li")
    expect(problems).to_have_text(
        [
            "Row 3, column “Name”: Name is missing.",
            re.compile(r"^Row 5, column “Agency”: Unknown agency “Ministry of Magic”"),
        ]
    )
    expect(page.locator("#row-2")).to_contain_text("李娜")
    expect(page.locator("#row-3 .badge")).to_have_text("Problem")
    screenshot("roster-import-preview")
    assert Registration.objects.count() == 0

    page.get_by_role("button", name="Import 2 people").click()

    expect(page.get_by_role("status")).to_contain_text(
        "2 nominations imported (2 pending approval)."
    )
    rows = page.locator("table.roster tbody tr")
    expect(rows).to_have_count(2)
    li_row = rows.filter(has_text="Li Na")
    expect(li_row).to_contain_text("李娜")
    expect(li_row).to_contain_text("Ministry of Public Security (MPS)")
    expect(li_row).to_contain_text("nominated by Yunnan Public Security Department (YPSD)")
    expect(li_row).to_contain_text("Pending approval")
    # No agency in the file: Wang Jun belongs to the nominating agency.
    wang_row = rows.filter(has_text="Wang Jun")
    expect(wang_row).to_contain_text("Yunnan Public Security Department (YPSD)")
    expect(wang_row).not_to_contain_text("nominated by")

    page.get_by_label("Select Li Na").check()
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("status")).to_contain_text("1 approved.")
    expect(rows.filter(has_text="Li Na")).to_contain_text("Confirmed")
    expect(rows.filter(has_text="Wang Jun")).to_contain_text("Pending approval")
    expect(page.locator('[data-count="confirmed"]')).to_have_text("1 of 30 seats")
    screenshot("roster-after-approval")
    statuses = dict(Registration.objects.values_list("name", "status").order_by("pk"))
    assert statuses == {"Li Na": "confirmed", "Wang Jun": "pending"}


def add(workshop, name, status, waited=0):
    person = Participant.objects.create(email=f"{name.lower()}@example.org")
    return Registration.objects.create(
        workshop=workshop,
        participant=person,
        name=name,
        status=status,
        source=Registration.Source.ORGANISER,
        waitlisted_at=timezone.now() + timedelta(minutes=waited)
        if status == Registration.Status.WAITLISTED
        else None,
    )


def test_organiser_offers_free_seats_then_gives_new_links(
    page, sign_in, screenshot, workshop, organiser
):
    Status = Registration.Status
    workshop.capacity = 1
    workshop.save()
    add(workshop, "Ann", Status.CONFIRMED)
    cat = add(workshop, "Cat", Status.WAITLISTED, waited=1)
    add(workshop, "Dan", Status.WAITLISTED, waited=2)
    add(workshop, "Eve", Status.WAITLISTED, waited=3)
    # The capacity raised (say, a bigger room): two seats stay empty while three wait.
    workshop.capacity = 3
    workshop.save()
    sign_in(organiser)

    page.goto(f"/organise/workshops/{workshop.slug}/registrations/")
    banner = page.locator("#free-seats")
    expect(banner.get_by_role("heading")).to_have_text("2 seats are free and 3 people are waiting")
    screenshot("roster-free-seats")
    banner.get_by_role("button", name="Offer the free seats to the waiting list").click()

    expect(page.get_by_role("status")).to_contain_text(
        "2 people moved from the waiting list to confirmed, in the order they joined it: Cat, Dan."
    )
    expect(page.locator("#free-seats")).to_have_count(0)
    expect(page.locator('[data-count="confirmed"]')).to_have_text("3 of 3 seats")
    rows = page.locator("table.roster tbody tr")
    expect(rows.filter(has_text="Cat")).to_contain_text("Confirmed")
    expect(rows.filter(has_text="Dan")).to_contain_text("Confirmed")
    expect(rows.filter(has_text="Eve")).to_contain_text("On the waiting list")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "cat@example.org",
        "dan@example.org",
    ]

    old_page, old_feed = cat.token, cat.feed_token
    page.once("dialog", lambda dialog: dialog.accept())
    rows.filter(has_text="Cat").get_by_role("button", name="New personal links").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Cat has new personal links, sent to cat@example.org; the old personal page and "
        "calendar links no longer work."
    )
    cat.refresh_from_db()
    assert page.goto(f"/r/{old_page}/").status == 404
    assert page.goto(f"/feeds/people/{old_feed}.ics").status == 404
    assert page.goto(f"/r/{cat.token}/").status == 200
    expect(page.locator(f'a[href*="/feeds/people/{cat.feed_token}.ics"]').first).to_be_attached()


def test_roster_filters_fit_a_phone_with_a_long_agency_name(page_at, workshop, organiser):
    # The agency filter lists every agency by its full name: a long one must not push the
    # page sideways (the filter's row let it grow past the screen).
    agency = Agency.objects.create(
        name="Central Committee for Comprehensive Management of Public Security and Social Order"
    )
    factories.registration(workshop, "Li Mei", agency=agency)  # the filter lists its agency
    page = page_at("phone", "en")
    sign_in_as(page, organiser.username)
    page.goto(f"/organise/workshops/{workshop.slug}/registrations/")
    expect(page.get_by_label("Agency")).to_be_visible()
    assert no_sideways_scroll(page)

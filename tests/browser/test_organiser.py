"""An organiser plans a workshop in a real browser, from an empty timetable to its next edition."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events import timezones
from events.models import Agency, Session, Trainer, Workshop
from feedback.models import Questionnaire, Response
from participants.models import Attendance
from tests import factories
from tests.conftest import at


def label(day: date) -> str:
    """A day as the session form's select names it."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


@pytest.fixture
def known(db):
    """What the organiser finds already there: agencies and trainers of earlier workshops."""
    Agency.objects.create(name="Ministry of Public Security", acronym="MPS", name_local="公安部")
    Agency.objects.create(name="United Nations", acronym="UN", kind=Agency.Kind.UN)
    Trainer.objects.create(name="Liang ShuYing", honorific="Prof.")
    Trainer.objects.create(name="Huang TaiYun")


@pytest.fixture
def history(workshop, make_session):
    """The organiser's Lijiang workshop, held: its figures fill the dashboard's past row."""
    # 24 confirmed (p0@example.org to p23@), 3 waiting since 20 August; all added by the organiser.
    registrations = factories.bulk_registrations(
        workshop,
        27,
        name="Participant {n}",
        each=lambda n: {} if n < 24 else {"status": "waitlisted", "waitlisted_at": at(20, 9)},
    )
    for day in (27, 28):
        session = make_session(workshop, starts_at=at(day, 9), ends_at=at(day, 10))
        Attendance.objects.bulk_create(
            Attendance(registration=r, session=session, status="present" if n % 8 else "absent")
            for n, r in enumerate(registrations[:24])
        )
    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    Response.objects.bulk_create(
        Response(questionnaire=evaluation, submitted_on=workshop.end_date) for _ in range(18)
    )


def add_session(page, *, title, day, start, end, trainer, room="", another=False):
    page.get_by_label("Title (English)").fill(title)
    page.get_by_label("Day").select_option(label=label(day))
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Ends").fill(end)
    if room:
        page.get_by_label("Or a new room").fill(room)
    page.get_by_label("Trainers").select_option(label=trainer)
    name = "Save and add another" if another else "Save session"
    page.get_by_role("button", name=name).click()


def test_organiser_plans_publishes_and_copies_a_workshop(
    page, organiser, known, history, sign_in, screenshot
):
    first = date.today() + timedelta(days=40)
    second = first + timedelta(days=1)

    sign_in(organiser)
    page.goto("/organise/")
    page.get_by_role("link", name="New workshop").click()

    # The workshop, as a draft.
    page.get_by_label("Title (English)").fill("Border Liaison Workshop")
    page.get_by_label("Title (local script)").fill("边境联络研讨会")
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day", exact=True).fill((first + timedelta(days=2)).isoformat())
    page.get_by_label("Time zone").select_option("Asia/Shanghai")
    page.get_by_label("Venue", exact=True).fill("Guanfang Hotel")
    page.get_by_label("Venue (local script)").fill("官房大酒店")
    page.get_by_label("City", exact=True).fill("Lijiang")
    page.get_by_label("City (local script)").fill("丽江")
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Create workshop").click()
    expect(page.get_by_role("heading", level=1, name="Border Liaison Workshop")).to_be_visible()
    expect(page.get_by_text("The workshop was created as a draft.")).to_be_visible()

    # An agency that exists, found by its local name, as host.
    page.get_by_role("navigation", name="Workshop").get_by_role("link", name="Agencies").click()
    page.get_by_label("Search agencies by name, local name or acronym").fill("公安")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_label("Role of Ministry of Public Security").select_option(label="Host")
    page.get_by_role("button", name=re.compile(r"^Add\W+Ministry of Public Security$")).click()
    expect(page.get_by_text("Ministry of Public Security (MPS) was added as host.")).to_be_visible()

    # A new agency, its parent found by search, as partner.
    page.get_by_role("link", name="Create a new agency").click()
    page.get_by_label("Name (English)").fill("UNIAP China Office")
    page.get_by_label("Acronym").fill("UNIAP")
    page.get_by_label("Kind").select_option(label="United Nations")
    page.get_by_label("Find the parent agency").fill("united")
    page.get_by_role("button", name="Find").click()
    # What was typed survives the search.
    expect(page.get_by_label("Name (English)")).to_have_value("UNIAP China Office")
    page.get_by_label("Parent agency", exact=True).select_option(label="United Nations (UN)")
    page.get_by_label("Role in this workshop").select_option(label="Co-organiser / partner")
    page.get_by_role("button", name="Create and add").click()
    expect(page.get_by_text("UNIAP China Office (UNIAP) was created and added.")).to_be_visible()
    partners = page.locator("#role-partner + ol")
    expect(partners).to_contain_text("UNIAP China Office")
    expect(partners).to_contain_text("part of United Nations (UN)")
    expect(page.locator("#role-host + ol")).to_contain_text("Ministry of Public Security")
    screenshot("organiser-agencies")

    # Three sessions on two days.
    page.get_by_role("navigation", name="Workshop").get_by_role("link", name="Timetable").click()
    page.get_by_role("link", name="Add a session", exact=True).click()
    add_session(
        page,
        title="Trafficking definitions",
        day=first,
        start="09:00",
        end="10:30",
        trainer="Prof. Liang ShuYing",
        room="Jade Hall",
        another=True,
    )
    expect(page.get_by_text("“Trafficking definitions” was added.")).to_be_visible()
    add_session(
        page,
        title="Victim protection",
        day=first,
        start="11:00",
        end="12:30",
        trainer="Huang TaiYun",
        another=True,
    )
    add_session(
        page,
        title="Prosecution of traffickers",
        day=second,
        start="09:00",
        end="10:30",
        trainer="Prof. Liang ShuYing",
    )
    day_one = page.get_by_role("region", name=label(first))
    expect(day_one.get_by_role("listitem")).to_have_count(2)
    expect(day_one).to_contain_text("09:00\N{EN DASH}10:30")
    expect(day_one).to_contain_text("Jade Hall, Guanfang Hotel")
    expect(page.get_by_role("region", name=label(second))).to_contain_text(
        "Prosecution of traffickers"
    )

    # The same trainer twice at once is refused, naming what clashes with what.
    page.get_by_role("link", name="Add a session", exact=True).click()
    add_session(
        page,
        title="Extra lecture",
        day=first,
        start="10:00",
        end="11:00",
        trainer="Prof. Liang ShuYing",
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert).to_contain_text(
        "Prof. Liang ShuYing also teaches “Trafficking definitions” (Border Liaison Workshop"
    )
    screenshot("organiser-clash-refused")
    page.get_by_role("link", name="Back without saving").click()
    expect(page.get_by_text("Extra lecture")).to_have_count(0)
    screenshot("organiser-timetable")

    # Publish, after confirming.
    page.get_by_role("navigation", name="Workshop").get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Publish").click()
    expect(page.get_by_text("The workshop becomes visible on the public list")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The workshop is now “Published”.")).to_be_visible()
    workshop = Workshop.objects.get(title="Border Liaison Workshop")
    assert workshop.status == Workshop.Status.PUBLISHED
    assert (workshop.venue_local, workshop.city_local) == ("官房大酒店", "丽江")

    # The next edition, a year on: the timetable moves with it.
    next_first = first + timedelta(days=364)  # the same weekday
    page.get_by_role("link", name="Copy to new dates").click()
    page.get_by_label("First day of the new workshop").fill(next_first.isoformat())
    page.get_by_role("button", name="Make the copy").click()
    expect(page.get_by_text("A copy was made as a draft")).to_be_visible()
    expect(page).to_have_url(
        re.compile(r"/organise/workshops/border-liaison-workshop-\d+/timetable/")
    )
    new_day_one = page.get_by_role("region", name=label(next_first))
    expect(new_day_one).to_contain_text("09:00\N{EN DASH}10:30")
    expect(new_day_one).to_contain_text("Trafficking definitions")
    expect(new_day_one).to_contain_text("Prof. Liang ShuYing")
    expect(page.get_by_role("region", name=label(next_first + timedelta(days=1)))).to_contain_text(
        "Prosecution of traffickers"
    )
    copy = Workshop.objects.exclude(pk=workshop.pk).get(title="Border Liaison Workshop")
    assert copy.status == Workshop.Status.DRAFT
    assert copy.sessions.filter(status=Session.Status.SCHEDULED).count() == 3
    assert copy.agency_roles.count() == 2
    assert (copy.venue_local, copy.city_local) == ("官房大酒店", "丽江")

    page.goto("/organise/")
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible()
    expect(page.get_by_text("Still a draft: publish it to open registration.")).to_be_visible()
    past = page.locator('tr[data-workshop="national-anti-trafficking-workshop-2007"]')
    expect(past.locator('[data-figure="registered"]')).to_contain_text("24 of 30")
    expect(past.locator('[data-figure="attendance"]')).to_have_text("88%")
    expect(past.locator('[data-figure="feedback"]')).to_have_text("75%")
    screenshot("organiser-dashboard")


def test_the_zone_search_narrows_the_list_and_keeps_the_choice(page, sign_in, organiser, workshop):
    sign_in(organiser)
    page.goto(reverse("events:workshop_edit", args=[workshop.slug]))
    picker = page.get_by_label("Time zone")
    expect(picker).to_have_value("Asia/Shanghai")
    page.get_by_label("Find a zone by city").fill("new york")
    values = picker.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert sorted(values) == ["America/New_York", "Asia/Shanghai"]
    page.get_by_label("Find a zone by city").press("Enter")
    expect(picker).to_have_value("America/New_York")
    page.get_by_label("Find a zone by city").fill("")
    assert picker.locator("option").count() == len(timezones.offered())

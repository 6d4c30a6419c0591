"""Pages at a phone's width (390 px), with names no line can break: the roster, the public
timetable, a registration's page and the nominations import's help, which stays one table;
the site's icon is served where browsers ask for it."""

import pytest
from playwright.sync_api import expect

from participants.models import Registration
from tests import factories
from tests.browser.conftest import at_width, no_sideways_scroll, sign_in_as
from tests.conftest import at

LONG = "Nguyễn" + "x" * 70  # one word of 76 letters: wider than a phone
LONG_MAIL = (
    "someone.with.a.very.long.address.that.goes.on.and.on@ministry-of-public-security.example.org"
)


@pytest.fixture
def phone(page_at):
    return page_at("phone")


@pytest.fixture
def crowded(workshop, make_session):
    for n in range(3):
        factories.registration(
            workshop,
            f"{LONG} {n}",
            email=f"{n}.{LONG_MAIL}",
            agency_name="Provincial Department of Public Security of the Autonomous Region "
            + "x" * 40,
            position="Deputy Director-General of the Department of International Cooperation",
        )
    make_session(
        workshop,
        title="Interviewing" + "x" * 60,
        starts_at=at(27, 9),
        ends_at=at(27, 10),
    )
    return workshop


def test_roster_fits_a_phone(phone, organiser, crowded):
    sign_in_as(phone, organiser.username)

    phone.goto(f"/organise/workshops/{crowded.slug}/registrations/")

    expect(phone.locator("table.roster tbody tr")).to_have_count(3)
    assert no_sideways_scroll(phone)


def test_a_registrations_page_fits_a_phone(phone, organiser, crowded):
    sign_in_as(phone, organiser.username)
    registration = Registration.objects.order_by("pk").first()

    phone.goto(f"/organise/workshops/{crowded.slug}/registrations/{registration.pk}/")

    expect(phone.locator("#registration-heading")).to_contain_text("Nguyễn")
    assert no_sideways_scroll(phone)


def test_public_timetable_fits_a_phone(phone, crowded):
    phone.goto(f"/w/{crowded.slug}/")

    expect(phone.locator(".timetable-day").first).to_contain_text("Interviewing")
    assert no_sideways_scroll(phone)


def test_a_long_name_wraps_in_its_cell(phone, organiser, crowded):
    sign_in_as(phone, organiser.username)
    at_width(phone, "laptop")
    phone.goto(f"/organise/workshops/{crowded.slug}/registrations/")

    # The name's cell is no wider than the table's share: the word breaks inside it.
    cell = phone.locator("table.roster tbody tr td.name").first
    width = cell.evaluate("cell => cell.getBoundingClientRect().width")
    assert width < 400
    assert no_sideways_scroll(phone)


def test_the_import_help_is_one_table(phone, organiser, workshop):
    sign_in_as(phone, organiser.username)
    at_width(phone, "laptop")

    phone.goto(f"/organise/workshops/{workshop.slug}/registrations/import/")

    table = phone.locator("table.import-columns")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    header = table.locator("thead th")
    expect(header).to_have_count(3)
    # The three headers sit side by side on one row, not stacked in a grid.
    tops = {round(h.bounding_box()["y"]) for h in header.all()}
    assert len(tops) == 1


def test_the_site_icon_is_served(page, live_server):
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    linked = page.request.get(f"{live_server.url}/static/favicon.svg")

    assert icon.ok
    assert linked.ok
    assert icon.headers["content-type"].startswith("image/svg+xml")


def test_duplicates_merge_and_typed_agencies_fit_a_phone(phone, organiser, crowded):
    from events.models import Agency, Trainer

    keep = Trainer.objects.create(name=LONG, created_by=organiser)
    Trainer.objects.create(name=LONG.upper(), created_by=organiser)
    Agency.objects.create(name="Provincial Department " + "x" * 60)
    Agency.objects.create(name="provincial department " + "x" * 60)
    sign_in_as(phone, organiser.username)

    for path in (
        "/organise/duplicates/",
        f"/organise/trainers/{keep.pk}/merge/",
        f"/organise/workshops/{crowded.slug}/registrations/agencies/",
    ):
        phone.goto(path)
        expect(phone.locator("h1, h2").first).to_be_visible()
        assert no_sideways_scroll(phone), path

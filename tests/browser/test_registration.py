"""A person registers on the public page, reaches their personal page through the link the
e-mail brings, cancels, and the first on the waiting list is promoted and sees it on their own
page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.models import Registration
from tests import factories
from tests.conftest import ahead


@pytest.fixture
def one_seat(empty_caches, make_session):
    workshop = factories.upcoming(
        title="Victim Identification Workshop", slug="one-seat", capacity=1, venue="Guanfang Hotel"
    )
    make_session(
        workshop, title="Interviewing victims", starts_at=ahead(20, 9), ends_at=ahead(20, 11)
    )
    return workshop


def register(page, *, name, email):
    page.goto("/w/one-seat/")
    page.get_by_label("Name (English / Latin script)").fill(name)
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Agency, if it is not in the list").fill("Yunnan Women's Federation")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registered/")
    expect(page.get_by_text("We have sent an e-mail to the address you gave.")).to_be_visible()
    # The personal link never appears on screen: it comes in the e-mail to that address.
    assert "/r/" not in page.content()
    sent = [message for message in mail.outbox if message.to == [email]]
    # The letter with the link, not the invitations (one per session) that follow it.
    letter = next(m for m in reversed(sent) if "/r/" in m.body)
    link = re.search(r"https?://[^/\s]+(/r/[\w-]+/)", letter.body).group(1)
    page.goto(link)
    return page.url


def test_register_cancel_and_the_waiting_list_moves_up(page, one_seat, screenshot):
    page.goto("/w/one-seat/")
    expect(page.get_by_role("heading", name="Victim Identification Workshop")).to_be_visible()
    expect(page.locator("#seats")).to_contain_text("1 seat left of 1")
    expect(page.get_by_role("heading", name="How your data is used")).to_be_visible()
    screenshot("registration-public-page")

    first = register(page, name="Li Mei", email="li.mei@example.org")
    expect(page.locator("#status")).to_contain_text("Your seat is confirmed.")
    expect(page.locator("#timetable")).to_contain_text("Interviewing victims")
    expect(page.locator("#timetable")).to_contain_text("09:00–11:00")  # noqa: RUF001
    screenshot("registration-personal-confirmed")

    second = register(page, name="Wang Fang", email="wang.fang@example.org")
    expect(page.locator("#status")).to_contain_text("You are number 1 on the waiting list.")

    page.goto(first)
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_text("Do you really want to cancel")).to_be_visible()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration has been cancelled.").first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Cancelled")
    screenshot("registration-personal-cancelled")

    page.goto(second)
    expect(page.locator("#status")).to_contain_text("Your seat is confirmed.")
    screenshot("registration-personal-promoted")
    assert dict(Registration.objects.values_list("participant__email", "status")) == {
        "li.mei@example.org": "cancelled",
        "wang.fang@example.org": "confirmed",
    }


def test_personal_page_switches_to_chinese(page, one_seat):
    register(page, name="Li Mei", email="li.mei@example.org")
    page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("#status")).to_contain_text("您的座位已确认。")
    page.reload()
    expect(page.locator("#status")).to_contain_text("您的座位已确认。")

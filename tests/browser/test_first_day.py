"""A newcomer's first day, at a phone's and a laptop's width, in English and Chinese: from the
home page to a workshop's public page, one refused submit (the error summary takes the
focus), a registration, the personal page through the e-mailed link; the organiser finds and
copies the public address; the demo's next edition takes a registration."""

import re
import shutil
import subprocess

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.models import Registration
from tests import factories
from tests.browser.conftest import no_sideways_scroll, sign_in_as
from tests.conftest import ahead

TEXTS = {
    "en": {
        "register": "Register",
        "summary": "Your registration was not sent.",
        "sent": "We have sent an e-mail to the address you gave.",
        "confirmed": "Your seat is confirmed.",
    },
    "zh-hans": {
        "register": "报名",
        "summary": "您的报名尚未提交。",
        "sent": None,
        "confirmed": "您的座位已确认。",
    },
}


@pytest.fixture
def open_workshop(empty_caches, make_session):
    workshop = factories.upcoming(
        title="Victim Identification Workshop",
        title_local="受害人识别培训班",
        slug="victims",
        capacity=10,
        venue="Guanfang Hotel",
    )
    for n in range(12):  # a long timetable: the form is far below on a phone
        make_session(
            workshop,
            title=f"Interviewing victims, part {n + 1}",
            starts_at=ahead(20 + n // 6, 8 + n % 6),
            ends_at=ahead(20 + n // 6, 9 + n % 6),
        )
    return workshop


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_from_home_to_a_registration_and_the_personal_page(
    page_at, open_workshop, width, language, screenshot_dir
):
    texts = TEXTS[language]
    page = page_at(width, language)
    page.goto("/")
    title = "受害人识别培训班" if language == "zh-hans" else "Victim Identification Workshop"
    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/w/victims/")
    expect(page.locator("h1")).to_have_text(title)
    assert no_sideways_scroll(page)

    # The Register button near the top leads to the form, however long the page.
    page.locator(".register-jump a").click()
    page.locator("#id_email").fill("not an address")
    page.locator("#id_gender").select_option("female")
    page.locator("#id_agency_name").fill("Yunnan Women's Federation")
    page.locator("#register button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(texts["summary"])
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.evaluate("window.scrollY") < 400  # the summary is what the phone shows
    page.screenshot(path=str(screenshot_dir / f"first-day-refused-{width}-{language}.png"))

    # Its link goes to the field; what was typed is still there.
    summary.locator('a[href="#id_name"]').click()
    expect(page.locator("#id_name")).to_be_focused()
    assert page.locator("#id_agency_name").input_value() == "Yunnan Women's Federation"
    page.locator("#id_name").fill("Li Mei")
    page.locator("#id_email").fill("li.mei@example.org")
    page.locator("#register button[type=submit]").click()
    page.wait_for_url("**/registered/")
    if texts["sent"]:
        expect(page.get_by_text(texts["sent"])).to_be_visible()

    sent = [message for message in mail.outbox if message.to == ["li.mei@example.org"]]
    link = re.search(r"https?://[^/\s]+(/r/[\w-]+/)", sent[0].body).group(1)
    page.goto(link)
    expect(page.locator("#status")).to_contain_text(texts["confirmed"])
    assert no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"first-day-personal-{width}-{language}.png"))
    assert Registration.objects.get().name == "Li Mei"


@pytest.fixture
def screenshot_dir():
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_organiser_finds_and_copies_the_public_address(
    page_at, open_workshop, organiser, width, screenshot_dir, live_server
):
    open_workshop.organisers.add(organiser)
    page = page_at(width)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_as(page, organiser.username)
    page.goto("/organise/")
    page.get_by_role("link", name="Victim Identification Workshop").first.click()
    address = page.locator("#public-url").input_value()
    assert address.endswith("/w/victims/")
    page.get_by_role("button", name="Copy address").click()
    expect(page.locator("#public-url-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert no_sideways_scroll(page)

    # The QR code, as the browser draws it, reads back as the address.
    qr = page.locator("figure.qr img")
    expect(qr).to_be_visible()
    path = screenshot_dir / f"first-day-qr-{width}.png"
    qr.screenshot(path=str(path))
    if shutil.which("zbarimg"):
        decoded = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert decoded == address


@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_the_demos_next_edition_accepts_a_registration(
    page_at, width, settings, loaded_demo, empty_caches
):
    page = page_at(width)
    page.goto("/")
    page.locator('#upcoming a[href="/w/lijiang-next-edition/#register"]').click()
    expect(page.locator("#seats")).to_contain_text("3 seats left of 24")
    page.locator("#id_name").fill("Newcomer Chen")
    page.locator("#id_gender").select_option("male")
    page.locator("#id_agency").select_option(index=1)
    page.locator("#id_email").fill("newcomer@example.org")
    page.locator("#register button[type=submit]").click()
    page.wait_for_url("**/registered/")
    registration = Registration.objects.get(participant__email="newcomer@example.org")
    assert registration.workshop.slug == "lijiang-next-edition"
    assert registration.status == Registration.Status.PENDING

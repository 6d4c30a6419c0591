"""A funder in a real browser: signs in, lands on their workshops, opens the demo workshop's
summary and downloads its report, on a phone (390 px) and on a desktop (1280 px)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_as
from tests.reports.pdfcheck import pdf_text


@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_funder_signs_in_and_downloads_the_demo_report(
    page_at, width, transactional_db, loaded_demo
):
    page = page_at(width)
    sign_in_as(page, "funder", "uniap2007")
    expect(page).to_have_url(re.compile(r"/funders/$"))
    expect(page.get_by_role("heading", name="Workshops your agency funds")).to_be_visible()
    row = page.locator('[data-workshop="lijiang-2007"]')
    expect(row.locator('[data-figure="confirmed"]')).to_have_text("60")
    row.get_by_role("link", name="National Anti-Trafficking Workshop").click()
    expect(page.locator('[data-fact="hosts"]')).to_contain_text("Ministry of Public Security")
    expect(page.locator('[data-figure="total"]')).to_contain_text("60 confirmed participants")
    # The page fits the screen: nothing wider than the viewport but scrolled tables.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report in English (PDF)").click()
    path = download.value.path()
    text = " ".join(pdf_text(Path(path).read_bytes()))
    assert "National Anti-Trafficking Workshop" in text
    assert "Provided by the UNIAP China Office" in re.sub(r"\s+", " ", text)

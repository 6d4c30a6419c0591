"""Playwright driving Debian's chromium against Django's live server.

Debian's browser is used (``/usr/bin/chromium``), never a downloaded one. Without it these
tests skip locally, but fail under CI (``CI=true``), where ``.ci/run`` installs it.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed; .ci/run should have installed it.")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# A phone's and a laptop's window.
WIDTHS = {"phone": (390, 844), "laptop": (1280, 900)}
PASSWORD = "correct horse battery staple"  # tests.factories'


def at_width(page, width: str) -> None:
    """Resize ``page`` to a phone's or a laptop's window (``WIDTHS``)."""
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})


def sign_in_as(page, username: str, password: str = PASSWORD, *, language: str = "en") -> None:
    """Sign in through the form as a person does: the fields found by their labels, in the
    ``language`` the page is shown in."""
    with translation.override(language):
        labels = gettext("Username"), gettext("Password"), gettext("Sign in")
    page.goto("/accounts/login/")
    page.get_by_label(labels[0]).fill(username)
    page.get_by_label(labels[1]).fill(password)
    page.get_by_role("button", name=labels[2]).click()
    page.wait_for_load_state()


def no_sideways_scroll(page) -> bool:
    """Whether the page, once loaded, fits its window's width (callers first wait for the
    page they mean: after a click, the old one may still be there)."""
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def page_at(browser, live_server):
    """A new page at a phone's or a laptop's width (``WIDTHS``), in ``language``: the
    browser's locale and Django's language cookie. ``None`` leaves the browser's own locale
    (the check-in screens' worker needs it: Playwright sends a service worker's requests
    without the locale's Accept-Language, so a page kept under the other never matches)."""
    contexts = []

    def make(width: str, language: str | None = "en"):
        w, h = WIDTHS[width]
        options = {"locale": language} if language else {}
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": w, "height": h}, **options
        )
        if language:
            host = live_server.url.split("//")[1].split(":")[0]
            context.add_cookies(
                [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
            )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(page):
    """Save a screenshot under test-artifacts/ and return its path."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page):
    """``sign_in_as`` on the test's ``page``, for a user."""

    def do(user, password: str = PASSWORD):
        sign_in_as(page, user.username, password)

    return do

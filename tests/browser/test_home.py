from playwright.sync_api import expect


def test_home_lists_published_workshops_and_signs_in(page, workshop, organiser, sign_in):
    page.goto("/")
    expect(page.get_by_role("heading", name="National Anti-Trafficking Workshop")).to_be_visible()
    sign_in(organiser)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

"""Correcting a registration in a real browser, at a phone's and a laptop's width, in English
and Chinese: the organiser opens a person from the roster, corrects their details and sees
the change in the history, and is asked before cancelling; the participant corrects their
own details from their personal page after one refused submit."""

import pytest
from playwright.sync_api import expect

from participants.models import Registration
from tests import factories
from tests.browser.conftest import no_sideways_scroll, sign_in_as

TEXTS = {
    "en": {
        "correct": "Correct the details",
        "save": "Save the details",
        "corrected": "The details of Li Mei are corrected.",
        "cancel": "Cancel",
        "asked": "1 person will be e-mailed.",
        "yes": "Yes, cancel them",
        "done": "1 cancelled.",
        "self_link": "Correct your details",
        "summary": "Nothing was saved. Please correct the following:",
        "self_save": "Save my details",
        "saved": "Your details are saved.",
    },
    "zh-hans": {
        "correct": "更正信息",
        "save": "保存信息",
        "corrected": "Li Mei 的信息已更正。",
        "cancel": "取消",
        "asked": "将向 1 人发送电子邮件。",
        "yes": "是的，取消这些报名",  # noqa: RUF001
        "done": None,
        "self_link": "更正您的信息",
        "summary": "未保存任何内容。请更正以下问题：",  # noqa: RUF001
        "self_save": "保存我的信息",
        "saved": "您的信息已保存。",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_organiser_corrects_a_registration_and_is_asked_before_cancelling(
    page_at, workshop, organiser, participant_registration, width, language
):
    texts = TEXTS[language]
    page = page_at(width, language)
    sign_in_as(page, organiser.username, language=language)

    page.goto(f"/organise/workshops/{workshop.slug}/registrations/")
    assert no_sideways_scroll(page)
    page.locator("table.roster").get_by_role("link", name="Li Mei").click()
    expect(page.locator("#registration-heading")).to_contain_text("Li Mei")
    assert no_sideways_scroll(page)

    page.get_by_role("link", name=texts["correct"]).click()
    page.locator("#id_position").fill("Inspector")
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(texts["corrected"])
    expect(page.locator(".registration-facts")).to_contain_text("Inspector")
    expect(page.locator("table.history")).to_contain_text("Inspector")
    assert no_sideways_scroll(page)

    page.goto(f"/organise/workshops/{workshop.slug}/registrations/")
    page.locator(f'input[name="registration"][value="{participant_registration.pk}"]').check()
    page.locator('.bulk-actions button[value="cancel"]').click()
    expect(page.locator("[data-emailed]")).to_contain_text(texts["asked"])
    assert no_sideways_scroll(page)
    assert Registration.objects.get().status == "confirmed"
    page.get_by_role("button", name=texts["yes"]).click()
    if texts["done"]:
        expect(page.get_by_role("status")).to_contain_text(texts["done"])
    page.wait_for_load_state()
    assert Registration.objects.get().status == "cancelled"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_participant_corrects_their_own_details(
    page_at, workshop, participant_registration, width, language
):
    texts = TEXTS[language]
    participant_registration.preferred_language = language
    participant_registration.save()
    factories.registration(workshop, "Someone Else")
    page = page_at(width, language)

    page.goto(f"/r/{participant_registration.token}/")
    page.get_by_role("link", name=texts["self_link"]).click()
    page.wait_for_url(f"**/r/{participant_registration.token}/details/")
    assert no_sideways_scroll(page)
    page.locator("#id_name").fill("")
    page.locator("#id_region").fill("Yunnan")
    page.get_by_role("button", name=texts["self_save"]).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(texts["summary"])
    expect(summary).to_be_focused()
    assert page.locator("#id_region").input_value() == "Yunnan"

    page.locator("#id_name").fill("Li Meili")
    page.get_by_role("button", name=texts["self_save"]).click()
    expect(page.get_by_role("status")).to_contain_text(texts["saved"])
    expect(page.locator("#status")).to_contain_text("Li Meili")
    assert no_sideways_scroll(page)
    participant_registration.refresh_from_db()
    assert (participant_registration.name, participant_registration.region) == (
        "Li Meili",
        "Yunnan",
    )

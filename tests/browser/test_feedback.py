"""A participant answers the evaluation from the personal page on a phone; a second attempt
is refused; the organiser closes it, reads the results and marks a comment as quotable."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Answer, Choice, Question, Questionnaire, Submission
from feedback.services import submit_response
from participants.models import Participant, Registration
from tests.browser.conftest import ARTIFACTS, at_width


def _evaluation(workshop):
    now = timezone.now()
    questionnaire = Questionnaire.objects.create(
        workshop=workshop,
        title="Workshop evaluation",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
    overall = Question.objects.create(
        questionnaire=questionnaire, order=1, kind="rating", text="Overall, how useful?"
    )
    topic = Question.objects.create(
        questionnaire=questionnaire, order=2, kind="choice", text="Most useful topic?"
    )
    for n, text in enumerate(["The law", "Victim protection"], start=1):
        Choice.objects.create(question=topic, order=n, text=text)
    comment = Question.objects.create(
        questionnaire=questionnaire, order=3, kind="text", text="Suggestions?", required=False
    )
    return questionnaire, overall, topic, comment


def _person(workshop, n):
    return Registration.objects.create(
        workshop=workshop,
        participant=Participant.objects.create(email=f"p{n}@example.org"),
        name=f"Participant {n}",
        status=Registration.Status.CONFIRMED,
    )


def test_participant_answers_on_a_phone_and_the_organiser_quotes_it(
    browser, live_server, page, sign_in, screenshot, workshop, organiser
):
    questionnaire, overall, topic, comment = _evaluation(workshop)
    # Five others have answered already: their batch is in the results.
    for n in range(5):
        submit_response(
            questionnaire=questionnaire,
            registration=_person(workshop, n),
            answers={overall.pk: 4, topic.pk: topic.choices.first().pk, comment.pk: f"Note {n}"},
        )
    me = _person(workshop, 99)

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    mobile = phone.new_page()
    mobile.goto(f"/r/{me.token}/")
    mobile.get_by_role("link", name="Workshop evaluation").click()
    expect(mobile.get_by_role("heading", name="Workshop evaluation")).to_be_visible()

    # Refused: no rating. What was typed stays, and the summary names the question.
    mobile.get_by_label("Victim protection").check()
    mobile.get_by_label("Suggestions?").fill("More cases from the border provinces")
    mobile.get_by_role("button", name="Send my answers").click()
    summary = mobile.locator("#error-summary")
    expect(summary).to_contain_text("Question 1: Overall, how useful?")
    expect(summary).to_contain_text("This question is required")
    expect(mobile.get_by_label("Suggestions?")).to_have_value(
        "More cases from the border provinces"
    )
    expect(mobile.get_by_label("Victim protection")).to_be_checked()
    # Nothing sticks out of a phone's width.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    mobile.screenshot(path=str(ARTIFACTS / "feedback-phone-refused.png"), full_page=True)

    mobile.get_by_label("5 · Excellent").check()
    mobile.get_by_role("button", name="Send my answers").click()
    expect(mobile.get_by_text("Thank you: your answers have been received.")).to_be_visible()
    assert Submission.objects.filter(registration=me).exists()

    # A second attempt: refused, no form.
    mobile.goto(f"/r/{me.token}/feedback/{questionnaire.pk}/")
    expect(mobile.get_by_text("You have already answered this questionnaire")).to_be_visible()
    expect(mobile.get_by_role("button", name="Send my answers")).to_have_count(0)
    mobile.goto(f"/r/{me.token}/")
    expect(mobile.get_by_role("link", name="Workshop evaluation")).to_have_count(0)
    phone.close()

    # The organiser closes it (the sixth answer leaves the box), reads and quotes.
    sign_in(organiser)
    page.goto(f"/organise/workshops/{workshop.slug}/")
    page.get_by_role("link", name="Feedback").click()
    page.get_by_role("link", name="Workshop evaluation").click()
    page.get_by_role("button", name="Close now").click()
    expect(page.get_by_role("heading", name="Results: Workshop evaluation")).to_be_visible()
    expect(page.locator('[data-figure="responses"]')).to_have_text("6")
    expect(page.locator('[data-figure="pending"]')).to_have_text("0")
    row = page.locator(f"#question-{overall.pk}")
    expect(row.locator('[data-figure="mean"]')).to_have_text("4.17")
    expect(row.locator("svg")).to_be_visible()
    mine = page.locator(".comment", has_text="More cases from the border provinces")
    mine.get_by_role("button", name="Mark as quotable").click()
    mine = page.locator(".comment", has_text="More cases from the border provinces")
    expect(mine.get_by_text("Quotable")).to_be_visible()
    screenshot("feedback-results-quoted")
    assert Answer.objects.get(text="More cases from the border provinces").quotable
    # The results on a phone: wide tables scroll inside their box, the page does not.
    at_width(page, "phone")
    page.reload()
    expect(page.locator('[data-figure="responses"]')).to_have_text("6")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("feedback-results-phone")

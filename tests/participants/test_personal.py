"""The personal page behind the secret link: status, timetable, calendar, feedback, cancel."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.formats import date_format

import config.urls
from events.models import Agency, Room, Trainer, Workshop
from feedback.models import Questionnaire, Submission
from participants.models import Registration
from participants.services import revoke_registration_link
from tests import factories
from tests.conftest import ahead

Status = Registration.Status
pytestmark = pytest.mark.django_db


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in")


# The site as it will be once the certificate pages exist (a later issue): the personal
# page links to them only when their URLs are there.
urlpatterns = [
    # First, so that this namespace is found before the real app's own.
    path(
        "",
        include(
            ([path("c/<str:token>/", _stand_in, name="certificate")], "reports"),
        ),
    ),
    *config.urls.urlpatterns,
]


def personal_url(registration):
    return reverse("participants:personal", kwargs={"token": registration.token})


@pytest.fixture
def workshop(db, make_session):
    workshop = factories.upcoming(in_days=30, days=6, **factories.LIJIANG, capacity=1)
    trainer = Trainer.objects.create(name="Zhang Jun", honorific="Prof.")
    make_session(
        workshop, title="Opening ceremony", starts_at=ahead(31, 9), ends_at=ahead(31, 10, 30)
    )
    make_session(
        workshop,
        title="Trafficking law",
        starts_at=ahead(32, 14),
        ends_at=ahead(32, 15),
        trainers=[trainer],
    )
    return workshop


@pytest.fixture
def confirmed(workshop):
    agency = Agency.objects.create(name="Yunnan Women's Federation")
    return factories.registered(
        workshop, "li.mei@example.org", name="Li Mei", name_local="李梅", agency=agency
    ).registration


@pytest.fixture
def waiting(workshop, confirmed):
    return factories.registered(workshop, "wang.fang@example.org", name="Wang Fang").registration


def test_personal_page_shows_a_confirmed_registration(client, confirmed):
    response = client.get(personal_url(confirmed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your seat is confirmed." in page
    assert "Personal page of Li Mei" in page
    assert "Li Mei, Yunnan Women&#x27;s Federation · li.mei@example.org" in page
    assert "Cancel my registration" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_personal_page_shows_the_waiting_list_position(client, workshop, waiting):
    third = factories.registered(workshop, "third@example.org").registration
    assert (
        "You are number 1 on the waiting list."
        in client.get(personal_url(waiting)).content.decode()
    )
    assert (
        "You are number 2 on the waiting list." in client.get(personal_url(third)).content.decode()
    )


def test_personal_page_shows_pending_approval(client, make_workshop):
    registration = factories.registered(
        make_workshop(requires_approval=True, slug="approval"), "p@example.org"
    ).registration
    page = client.get(personal_url(registration)).content.decode()
    assert "Pending approval" in page
    assert "The organisers approve each registration for this workshop." in page


def test_personal_page_shows_declined_without_cancel(client, confirmed):
    Registration.objects.filter(pk=confirmed.pk).update(status=Status.DECLINED)
    page = client.get(personal_url(confirmed)).content.decode()
    assert "the organisers could not accept your registration" in page
    assert "Cancel my registration" not in page


def test_personal_page_timetable_is_in_the_workshops_time_zone(client, confirmed, settings):
    settings.TIME_ZONE = "Europe/London"
    page = client.get(personal_url(confirmed)).content.decode()
    assert "09:00–10:30" in page  # noqa: RUF001
    assert "14:00–15:00" in page  # noqa: RUF001
    assert date_format(ahead(31, 9).date(), "DATE_FORMAT") in page
    assert "Times are local to the workshop (Asia/Shanghai)." in page
    assert "Prof. Zhang Jun" in page


def test_personal_page_offers_the_calendar_to_confirmed_people_only(client, confirmed, waiting):
    feed = reverse("participants:participant_feed", kwargs={"token": confirmed.feed_token})
    page = client.get(personal_url(confirmed)).content.decode()
    assert f"webcal://testserver{feed}" in page
    waiting_page = client.get(personal_url(waiting)).content.decode()
    assert "/feeds/people/" not in waiting_page


def test_personal_page_never_shows_anyone_else(client, confirmed, waiting):
    page = client.get(personal_url(waiting)).content.decode()
    for other in ("Li Mei", "李梅", "li.mei@example.org", confirmed.token):
        assert other not in page
    assert confirmed.feed_token not in page


def test_personal_page_wrong_token_is_a_plain_404(client, confirmed):
    wrong = client.get("/r/not-the-token/")
    almost = client.get(f"/r/{confirmed.token[:-1]}x/")
    assert wrong.status_code == almost.status_code == 404
    assert "Li Mei" not in almost.content.decode()


def test_personal_page_revoked_token_is_the_same_404(client, confirmed):
    old_url = personal_url(confirmed)
    revoke_registration_link(registration=confirmed, notify=False)
    stale = client.get(old_url)
    never = client.get("/r/never-existed/")
    assert stale.status_code == 404
    assert stale.content == never.content
    confirmed.refresh_from_db()
    assert client.get(personal_url(confirmed)).status_code == 200


def test_personal_page_in_the_participants_language(client, workshop):
    registration = factories.registered(
        workshop, "zh@example.org", preferred_language="zh-hans"
    ).registration
    response = client.get(personal_url(registration))
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert "全国反拐培训班" in page
    assert "您的座位已确认。" in page


def test_personal_page_language_switch_changes_page_and_emails(client, confirmed):
    response = client.post(
        reverse("participants:personal_language", kwargs={"token": confirmed.token}),
        {"language": "zh-hans"},
    )
    assert response.status_code == 302
    assert response["Location"] == personal_url(confirmed)
    assert Registration.objects.get(pk=confirmed.pk).preferred_language == "zh-hans"
    assert "您的座位已确认。" in client.get(personal_url(confirmed)).content.decode()


def test_personal_page_language_switch_refuses_other_languages(client, confirmed):
    client.post(
        reverse("participants:personal_language", kwargs={"token": confirmed.token}),
        {"language": "xx"},
    )
    assert Registration.objects.get(pk=confirmed.pk).preferred_language == "en"


def test_personal_cancel_asks_first_then_promotes_the_first_waiting(
    client, confirmed, waiting, mailoutbox, django_capture_on_commit_callbacks
):
    cancel_url = reverse("participants:personal_cancel", kwargs={"token": confirmed.token})
    question = client.get(cancel_url)
    assert question.status_code == 200
    assert "Do you really want to cancel" in question.content.decode()
    assert Registration.objects.get(pk=confirmed.pk).status == Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url, follow=True)
    page = response.content.decode()
    assert "Your registration has been cancelled." in page
    assert "Cancel my registration" not in page
    assert Registration.objects.get(pk=confirmed.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
    # Each gets a letter, and a cancellation or an invitation per session.
    assert {m.to[0] for m in mailoutbox} == {"li.mei@example.org", "wang.fang@example.org"}
    letters = [m for m in mailoutbox if "/r/" in m.body]
    assert sorted(m.to[0] for m in letters) == ["li.mei@example.org", "wang.fang@example.org"]
    assert "Your seat is confirmed." in client.get(personal_url(waiting)).content.decode()


def test_personal_cancel_is_refused_once_the_workshop_is_over(client, confirmed):
    Workshop.objects.filter(pk=confirmed.workshop_id).update(status=Workshop.Status.COMPLETED)
    cancel_url = reverse("participants:personal_cancel", kwargs={"token": confirmed.token})
    assert client.post(cancel_url).status_code == 302
    assert Registration.objects.get(pk=confirmed.pk).status == Status.CONFIRMED


def test_personal_cancel_with_a_wrong_token_is_404(client, confirmed):
    assert client.post("/r/wrong/cancel/").status_code == 404


def test_personal_page_links_open_unanswered_feedback(client, confirmed):
    now = timezone.now()
    workshop = confirmed.workshop
    open_one = Questionnaire.objects.create(
        workshop=workshop, title="Daily evaluation", opens_at=now - timedelta(hours=1)
    )
    answered = Questionnaire.objects.create(
        workshop=workshop, title="Answered already", opens_at=now - timedelta(hours=1)
    )
    Submission.objects.create(questionnaire=answered, registration=confirmed)
    Questionnaire.objects.create(
        workshop=workshop, title="Not yet open", opens_at=now + timedelta(days=1)
    )
    Questionnaire.objects.create(
        workshop=workshop,
        title="Closed",
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
    )
    page = client.get(personal_url(confirmed)).content.decode()
    assert f'<a href="/r/{confirmed.token}/feedback/{open_one.pk}/">Daily evaluation</a>' in page
    for title in ("Answered already", "Not yet open", "Closed"):
        assert title not in page


def test_personal_page_links_the_certificate_once_completed(client, confirmed, settings):
    settings.ROOT_URLCONF = __name__
    assert "certificate" not in client.get(personal_url(confirmed)).content.decode().lower()
    Workshop.objects.filter(pk=confirmed.workshop_id).update(status=Workshop.Status.COMPLETED)
    page = client.get(personal_url(confirmed)).content.decode()
    assert f'href="/c/{confirmed.token}/"' in page


@pytest.mark.parametrize("count", [3, 300])
def test_personal_page_query_count_does_not_grow_with_the_timetable(
    make_workshop, django_assert_num_queries, count
):
    workshop = make_workshop(slug="big", capacity=1)
    trainers = [
        Trainer.objects.create(name=f"T{n}", agency=Agency.objects.create(name=f"A{n}"))
        for n in range(3)
    ]
    room = Room.objects.create(name="Hall")
    factories.timetable(workshop, count, trainers=trainers, room=room)
    factories.registered(workshop, "seated@example.org")
    waiting = factories.registered(workshop, "waiting@example.org").registration
    client = Client()
    # The registration with its workshop and person; the sessions with rooms; their
    # trainers with agencies; the waiting-list position.
    with django_assert_num_queries(4):
        response = client.get(personal_url(waiting))
    assert "You are number 1 on the waiting list." in response.content.decode()

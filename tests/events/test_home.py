"""The front page: every published workshop links to its public page, says whether it takes
registrations, and the upcoming ones come before the past ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from events.models import Workshop


@pytest.fixture
def editions(make_workshop):
    today = timezone.localdate()
    return {
        "past": make_workshop(title="Lijiang 2007", slug="lijiang-2007"),
        "later": make_workshop(
            title="Kunming Workshop",
            slug="kunming",
            start_date=today + timedelta(days=60),
            end_date=today + timedelta(days=62),
        ),
        "soon": make_workshop(
            title="Dali Workshop",
            title_local="大理研讨会",
            slug="dali",
            start_date=today + timedelta(days=20),
            end_date=today + timedelta(days=22),
            city="Dali",
            city_local="大理",
        ),
        "closed": make_workshop(
            title="Closed Workshop",
            slug="closed",
            status=Workshop.Status.CLOSED,
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=31),
        ),
        "draft": make_workshop(
            title="Draft Workshop",
            slug="draft",
            status=Workshop.Status.DRAFT,
            start_date=today + timedelta(days=5),
            end_date=today + timedelta(days=6),
        ),
    }


def test_home_cards_link_to_public_pages_upcoming_first(
    client, editions, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the public workshops, by date
        response = client.get(reverse("events:home"))
    upcoming = [card.workshop.slug for card in response.context["upcoming"]]
    past = [card.workshop.slug for card in response.context["past"]]
    assert upcoming == ["dali", "closed", "kunming"]
    assert past == ["lijiang-2007"]
    html = response.content.decode()
    for slug in ("dali", "closed", "kunming", "lijiang-2007"):
        assert f'href="/w/{slug}/"' in html
    assert "/w/draft/" not in html
    assert html.index("Dali Workshop") < html.index("Kunming Workshop") < html.index("Lijiang 2007")


def test_home_cards_say_status_and_offer_register_only_where_open(client, editions):
    response = client.get(reverse("events:home"))
    cards = {card.workshop.slug: card for card in response.context["upcoming"]}
    assert cards["dali"].is_open
    assert str(cards["dali"].label) == "Registration open"
    assert not cards["closed"].is_open
    assert str(cards["closed"].label) == "Registration closed"
    html = response.content.decode()
    assert html.count('href="/w/dali/#register"') == 1
    assert 'href="/w/closed/#register"' not in html
    assert 'href="/w/lijiang-2007/#register"' not in html


def test_home_card_of_a_window_not_yet_open(client, editions):
    dali = editions["soon"]
    dali.registration_opens_at = timezone.now() + timedelta(days=2)
    dali.save()
    response = client.get(reverse("events:home"))
    card = next(c for c in response.context["upcoming"] if c.workshop.slug == "dali")
    assert not card.is_open
    assert str(card.label) == "Registration not open yet"


def test_home_in_chinese_shows_the_chinese_title_and_city(client, editions):
    client.cookies["django_language"] = "zh-hans"
    with override("zh-hans"):
        response = client.get(reverse("events:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert '<a href="/w/dali/">大理研讨会</a>' in html
    assert "大理" in html


def test_home_card_of_a_past_workshop_says_it_ended(client, editions):
    response = client.get(reverse("events:home"))
    (card,) = response.context["past"]
    assert not card.is_open
    assert str(card.label) == "Ended"

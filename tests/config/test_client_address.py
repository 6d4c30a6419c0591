"""The client's address behind trusted proxies, and a rate limit that nothing makes forget."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config.client_address import client_address
from participants.models import Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_caches")]

# Fixed windows start on multiples of their length: one of 10**8 seconds (three years) puts
# no window's end inside a test, where a 10-minute one would now and then.
WINDOW = 10**8


def address(settings, proxies, forwarded, remote="10.0.0.2", **meta):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded, **meta)
    return client_address(request)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),  # no proxy of ours: the header is the client's
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # spoofed first entry ignored
        (2, "198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "6.6.6.6, 7.7.7.7, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # did not come through both proxies
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_what_the_outermost_trusted_proxy_appended(
    settings, proxies, forwarded, expected
):
    assert address(settings, proxies, forwarded) == expected


def form(email):
    return {
        "name": "Zhang Wei",
        "gender": "male",
        "agency_name": "Yunnan Women's Federation",
        "email": email,
        "preferred_language": "en",
    }


def post(workshop, email, **meta):
    url = reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
    return Client(**meta).post(url, form(email))


@pytest.mark.parametrize("proxies", [1, 2])
def test_rate_limit_behind_proxies_a_spoofed_first_entry_does_not_get_through(
    settings, workshop, proxies
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.REGISTRATION_RATE_LIMIT_COUNT = 3
    settings.REGISTRATION_RATE_LIMIT_WINDOW = WINDOW
    workshop.capacity = 100
    workshop.save()
    inner_proxies = ", 10.0.0.1" if proxies == 2 else ""
    answers = [
        post(
            workshop,
            f"p{n}@example.org",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7{inner_proxies}",
        ).status_code
        for n in range(40)
    ]

    assert answers == [302] * 3 + [429] * 37
    assert Registration.objects.count() == 3
    # Another real client, behind the same proxies, is not held back.
    other = post(
        workshop,
        "other@example.org",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"198.51.100.8{inner_proxies}",
    )
    assert other.status_code == 302


def test_rate_limit_blocked_address_stays_blocked_after_many_other_addresses(settings, workshop):
    settings.REGISTRATION_RATE_LIMIT_COUNT = 1
    settings.REGISTRATION_RATE_LIMIT_WINDOW = WINDOW
    # The rate-limit table prunes past 100 rows here (1000 in production), the default
    # cache past 300: 400 other addresses go past both.
    settings.CACHES = {
        **settings.CACHES,
        "rate_limit": {**settings.CACHES["rate_limit"], "OPTIONS": {"MAX_ENTRIES": 100}},
    }
    url = reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
    # A cull deletes the lowest keys first: this address's key sorts before the others'.
    blocked = Client(REMOTE_ADDR="1.1.1.1")
    assert blocked.post(url, form("first@example.org")).status_code == 302
    assert blocked.post(url, form("second@example.org")).status_code == 429
    # Each other address sends an empty form, which still counts.
    for n in range(400):
        Client(REMOTE_ADDR=f"10.{n // 250}.{n % 250}.1").post(url, {})

    assert blocked.post(url, form("third@example.org")).status_code == 429

"""The organiser's dashboard and timetable for a workshop of 300 sessions and 3,000 people,
against Django rendering a minimal page (the floor).

Both are requested through Django's test client, signed in, so the figures hold the
middleware, the session and user look-ups, the queries, the clash check and the template.
The floor is a trivial view rendering a one-line template through the same middleware:
what any page of this site costs at least on this machine, in this run.
"""

import sys
from datetime import date, timedelta
from types import ModuleType

from bench._harness import median_seconds, report, setup_django

SESSIONS = 300
PARTICIPANTS = 3000
REPEAT = 21
TARGET = 5

_TINY = None


def floor(request):
    """A minimal page: a template of one line, rendered with the request's context."""
    from django.http import HttpResponse
    from django.template import engines

    global _TINY
    if _TINY is None:
        _TINY = engines["django"].from_string("<!doctype html><p>{{ greeting }}</p>")
    return HttpResponse(_TINY.render({"greeting": "Hello"}, request))


def urlconf() -> str:
    """The name of a URLconf made of the site's URLs plus the floor's."""
    from django.urls import include, path

    module = ModuleType("bench_organiser_pages_urls")
    module.urlpatterns = [path("bench/floor/", floor), path("", include("config.urls"))]
    sys.modules[module.__name__] = module
    return module.__name__


def build():
    from django.contrib.auth import get_user_model

    from tests.events.organiser_support import build_workshop

    organiser = get_user_model().objects.create_user("organiser", password="bench-only")
    today = date.today()
    big = build_workshop(
        sessions=SESSIONS,
        participants=PARTICIPANTS,
        organiser=organiser,
        start_date=today + timedelta(days=20),
        days=6,
        title="Regional Anti-Trafficking Workshop",
    )
    # The dashboard lists more than one: an earlier edition, held, with its figures.
    build_workshop(
        sessions=SESSIONS,
        participants=PARTICIPANTS,
        organiser=organiser,
        start_date=today - timedelta(days=300),
        days=6,
        title="Regional Anti-Trafficking Workshop",
    )
    return organiser, big


def main() -> None:
    setup_django()
    from django.test import Client, override_settings
    from django.urls import reverse

    with override_settings(ROOT_URLCONF=urlconf()):
        organiser, workshop = build()
        client = Client()
        client.force_login(organiser)
        dashboard_url = reverse("reports:dashboard")
        timetable_url = reverse("events:timetable", args=[workshop.slug])
        for url in ("/bench/floor/", dashboard_url, timetable_url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert response.content.count(b'class="session') >= SESSIONS

        base = median_seconds(lambda: client.get("/bench/floor/"), repeat=REPEAT)
        dashboard = median_seconds(lambda: client.get(dashboard_url), repeat=REPEAT)
        timetable = median_seconds(lambda: client.get(timetable_url), repeat=REPEAT)
        # The floor again, last: a figure taken once can catch a slow moment of the machine.
        base = min(base, median_seconds(lambda: client.get("/bench/floor/"), repeat=REPEAT))

    size = f"{SESSIONS} sessions, {PARTICIPANTS} participants"
    report(
        f"dashboard ({size})",
        dashboard,
        "s",
        baseline_name="minimal page",
        baseline=base,
        target=TARGET,
    )
    report(
        f"timetable ({size})",
        timetable,
        "s",
        baseline_name="minimal page",
        baseline=base,
        target=TARGET,
    )

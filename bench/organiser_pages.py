"""The organiser's dashboard and timetable for a workshop of 300 sessions and 3,000 people,
against Django rendering a minimal page (the floor).

Every page is requested through Django's test client by the same signed-in organiser, so
each figure holds the middleware, the session and user look-ups, the queries and the
templates. The floor is the sign-in page asked by that same client: the smallest page of
this site (the base template and a two-field form), through the same middleware, for the
same signed-in user. For scale, two more are shown: the sign-in page asked by a stranger
(no session to read), and a one-line template with no page around it.

The pages are measured as organisers mostly meet them, unchanged since someone last looked
(the timetable's body and the clashes come from the shared cache), and as first seen after a
change to a session, which reads and draws the whole timetable again (the change itself not
counted). Every figure is taken in turns with the floor (bench._harness.interleaved); the
cached pages must stay within 5x the floor, the timetable's first view after a change within
10x.
"""

import sys
from datetime import date, timedelta
from types import ModuleType

from bench._harness import analyze, interleaved, report, setup_django, timed

SESSIONS = 300
PARTICIPANTS = 3000
REPEAT = 21
TARGET = 5
# The first view after a change reads and draws the whole timetable again (issue #9).
TARGET_AFTER_CHANGE = 10

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
        analyze()
        client = Client()
        client.force_login(organiser)
        dashboard_url = reverse("reports:dashboard")
        timetable_url = reverse("events:timetable", args=[workshop.slug])
        for url in ("/bench/floor/", dashboard_url, timetable_url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert response.content.count(b'class="session') >= SESSIONS

        sign_in = "/accounts/login/"

        def change_then_first_views():
            # Any change to a session renews the cached parts; the change itself is not
            # counted, only each page as first seen after it.
            workshop.sessions.order_by("pk").first().save()
            return {
                "dashboard_fresh": timed(lambda: client.get(dashboard_url)),
                "timetable_fresh": timed(lambda: client.get(timetable_url)),
            }

        # In turns, so that a slow moment of the machine weighs on the floor as on the pages:
        # the change first in each turn, then the cached views it leaves behind.
        figures = interleaved(
            {
                "change": change_then_first_views,
                "floor": lambda: client.get(sign_in),
                "dashboard": lambda: client.get(dashboard_url),
                "timetable": lambda: client.get(timetable_url),
                "stranger": lambda: Client().get(sign_in),
                "trivial": lambda: client.get("/bench/floor/"),
            },
            repeat=REPEAT,
        )

    size = f"{SESSIONS} sessions, {PARTICIPANTS} participants"
    print(
        f"(for scale: the sign-in page for a stranger {figures['stranger'] * 1000:.2f} ms; "
        f"a one-line template through the middleware {figures['trivial'] * 1000:.2f} ms)"
    )
    floor_name = "sign-in page, same user"
    for name, key, target in [
        (f"dashboard ({size})", "dashboard", TARGET),
        (f"timetable ({size})", "timetable", TARGET),
        (f"dashboard, first view after a timetable change ({size})", "dashboard_fresh", None),
        (
            f"timetable, first view after a timetable change ({size})",
            "timetable_fresh",
            TARGET_AFTER_CHANGE,
        ),
    ]:
        report(
            name,
            figures[key],
            "s",
            baseline_name=floor_name,
            baseline=figures["floor"],
            target=target,
        )

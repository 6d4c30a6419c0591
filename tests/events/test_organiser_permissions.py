"""The organiser pages: who may reach them (one permission table, every persona)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import WorkshopAgency
from tests.events.conftest import PASSWORD

# Pages every organiser reaches (not tied to one workshop) and pages of one workshop.
GLOBAL, WORKSHOP = "global", "workshop"


# The permission table ----------------------------------------------------------------------


def route(view: str, scope: str, *keys: str, method: str = "get", query: str = "", data=None):
    """A row of the table: (name, method, scope, url(ids) -> str, POST data); the URL's
    arguments are the ``ids`` named by ``keys``, in order."""
    return (
        view.split(":")[1],
        method,
        scope,
        lambda ids: reverse(view, args=[ids[key] for key in keys]) + query,
        data,
    )


# What the POSTs send: a valid change, so that the organiser's answer is the redirect.
TRAINER = {"name": "Liang Shuying", "honorific": "Prof."}
COPY = {"start_date": "2008-08-24", "title": "Next Workshop"}
MOVE = {"day": "2007-08-28", "start_time": "09:00", "end_time": "10:30"}
UP = {"direction": "up"}
NOTE = {"note": "also sent personnel to attend"}

ROUTES = [
    route("reports:dashboard", GLOBAL),
    route("events:workshop_create", GLOBAL),
    route("events:trainer_list", GLOBAL),
    route("events:trainer_create", GLOBAL),
    route("events:trainer_detail", GLOBAL, "trainer"),
    # A trainer's record: changed by the organisers of a workshop they teach (or who added it).
    route("events:trainer_edit", WORKSHOP, "trainer"),
    route("events:trainer_edit", WORKSHOP, "trainer", method="post", data=TRAINER),
    route("events:trainer_feed_reissue", WORKSHOP, "trainer", method="post", data={}),
    route("events:workshop_detail", WORKSHOP, "slug"),
    route("events:workshop_qr", WORKSHOP, "slug"),
    route("events:workshop_edit", WORKSHOP, "slug"),
    route("events:workshop_copy", WORKSHOP, "slug"),
    route("events:workshop_copy", WORKSHOP, "slug", method="post", data=COPY),
    route("events:workshop_status", WORKSHOP, "slug", query="?status=closed"),
    route("events:workshop_status", WORKSHOP, "slug", method="post", data={"status": "closed"}),
    route("events:workshop_calendar", WORKSHOP, "slug"),
    route("events:timetable", WORKSHOP, "slug"),
    route("events:session_create", WORKSHOP, "slug"),
    route("events:session_edit", WORKSHOP, "slug", "session"),
    route("events:session_move", WORKSHOP, "slug", "session"),
    route("events:session_move", WORKSHOP, "slug", "session", method="post", data=MOVE),
    route("events:session_cancel", WORKSHOP, "slug", "session"),
    route("events:session_cancel", WORKSHOP, "slug", "session", method="post", data={}),
    route("events:session_reinstate", WORKSHOP, "slug", "session"),
    route("events:session_reinstate", WORKSHOP, "slug", "session", method="post", data={}),
    route("events:workshop_agencies", WORKSHOP, "slug", query="?q=Fund"),
    route("events:agency_create", WORKSHOP, "slug"),
    route("events:agency_role_move", WORKSHOP, "slug", "role", method="post", data=UP),
    route("events:agency_role_remove", WORKSHOP, "slug", "role", method="post", data={}),
    route("events:agency_role_note", WORKSHOP, "slug", "role", method="post", data=NOTE),
]

PERSONAS = [
    "anonymous",
    "participant",  # holds a personal link
    "trainer_link",  # holds a trainer's calendar link
    "organiser",
    "other_organiser",
    "funder",
    "staff",  # is_staff, organising nothing
    "superuser",
]


def expected_status(persona: str, scope: str, method: str) -> int | str:
    """What each persona gets: 'login' stands for a redirect to the sign-in page."""
    done = 302 if method == "post" else 200
    if persona in ("organiser", "superuser"):
        return done
    if persona == "other_organiser":
        return done if scope == GLOBAL else 404
    if persona in ("funder", "staff"):
        return 404
    return "login"  # the link holders and the anonymous stranger


@pytest.fixture
def persona_client(
    client, organiser, other_organiser, funder, participant_registration, superuser, trainer
):
    def make(persona: str):
        if persona == "participant":
            # The secret link opens the participant's own page and signs nobody in: carried
            # to an organiser page, the token is worth nothing.
            client.token = participant_registration.token
        elif persona == "trainer_link":
            client.token = trainer.feed_token
        elif persona != "anonymous":
            users = {
                "organiser": organiser,
                "other_organiser": other_organiser,
                "funder": funder,
                "staff": get_user_model().objects.create_user(
                    "staff", password=PASSWORD, is_staff=True
                ),
                "superuser": superuser,
            }
            client.force_login(users[persona])
        return client

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "scope", "url", "data"),
    ROUTES,
    ids=[f"{r[0]}-{r[1]}" for r in ROUTES],
)
def test_permission_table(
    persona_client,
    persona,
    workshop,
    session,
    trainer,
    funder_agency,
    name,
    method,
    scope,
    url,
    data,
):
    role = WorkshopAgency.objects.get(workshop=workshop, agency=funder_agency)
    ids = {"slug": workshop.slug, "session": session.pk, "trainer": trainer.pk, "role": role.pk}
    client = persona_client(persona)
    target = url(ids)
    if persona in ("participant", "trainer_link"):
        target += ("&" if "?" in target else "?") + f"token={client.token}"
    response = client.post(target, data) if method == "post" else client.get(target)
    expected = expected_status(persona, scope, method)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, response.content[:500]

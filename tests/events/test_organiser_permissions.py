"""The organiser pages: who may reach them (one permission table, every persona)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import WorkshopAgency
from tests.events.conftest import PASSWORD

# Pages every organiser reaches (not tied to one workshop) and pages of one workshop.
GLOBAL, WORKSHOP = "global", "workshop"


# The permission table ----------------------------------------------------------------------

# (name, method, scope, url(ids) -> str, POST data)
ROUTES = [
    ("dashboard", "get", GLOBAL, lambda ids: reverse("reports:dashboard"), None),
    ("workshop_create", "get", GLOBAL, lambda ids: reverse("events:workshop_create"), None),
    ("trainer_list", "get", GLOBAL, lambda ids: reverse("events:trainer_list"), None),
    ("trainer_create", "get", GLOBAL, lambda ids: reverse("events:trainer_create"), None),
    (
        "trainer_detail",
        "get",
        GLOBAL,
        lambda ids: reverse("events:trainer_detail", args=[ids["trainer"]]),
        None,
    ),
    # A trainer's record: changed by the organisers of a workshop they teach (or who added it).
    (
        "trainer_edit",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:trainer_edit", args=[ids["trainer"]]),
        None,
    ),
    (
        "trainer_edit",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:trainer_edit", args=[ids["trainer"]]),
        {"name": "Liang Shuying", "honorific": "Prof."},
    ),
    (
        "trainer_feed_reissue",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:trainer_feed_reissue", args=[ids["trainer"]]),
        {},
    ),
    (
        "workshop_detail",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_detail", args=[ids["slug"]]),
        None,
    ),
    (
        "workshop_qr",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_qr", args=[ids["slug"]]),
        None,
    ),
    (
        "workshop_edit",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_edit", args=[ids["slug"]]),
        None,
    ),
    (
        "workshop_copy",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_copy", args=[ids["slug"]]),
        None,
    ),
    (
        "workshop_copy",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:workshop_copy", args=[ids["slug"]]),
        {"start_date": "2008-08-24", "title": "Next Workshop"},
    ),
    (
        "workshop_status",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_status", args=[ids["slug"]]) + "?status=closed",
        None,
    ),
    (
        "workshop_status",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:workshop_status", args=[ids["slug"]]),
        {"status": "closed"},
    ),
    (
        "workshop_calendar",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_calendar", args=[ids["slug"]]),
        None,
    ),
    (
        "timetable",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:timetable", args=[ids["slug"]]),
        None,
    ),
    (
        "session_create",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:session_create", args=[ids["slug"]]),
        None,
    ),
    (
        "session_edit",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:session_edit", args=[ids["slug"], ids["session"]]),
        None,
    ),
    (
        "session_move",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:session_move", args=[ids["slug"], ids["session"]]),
        None,
    ),
    (
        "session_move",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:session_move", args=[ids["slug"], ids["session"]]),
        {"day": "2007-08-28", "start_time": "09:00", "end_time": "10:30"},
    ),
    (
        "session_cancel",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:session_cancel", args=[ids["slug"], ids["session"]]),
        None,
    ),
    (
        "session_cancel",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:session_cancel", args=[ids["slug"], ids["session"]]),
        {},
    ),
    (
        "session_reinstate",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:session_reinstate", args=[ids["slug"], ids["session"]]),
        None,
    ),
    (
        "session_reinstate",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:session_reinstate", args=[ids["slug"], ids["session"]]),
        {},
    ),
    (
        "workshop_agencies",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:workshop_agencies", args=[ids["slug"]]) + "?q=Fund",
        None,
    ),
    (
        "agency_create",
        "get",
        WORKSHOP,
        lambda ids: reverse("events:agency_create", args=[ids["slug"]]),
        None,
    ),
    (
        "agency_role_move",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:agency_role_move", args=[ids["slug"], ids["role"]]),
        {"direction": "up"},
    ),
    (
        "agency_role_remove",
        "post",
        WORKSHOP,
        lambda ids: reverse("events:agency_role_remove", args=[ids["slug"], ids["role"]]),
        {},
    ),
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

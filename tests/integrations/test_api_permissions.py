"""One permission table over every API endpoint and method, for every persona.

The personas: anonymous; the holder of a participant's personal link and of a trainer's
calendar link (no account: the link is their key); the organiser of the workshops; an
organiser of another workshop; a funder of the workshop and of another one (staff of those
agencies, with accounts); staff without any workshop; a superuser. The workshop is published,
``draft`` is its organiser's draft. Each row names the answer each persona gets: the same
rules as the pages, so 404 for what the user may not see, 401 for what needs signing in.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Agency, AgencyMember, Trainer, WorkshopAgency
from feedback.models import Question, Questionnaire
from participants.models import Registration
from reports.models import DocumentBuild
from tests import factories
from tests.conftest import at

PERSONAS = [
    "anonymous",
    "participant",
    "trainer",
    "organiser",
    "other_organiser",
    "funder",
    "other_funder",
    "staff",
    "superuser",
]


@pytest.fixture
def world(db, make_workshop, make_session):
    User = get_user_model()
    workshop = make_workshop(title="National Anti-Trafficking Workshop", slug="lijiang")
    draft = make_workshop(title="Next Workshop", slug="draft", status="draft")
    other = make_workshop(title="Another Workshop", slug="another")
    organiser = User.objects.create_user("organiser")
    workshop.organisers.add(organiser)
    draft.organisers.add(organiser)
    other_organiser = User.objects.create_user("other-organiser")
    other.organisers.add(other_organiser)
    agency = Agency.objects.create(name="Funding Agency", kind=Agency.Kind.UN)
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role="funder")
    other_agency = Agency.objects.create(name="Other Funder", kind=Agency.Kind.UN)
    WorkshopAgency.objects.create(workshop=other, agency=other_agency, role="funder")
    funder = User.objects.create_user("funder")
    AgencyMember.objects.create(user=funder, agency=agency)
    other_funder = User.objects.create_user("other-funder")
    AgencyMember.objects.create(user=other_funder, agency=other_agency)
    staff = User.objects.create_user("staff", is_staff=True)
    superuser = User.objects.create_superuser("root", password=None)
    trainer = Trainer.objects.create(name="Chen Jing")
    session = make_session(workshop, trainers=[trainer])
    draft_session = make_session(
        draft, starts_at=at(27, 14), ends_at=at(27, 15), title="Draft session"
    )
    registration = factories.registration(workshop, "Li Mei", email="li.mei@example.org")
    pending = factories.registration(workshop, "Wang Fang", status=Registration.Status.PENDING)
    questionnaire = Questionnaire.objects.create(
        workshop=workshop,
        title="Evaluation",
        is_anonymous=False,
        opens_at=timezone.now() - timedelta(days=1),
    )
    question = Question.objects.create(questionnaire=questionnaire, text="Useful?")
    build = DocumentBuild.objects.create(
        workshop=workshop, kind="register", format="csv", language="en", requested_by=organiser
    )
    return {
        "workshop": workshop,
        "draft": draft,
        "session": session,
        "draft_session": draft_session,
        "registration": registration,
        "pending": pending,
        "questionnaire": questionnaire,
        "question": question,
        "build": build,
        "agency": agency,
        "trainer": trainer,
        "users": {
            "organiser": organiser,
            "other_organiser": other_organiser,
            "funder": funder,
            "other_funder": other_funder,
            "staff": staff,
            "superuser": superuser,
        },
    }


def _links(world, persona):
    """The personal and trainer link each persona holds: the real one, or one made up."""
    made_up = uuid.uuid4().hex
    return {
        "token": world["registration"].token if persona == "participant" else made_up,
        "trainer_token": world["trainer"].feed_token if persona == "trainer" else made_up,
    }


NEW_PERSON = {"workshop": "lijiang", "name": "Zhao Lei", "gender": "male"}
NEW_PERSON["email"] = "zhao.lei@example.org"
SESSION = {
    "workshop": "lijiang",
    "title": "Case study",
    "starts_at": "2007-08-28T09:00:00+08:00",
    "ends_at": "2007-08-28T10:00:00+08:00",
}


def row(method, url, body=None, *, default, **answers):
    """An endpoint: what every persona gets (``default``), and the personas answered otherwise."""
    expected = dict.fromkeys(PERSONAS, default)
    for persona, status in answers.items():
        expected[persona] = status
    return pytest.param(method, url, body, expected, id=f"{method} {url}")


SIGNED_IN = ("organiser", "other_organiser", "funder", "other_funder", "staff", "superuser")


def signed_in(status):
    return dict.fromkeys(SIGNED_IN, status)


def organisers_only(ok, *, others=404):
    """Organiser and superuser ``ok``; other signed-in users ``others``; the rest 401."""
    return {**signed_in(others), "organiser": ok, "superuser": ok}


def directory(ok):
    """The organisers' directories: anyone who organises (or may), 404 for others."""
    return {**signed_in(404), "organiser": ok, "other_organiser": ok, "superuser": ok}


TABLE = [
    row("GET", "/api/v1/workshops/", default=200),
    row("GET", "/api/v1/workshops/lijiang/", default=200),
    row("GET", "/api/v1/workshops/draft/", default=404, organiser=200, superuser=200),
    row(
        "POST",
        "/api/v1/workshops/",
        {
            "title": "New",
            "start_date": "2008-05-01",
            "end_date": "2008-05-02",
            "timezone": "Asia/Shanghai",
        },
        default=401,
        **directory(201),
    ),
    row(
        "PATCH",
        "/api/v1/workshops/lijiang/",
        {"city": "Kunming"},
        default=401,
        **organisers_only(200),
    ),
    row(
        "POST",
        "/api/v1/workshops/lijiang/status/",
        {"status": "closed"},
        default=401,
        **organisers_only(200),
    ),
    row(
        "POST",
        "/api/v1/workshops/lijiang/agencies/",
        {"agency": "{agency}", "role": "host"},
        default=401,
        **organisers_only(201),
    ),
    row("GET", "/api/v1/workshops/lijiang/statistics/", default=401, **organisers_only(200)),
    row("GET", "/api/v1/workshops/lijiang/documents/", default=401, **organisers_only(200)),
    row(
        "GET",
        "/api/v1/workshops/lijiang/documents/register.csv",
        default=401,
        **organisers_only(200),
    ),
    row(
        "POST",
        "/api/v1/workshops/lijiang/documents/register/builds/",
        {"format": "csv"},
        default=401,
        **organisers_only(202),
    ),
    row("GET", "/api/v1/document-builds/{build}/", default=401, **organisers_only(200)),
    row("GET", "/api/v1/sessions/", default=200),
    row("GET", "/api/v1/sessions/{session}/", default=200),
    row("GET", "/api/v1/sessions/{draft_session}/", default=404, organiser=200, superuser=200),
    row("POST", "/api/v1/sessions/", SESSION, default=401, **organisers_only(201)),
    row(
        "PATCH",
        "/api/v1/sessions/{session}/",
        {"title": "Opening"},
        default=401,
        **organisers_only(200),
    ),
    row(
        "POST",
        "/api/v1/sessions/{session}/move/",
        {"starts_at": "2007-08-27T11:00:00+08:00", "ends_at": "2007-08-27T12:00:00+08:00"},
        default=401,
        **organisers_only(200),
    ),
    row("POST", "/api/v1/sessions/{session}/cancel/", default=401, **organisers_only(200)),
    row("GET", "/api/v1/agencies/", default=401, **directory(200)),
    row(
        "POST",
        "/api/v1/agencies/",
        {"name": "Yunnan Women's Federation"},
        default=401,
        **directory(201),
    ),
    row("GET", "/api/v1/trainers/", default=401, **directory(200)),
    row("POST", "/api/v1/trainers/", {"name": "Zhang Min"}, default=401, **directory(201)),
    row("GET", "/api/v1/rooms/", default=401, **directory(200)),
    row(
        "POST",
        "/api/v1/rooms/",
        {"name": "Hall A", "venue": "Guanfang Hotel"},
        default=401,
        **directory(201),
    ),
    row("GET", "/api/v1/registrations/", default=401, **signed_in(200)),
    row("GET", "/api/v1/registrations/{registration}/", default=401, **organisers_only(200)),
    # Registering: organisers of the workshop register people (201); anyone else registers
    # themselves as the public form allows, and is told the same whatever happened (202).
    row("POST", "/api/v1/registrations/", NEW_PERSON, default=202, organiser=201, superuser=201),
    row(
        "PATCH",
        "/api/v1/registrations/{registration}/",
        {"position": "Inspector"},
        default=401,
        **organisers_only(200),
    ),
    row(
        "POST", "/api/v1/registrations/{pending}/approve/", {}, default=401, **organisers_only(200)
    ),
    row(
        "POST",
        "/api/v1/registrations/{registration}/cancel/",
        {},
        default=401,
        **organisers_only(200),
    ),
    row("GET", "/api/v1/attendance/", default=401, **signed_in(200)),
    # Marks name the registration that is not found in the user's workshops (400, field).
    row(
        "POST",
        "/api/v1/attendance/",
        {
            "marks": [
                {"registration": "{registration}", "session": "{session}", "status": "present"}
            ]
        },
        default=401,
        **organisers_only(200, others=400),
    ),
    row("GET", "/api/v1/questionnaires/", default=401, **signed_in(200)),
    row("GET", "/api/v1/questionnaires/{questionnaire}/", default=401, **organisers_only(200)),
    row(
        "GET",
        "/api/v1/questionnaires/{questionnaire}/results/",
        default=401,
        **organisers_only(200),
    ),
    row("GET", "/api/v1/personal/{token}/", default=404, participant=200),
    row(
        "POST",
        "/api/v1/personal/{token}/details/",
        {"position": "Inspector"},
        default=404,
        participant=200,
    ),
    row(
        "POST",
        "/api/v1/personal/{token}/language/",
        {"language": "zh-hans"},
        default=404,
        participant=200,
    ),
    row(
        "POST",
        "/api/v1/personal/{token}/responses/",
        {"questionnaire": "{questionnaire}", "answers": {"{question}": 4}},
        default=404,
        participant=201,
    ),
    row("POST", "/api/v1/personal/{token}/cancel/", default=404, participant=200),
    row("GET", "/api/v1/trainer-links/{trainer_token}/sessions/", default=404, trainer=200),
]


def _fill(value, names):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names:
            return names[value[1:-1]]
        return value.format(**names) if "{" in value else value
    if isinstance(value, dict):
        return {
            _fill(k, names) if isinstance(k, str) else k: _fill(v, names) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    return value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "url", "body", "expected"), TABLE)
def test_permission_table(world, persona, method, url, body, expected):
    names = {
        key: world[key].pk
        for key in (
            "session",
            "draft_session",
            "registration",
            "pending",
            "questionnaire",
            "question",
            "build",
            "agency",
        )
    } | _links(world, persona)
    client = APIClient()
    if persona in world["users"]:
        client.force_authenticate(world["users"][persona])
    filled_body = _fill(body, names)
    if isinstance(filled_body, dict) and "answers" in filled_body:
        filled_body["answers"] = {str(k): v for k, v in filled_body["answers"].items()}
    response = client.generic(
        method,
        url.format(**names),
        data=None if filled_body is None else json.dumps(filled_body),
        content_type="application/json",
    )

    assert response.status_code == expected[persona], response.content[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"errors"}
        assert all(set(error) == {"field", "code", "message"} for error in body["errors"])


def test_lists_hold_only_what_the_persona_may_see(world):
    client = APIClient()
    expected = {
        "organiser": ({"lijiang", "draft", "another"}, {"Li Mei", "Wang Fang"}),
        "superuser": ({"lijiang", "draft", "another"}, {"Li Mei", "Wang Fang"}),
        "other_organiser": ({"lijiang", "another"}, set()),
        "funder": ({"lijiang", "another"}, set()),
        "staff": ({"lijiang", "another"}, set()),
    }
    for persona, (workshops, names) in expected.items():
        client.force_authenticate(world["users"][persona])
        listed = {w["slug"] for w in client.get("/api/v1/workshops/").json()["results"]}
        people = {r["name"] for r in client.get("/api/v1/registrations/").json()["results"]}
        assert (listed, people) == (workshops, names), persona
    client.force_authenticate(None)
    listed = {w["slug"] for w in client.get("/api/v1/workshops/").json()["results"]}
    assert listed == {"lijiang", "another"}

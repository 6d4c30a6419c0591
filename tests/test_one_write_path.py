"""Every writer goes through the services: a rule changed there is seen by all of them.

Each test changes one rule in its service (as a maintainer would edit it) and checks that
the organiser's form, the admin, the API, the calendar import and the demo refuse alike,
with the service's message, and write nothing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from events import services
from events.ical_import import import_sessions, preview_import
from events.models import Agency, Room, Session, Topic, Trainer, Workshop
from feedback import services as feedback_services
from feedback.models import Question, Questionnaire
from feedback.services import FeedbackError
from participants.attendance import AttendanceRefused
from participants.models import Attendance, Registration
from participants.services import RegistrationClosed
from reports.demo.loader import load_demo
from tests.events.conftest import post_new_session
from tests.events.test_ical_import import outlook_file
from tests.test_admin import url, workshop_form

pytestmark = pytest.mark.django_db

NEW_RULE = "No session on the second day: it is a holiday."


@pytest.fixture
def no_session_on_the_second_day(monkeypatch):
    """A new timetable rule, written in the one check every writer of sessions calls."""
    original = services.session_refusals

    def session_refusals(*, workshop, drafts, **options):
        refusals = original(workshop=workshop, drafts=drafts, **options)
        for draft, found in zip(drafts, refusals, strict=True):
            if workshop.local(draft.starts_at).date() == workshop.days[1]:
                found.append(("starts_at", NEW_RULE))
        return refusals

    monkeypatch.setattr(services, "session_refusals", session_refusals)


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("site-admin", "site-admin@example.org", None)


def test_the_organisers_form_sees_a_new_timetable_rule(
    client, workshop, organiser, no_session_on_the_second_day
):
    client.force_login(organiser)
    response = post_new_session(
        client, workshop, "2007-08-27", "18:00", "19:00", title="Welcome", kind="ceremony"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["day"] == [NEW_RULE]
    assert not Session.objects.exists()


def test_the_admin_sees_a_new_timetable_rule(
    client, workshop, superuser, no_session_on_the_second_day
):
    client.force_login(superuser)
    response = client.post(
        url(Workshop, "change", workshop.pk),
        workshop_form(
            workshop,
            sessions=[{"title": "Welcome", "day": "2007-08-27", "start": "18:00", "end": "19:00"}],
        ),
    )
    assert response.status_code == 200
    (sessions,) = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "sessions"
    ]
    assert sessions.errors == [{"starts_at": [NEW_RULE]}]
    assert not Session.objects.exists()


def test_the_api_sees_a_new_timetable_rule(workshop, organiser, no_session_on_the_second_day):
    api = APIClient()
    api.force_authenticate(organiser)
    response = api.post(
        "/api/v1/sessions/",
        {
            "workshop": workshop.slug,
            "title": "Welcome",
            "starts_at": "2007-08-27T18:00:00+08:00",
            "ends_at": "2007-08-27T19:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"field": "starts_at", "code": "invalid", "message": NEW_RULE} in response.json()[
        "errors"
    ]
    assert not Session.objects.exists()


def test_the_calendar_import_sees_a_new_timetable_rule(workshop, no_session_on_the_second_day):
    events = preview_import(workshop, outlook_file())
    on_the_second_day = [e for e in events if e.starts_at and workshop.local(e.starts_at).day == 27]
    assert on_the_second_day
    assert all(NEW_RULE in e.problems for e in on_the_second_day)
    # Chosen anyway (a preview shown before the rule changed): the import refuses them too.
    for event in on_the_second_day:
        event.problems.clear()
    with pytest.raises(ValidationError, match=NEW_RULE):
        import_sessions(workshop=workshop, events=events, chosen={e.uid for e in on_the_second_day})
    assert not Session.objects.exists()


def test_the_demo_sees_a_new_timetable_rule(no_session_on_the_second_day):
    # The demo's second day (27 August 2007) is a day of lectures.
    with pytest.raises(ValidationError, match=NEW_RULE):
        load_demo()
    assert not Workshop.objects.exists()
    assert not Session.objects.exists()


def test_the_demo_sees_a_new_registration_rule(monkeypatch):
    def closed(workshop, *, source, now=None):
        raise RegistrationClosed("Registration is closed for maintenance.")

    monkeypatch.setattr("participants.services.check_registration_open", closed)
    with pytest.raises(RegistrationClosed, match="closed for maintenance"):
        load_demo()
    assert not Registration.objects.exists()


def test_the_demo_sees_a_new_attendance_rule(monkeypatch):
    def not_markable(*, registration, session):
        raise AttendanceRefused("session", "Registers are closed.")

    monkeypatch.setattr("participants.attendance.check_markable", not_markable)
    with pytest.raises(AttendanceRefused, match="Registers are closed"):
        load_demo()
    assert not Attendance.objects.exists()


def test_the_demo_sees_a_new_question_rule(monkeypatch):
    # The one check every writer of questions calls (the organiser's pages, the API, copies).
    def no_rating_questions(questionnaire, data):
        if data.kind == Question.Kind.RATING:
            raise FeedbackError("Ratings are retired.", code="invalid", field="kind")

    monkeypatch.setattr("feedback.services.editing._check_question", no_rating_questions)
    with pytest.raises(FeedbackError, match="Ratings are retired"):
        load_demo()
    assert not Question.objects.exists()


def test_the_demo_sees_a_new_questionnaire_rule(monkeypatch):
    original = feedback_services.create_questionnaire

    def create_questionnaire(*, title, **values):
        if "test" in title.lower():
            raise FeedbackError("No knowledge tests this year.", code="invalid", field="kind")
        return original(title=title, **values)

    monkeypatch.setattr(feedback_services, "create_questionnaire", create_questionnaire)
    with pytest.raises(FeedbackError, match="No knowledge tests"):
        load_demo()
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("model", [Agency, Topic, Room], ids=lambda model: model.__name__)
def test_the_demo_sees_a_new_rule_of_its_reference_rows(monkeypatch, model):
    # The services validate each row as its model does (``full_clean``): a rule added there
    # stops the demo, which writes these rows only through them.
    def clean(row):
        raise ValidationError(f"New rule: no new {model.__name__}.")

    monkeypatch.setattr(model, "clean", clean)
    with pytest.raises(ValidationError, match=f"no new {model.__name__}"):
        load_demo()
    assert not model.objects.exists()


@pytest.fixture
def trainer_writes(monkeypatch) -> list:
    """(service, type of its ``data``) of each call of ``create_trainer`` and
    ``update_trainer``, which go on as they would."""
    told = []
    for name in ("create_trainer", "update_trainer"):
        original = getattr(services, name)

        def recorded(*, data, _original=original, _name=name, **kwargs):
            told.append((_name, type(data)))
            return _original(data=data, **kwargs)

        monkeypatch.setattr(services, name, recorded)
    return told


def test_every_writer_of_trainers_hands_the_services_a_trainer_data(
    trainer_writes, client, organiser, superuser
):
    """The organiser's form, the admin and the API describe a trainer alike, as
    ``services.TrainerData``, to ``create_trainer`` and ``update_trainer``."""
    form = {"name": "Mi XiaoXiong", "name_local": "", "honorific": "Dr.", "position": ""}
    form |= {"agency": "", "bio": "", "email": ""}
    client.force_login(organiser)
    client.post(reverse("events:trainer_create"), form)
    mi = Trainer.objects.get(name="Mi XiaoXiong")
    client.post(reverse("events:trainer_edit", args=[mi.pk]), {**form, "position": "researcher"})
    client.force_login(superuser)
    client.post(url(Trainer, "add"), {**form, "name": "Tong JiYu"})
    tong = Trainer.objects.get(name="Tong JiYu")
    client.post(url(Trainer, "change", tong.pk), {**form, "name": "Tong JiYu", "bio": "Yunnan"})
    api = APIClient()
    api.force_authenticate(organiser)
    made = api.post("/api/v1/trainers/", {"name": "Liang ShuYing"}, format="json").json()
    api.patch(f"/api/v1/trainers/{made['id']}/", {"honorific": "Prof."}, format="json")

    mi.refresh_from_db()
    tong.refresh_from_db()
    assert (mi.position, tong.bio) == ("researcher", "Yunnan")
    assert (tong.created_by, mi.created_by) == (None, organiser)  # the admin records nobody
    liang = Trainer.objects.get(pk=made["id"])
    assert (liang.name, liang.honorific) == ("Liang ShuYing", "Prof.")  # PATCH keeps the rest
    # Created and changed by the form, then by the admin, then by the API.
    assert (
        trainer_writes
        == [
            ("create_trainer", services.TrainerData),
            ("update_trainer", services.TrainerData),
        ]
        * 3
    )


def test_the_demo_hands_the_services_a_trainer_data(trainer_writes):
    load_demo()
    assert trainer_writes
    assert {kind for _, kind in trainer_writes} == {services.TrainerData}

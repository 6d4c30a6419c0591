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

from config.refusals import Refusal
from events import services
from events.ical_import import import_sessions, preview_import
from events.models import Agency, AgencyMember, Room, Session, Topic, Workshop, WorkshopAgency
from feedback import services as feedback_services
from feedback.models import Question, Questionnaire
from feedback.services import FeedbackError
from participants.attendance import AttendanceRefused
from participants.models import Attendance, Registration
from participants.services import RegistrationClosed
from reports import services as report_services
from reports.demo.loader import load_demo
from reports.models import Report
from tests.events.conftest import post_new_session
from tests.events.test_ical_import import outlook_file
from tests.test_admin import url, workshop_form
from tests.test_admin_accounts import add_account, roles_form

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


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


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


@pytest.mark.parametrize(
    ("owner", "name", "model"),
    [
        # The services validate each row as its model does (``full_clean``): a rule added
        # there stops the demo, which writes these rows only through them.
        (Agency, "clean", Agency),
        (Topic, "clean", Topic),
        (Room, "clean", Room),
        # The one writer of a funder's agency (the admin's, the demo's), of a workshop's
        # organisers (new workshops, copies, the admin, the demo), of a publication (the
        # organiser's page, the demo).
        (services, "set_agency_membership", AgencyMember),
        (services, "add_organiser", Workshop),
        (report_services, "publish_report", Report),
    ],
    ids=["Agency", "Topic", "Room", "membership", "organiser", "publication"],
)
def test_the_demo_sees_a_new_rule_where_its_rows_are_written(monkeypatch, owner, name, model):
    def refuse(*_row, **_arguments):
        raise ValidationError(f"New rule: no new {model.__name__}.")

    monkeypatch.setattr(owner, name, refuse)
    with pytest.raises(ValidationError, match=f"no new {model.__name__}"):
        load_demo()
    assert not model.objects.exists()


NO_ROLE_NAMES = "An account is a person's: not named after a role."


@pytest.fixture
def no_accounts_named_after_roles(monkeypatch):
    """A new rule for accounts, in the one check every writer of a new account calls."""
    original = services.check_account

    def check_account(*, user, password):
        if user.username in {"admin", "organiser", "funder", "manager"}:
            raise Refusal(NO_ROLE_NAMES, field="username", code="role_name")
        original(user=user, password=password)

    monkeypatch.setattr(services, "check_account", check_account)


def test_the_admin_sees_a_new_account_rule(admin_client, no_accounts_named_after_roles):
    response = add_account(admin_client, "manager", "Lijiang-2007-workshop")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [NO_ROLE_NAMES]
    assert not get_user_model().objects.filter(username="manager").exists()


def test_the_admin_sees_a_new_account_rule_on_a_renamed_account(
    admin_client, make_user, no_accounts_named_after_roles
):
    user = make_user("li.ming")
    form = {"username": "manager", "is_active": "on", "date_joined_0": "2007-08-26"}
    response = admin_client.post(
        url(get_user_model(), "change", user.pk), {**form, "date_joined_1": "09:00:00"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [NO_ROLE_NAMES]
    user.refresh_from_db()
    assert user.username == "li.ming"


NO_YEARS = "A password must not hold a year."


@pytest.fixture
def no_years_in_passwords(monkeypatch):
    """A new password rule, in the check every writer of a password calls."""
    original = services.check_password_rules

    def check_password_rules(*, user, password):
        if password and any(str(year) in password for year in range(1900, 2100)):
            raise Refusal(NO_YEARS, field="password", code="year")
        original(user=user, password=password)

    monkeypatch.setattr(services, "check_password_rules", check_password_rules)


def test_the_admin_sees_a_new_password_rule(admin_client, make_user, no_years_in_passwords):
    added = add_account(admin_client, "li.ming", "Lijiang-2007-workshop")
    assert added.context["adminform"].form.errors["password2"] == [NO_YEARS]
    user = make_user("wang.fang")
    changed = admin_client.post(
        url(get_user_model(), "password_change", user.pk),
        {"password1": "Lijiang-2007-workshop", "password2": "Lijiang-2007-workshop"},
    )
    assert changed.context["form"].errors["password2"] == [NO_YEARS]
    assert not get_user_model().objects.filter(username="li.ming").exists()
    user.refresh_from_db()
    assert not user.check_password("Lijiang-2007-workshop")


# The demo's logins are named admin, organiser and funder; each printed password holds 2007.
@pytest.mark.parametrize(
    ("rule", "message"),
    [("no_accounts_named_after_roles", NO_ROLE_NAMES), ("no_years_in_passwords", NO_YEARS)],
    ids=["account", "password"],
)
def test_the_demo_sees_a_new_account_rule(request, rule, message):
    request.getfixturevalue(rule)
    with pytest.raises(ValidationError, match=message):
        load_demo()
    assert not get_user_model().objects.exists()


TEN_AT_MOST = "Ten attending agencies at most: the hall has ten tables."


@pytest.fixture
def ten_attending_at_most(monkeypatch):
    """A new rule for agencies' roles, in the one check ``add_agency_role`` calls (which the
    admin's forms call too, before they save)."""
    original = services.check_agency_role

    def check_agency_role(*, workshop, agency, role):
        attending = WorkshopAgency.Role.ATTENDING
        if role == attending and workshop.agency_roles.filter(role=attending).count() >= 10:
            raise Refusal(TEN_AT_MOST, field="role", code="too_many")
        original(workshop=workshop, agency=agency, role=role)

    monkeypatch.setattr(services, "check_agency_role", check_agency_role)


def ten_attending(workshop) -> Agency:
    """Ten agencies attending ``workshop``, and an eleventh agency, attending nothing."""
    for n in range(10):
        services.add_agency_role(
            workshop=workshop, agency=Agency.objects.create(name=f"Province {n}"), role="attending"
        )
    return Agency.objects.create(name="Province 10")


def test_the_organisers_page_sees_a_new_agency_role_rule(
    client, workshop, organiser, ten_attending_at_most
):
    eleventh = ten_attending(workshop)
    client.force_login(organiser)
    response = client.post(
        reverse("events:workshop_agencies", args=[workshop.slug]),
        {"agency": eleventh.pk, "role": "attending", "note": ""},
        follow=True,
    )
    assert TEN_AT_MOST in [str(message) for message in response.context["messages"]]
    assert not WorkshopAgency.objects.filter(agency=eleventh).exists()


def test_the_demo_sees_a_new_agency_role_rule(ten_attending_at_most):
    # The demo's workshop is attended by thirteen agencies.
    with pytest.raises(ValidationError, match="Ten attending agencies"):
        load_demo()
    assert not WorkshopAgency.objects.exists()


def test_the_role_admin_shows_a_new_agency_role_rule(admin_client, workshop, ten_attending_at_most):
    eleventh = ten_attending(workshop)
    fields = {"workshop": workshop.pk, "agency": eleventh.pk, "role": "attending", "order": 0}
    response = admin_client.post(url(WorkshopAgency, "add"), {**fields, "note": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == [TEN_AT_MOST]
    # Another role given the role refused: refused the same.
    hosting = services.add_agency_role(workshop=workshop, agency=eleventh, role="host")
    changed = admin_client.post(url(WorkshopAgency, "change", hosting.pk), {**fields, "note": ""})
    assert changed.context["adminform"].form.errors["role"] == [TEN_AT_MOST]
    assert not WorkshopAgency.objects.filter(agency=eleventh, role="attending").exists()


def test_the_workshop_admin_shows_a_new_agency_role_rule(
    admin_client, superuser, workshop, ten_attending_at_most
):
    eleventh = ten_attending(workshop)
    rows = [(None, eleventh, "attending", 0, "", False)]
    response = admin_client.post(
        url(type(workshop), "change", workshop.pk), roles_form(workshop, superuser, rows)
    )
    assert response.status_code == 200
    (inline,) = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "agency_roles"
    ]
    assert inline.formset.forms[0].errors["role"] == [TEN_AT_MOST]
    assert not WorkshopAgency.objects.filter(agency=eleventh).exists()

"""The admin: every list, change and add page renders, in as many queries for 20 rows as for 2."""

from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.models import (
    Agency,
    AgencyMember,
    Programme,
    Room,
    Session,
    Topic,
    Trainer,
    Workshop,
    WorkshopAgency,
)
from feedback.anonymity import seal
from feedback.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
    Submission,
)
from participants.models import Attendance, Participant, Registration
from tests import factories
from tests.conftest import at
from tests.demo_snapshot import take_snapshot

APPS = ("events", "participants", "feedback")
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label,
)


def build(n: int) -> dict[type, object]:
    """``n`` rows of every model, tied together as a workshop's data is.

    Returns, per model, the row whose change page the tests open: the one with the most
    related rows (the workshop with ``n`` sessions, the questionnaire with ``n`` questions).
    """
    users = [
        get_user_model().objects.create_user(f"organiser{i}", f"o{i}@example.org") for i in range(n)
    ]
    parent = Agency.objects.create(name="State Council", level=Agency.Level.NATIONAL)
    agencies = [
        Agency.objects.create(name=f"Agency {i}", acronym=f"A{i}", parent=parent, region="Yunnan")
        for i in range(n)
    ]
    programmes = [Programme.objects.create(name=f"Programme {i}") for i in range(n)]
    workshops = [
        Workshop.objects.create(
            title=f"Workshop {i}",
            start_date=date(2007, 8, 26) + timedelta(days=40 * i),
            end_date=date(2007, 8, 31) + timedelta(days=40 * i),
            timezone="Asia/Shanghai",
            programme=programmes[i],
            summary_provided_by=agencies[0],
            status=Workshop.Status.PUBLISHED,
        )
        for i in range(n)
    ]
    workshop = workshops[0]
    workshop.organisers.set(users)
    for i, agency in enumerate(agencies):
        WorkshopAgency.objects.create(
            workshop=workshop, agency=agency, role=WorkshopAgency.Role.ATTENDING, order=i
        )
        AgencyMember.objects.create(user=users[i], agency=agency)
    trainers = [Trainer.objects.create(name=f"Trainer {i}", agency=agencies[i]) for i in range(n)]
    rooms = [Room.objects.create(name=f"Room {i}", venue="Guesthouse") for i in range(n)]
    topics = [Topic.objects.create(name=f"Topic {i}") for i in range(n)]
    sessions = []
    for i in range(n):
        start = at(26 + i % 6, 8 + i // 6)
        session = Session.objects.create(
            workshop=workshop,
            title=f"Session {i}",
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            room=rooms[i],
        )
        session.trainers.set([trainers[i], trainers[(i + 1) % n]])
        session.topics.set([topics[i]])
        sessions.append(session)
    people = [Participant.objects.create(email=f"p{i}@example.org") for i in range(n)]
    registrations = [
        Registration.objects.create(
            workshop=workshop,
            participant=person,
            name=f"Person {i}",
            agency=agencies[i],
            status=Registration.Status.CONFIRMED,
            source=Registration.Source.ORGANISER,
            nominated_by=agencies[0],
        )
        for i, person in enumerate(people)
    ]
    for other in workshops[1:]:
        Registration.objects.create(
            workshop=other,
            participant=people[0],
            name="Person 0",
            status=Registration.Status.WAITLISTED,
            waitlisted_at=timezone.now(),
            source=Registration.Source.IMPORT,
        )
    attendances = [
        Attendance.objects.create(
            registration=registrations[i],
            session=sessions[i],
            status="present",
            recorded_by=users[0],
        )
        for i in range(n)
    ]
    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    post_test = Questionnaire.objects.create(
        workshop=workshop, title="Test after", kind="post_test", is_anonymous=False
    )
    for i in range(n - 2):
        Questionnaire.objects.create(workshop=workshops[i], title=f"Evaluation {i}")
    multiple = Question.objects.create(questionnaire=evaluation, kind="multiple", text="Topics?")
    choices = [Choice.objects.create(question=multiple, text=f"Choice {i}") for i in range(n)]
    ratings = [
        Question.objects.create(
            questionnaire=evaluation,
            order=i + 1,
            text=f"How was session {i}?",
            session=sessions[i],
            trainer=trainers[i],
        )
        for i in range(n - 1)
    ]
    anonymous = []
    for i in range(n):
        response = Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))
        Answer.objects.create(response=response, question=multiple, choice=choices[i])
        anonymous.append(response)
    for question in ratings:
        Answer.objects.create(response=anonymous[0], question=question, rating=4)
    named = Response.objects.create(
        questionnaire=post_test, registration=registrations[0], submitted_on=date(2007, 8, 31)
    )
    test_question = Question.objects.create(questionnaire=post_test, kind="text", text="Define.")
    Answer.objects.create(response=named, question=test_question, text="Recruitment for...")
    submissions = [
        Submission.objects.create(questionnaire=evaluation, registration=registration)
        for registration in registrations
    ]
    sealed = [
        SealedResponse.objects.create(questionnaire=evaluation, sealed=seal(evaluation.pk, []))
        for _ in range(n)
    ]
    return {
        Agency: parent,
        AgencyMember: AgencyMember.objects.first(),
        Programme: programmes[0],
        Workshop: workshop,
        WorkshopAgency: WorkshopAgency.objects.first(),
        Trainer: trainers[0],
        Room: rooms[0],
        Topic: topics[0],
        Session: sessions[0],
        Participant: people[0],
        Registration: registrations[0],
        Attendance: attendances[0],
        Questionnaire: evaluation,
        Question: multiple,
        Choice: choices[0],
        Response: anonymous[0],
        Answer: Answer.objects.filter(response=anonymous[0], choice__isnull=False).first(),
        Submission: submissions[0],
        SealedResponse: sealed[0],
    }


@pytest.fixture(scope="module")
def snapshots(django_db_setup, django_db_blocker):
    """``build(n)``'s rows, built once per size (tests/demo_snapshot.py): building them is
    most of each query-count test's time."""
    taken = {}

    def take(n: int):
        def build_keys():
            return {model: row.pk for model, row in build(n).items()}

        if n not in taken:
            with django_db_blocker.unblock():
                taken[n] = take_snapshot(build_keys)
        return taken[n]

    return take


@pytest.fixture
def built(db, snapshots):
    """``build(n)`` for this test: the same rows, put back from the module's snapshot."""

    def restore(n: int) -> dict[type, object]:
        snapshot = snapshots(n)
        snapshot.restore_rows()
        return {model: model._base_manager.get(pk=pk) for model, pk in snapshot.summary.items()}

    return restore


# Queries per page beyond the two every admin page makes (the session, the user), the same
# for 2 rows as for 20: (changelist, change page, add page; None: adding is refused).
# A changelist counts its rows twice (the page's count, the total beside the search), reads
# the page with its foreign keys joined and its counts as subqueries, prefetches the
# many-to-many columns, and reads each related filter's choices once.
PAGES = {
    # list: 2 counts, the page with parent and sub-agency count, the country filter's values;
    # change: the agency with its count.
    Agency: (4, 1, 0),
    # list: 2 counts, the page with user and agency; change: the member with its user
    # (shown, not chosen: another account is another membership), its agency for the
    # autocomplete widget.
    AgencyMember: (3, 2, 0),
    # list: 2 counts, the page with workshop counts; change: the programme.
    Programme: (3, 1, 0),
    # list: 2 counts, the page with session counts, the city filter; change: the room.
    Room: (4, 1, 0),
    # list: the workshop and room filters, 2 counts, the page with workshop and room, its
    # trainers; change: the workshop's time zone, the session, its trainers and topics, then
    # the workshop, room, trainers and topics shown in the autocomplete widgets.
    Session: (6, 8, 0),
    # list: 2 counts, the page with session counts; change: the topic.
    Topic: (3, 1, 0),
    # list: the agency filter, 2 counts, the page; change: the trainer, its agency.
    Trainer: (4, 2, 0),
    # list: the programme filter, 2 counts, the page with session and seat counts, the date
    # hierarchy's range and months, the country filter. change: the time zone, the workshop,
    # its organisers; agency roles, the agencies chosen (one query for every row's search
    # box); sessions, their trainers, the rooms and trainers chosen (one query each for all
    # rows); programme, the organisers chosen, report provider. add: nothing more (search
    # boxes list no choices until one types).
    Workshop: (7, 12, 0),
    # list: the workshop filter, 2 counts, the page; change: the role, workshop and agency.
    WorkshopAgency: (4, 3, 0),
    # list: the questionnaire filter, 2 counts, the page; change: the answer with its
    # response, question and choice (one query: the page's title is the answer's label).
    Answer: (4, 1, None),
    # list: 2 counts, the page; change: the choice, its question.
    Choice: (3, 2, 0),
    # list: 2 counts, the page with choice counts; change: the question, its choices,
    # its questionnaire.
    Question: (3, 3, 0),
    # list: the workshop filter, 2 counts, the page with counts. change: the time zone, the
    # questionnaire, its questions, the workshop's sessions and all trainers for the
    # questions' selects, the workshop. add: the trainers for the empty question row.
    Questionnaire: (4, 6, 1),
    # list: the questionnaire filter, 2 counts, the page; change: the response, its answers
    # with questions and choices, its questionnaire.
    Response: (4, 3, None),
    # list: the questionnaire filter, 2 counts, the page; change: the submission with its
    # questionnaire and registration (its label names both), the workshop.
    Submission: (4, 2, None),
    # list: the questionnaire filter, 2 counts, the page; change: the box, its
    # questionnaire.
    SealedResponse: (4, 2, None),
    # list: the workshop filter, 2 counts, the page; change: the record with its labels'
    # registration and session, then for the autocomplete widgets the registration, its
    # workshop (the registration's label names it), the session and the recorder.
    Attendance: (4, 5, 0),
    # list: 2 counts, the page with registration counts; change: the person, their
    # registrations with workshops.
    Participant: (3, 2, 0),
    # list: the workshop filter, 2 counts, the page; change: the registration, its workshop,
    # participant, agency and nominating agency.
    Registration: (4, 5, None),
}
BASE = 2  # the session and the user


def test_every_model_of_the_apps_has_an_admin_and_a_query_budget():
    assert set(MODELS) == set(PAGES)
    for app in APPS:
        for model in django_apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model


@pytest.fixture
def superuser(db):
    # No password: hashing one costs ~0.4 s by design, and force_login needs none.
    return get_user_model().objects.create_superuser("site-admin", "site-admin@example.org", None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def url(model, page: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def get_counted(client, address: str, queries: int, django_assert_num_queries):
    client.get(address)  # the first request fills the content-type cache
    with django_assert_num_queries(BASE + queries):
        response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_changelist_costs_the_same_for_few_and_many_rows(
    admin_client, built, model, rows, django_assert_num_queries
):
    built(rows)
    content = get_counted(
        admin_client, url(model, "changelist"), PAGES[model][0], django_assert_num_queries
    )
    count = model.objects.count()
    plural = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    assert f"{count} {plural}" in content


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_change_page_costs_the_same_for_few_and_many_rows(
    admin_client, built, model, rows, django_assert_num_queries
):
    shown = built(rows)[model]
    content = get_counted(
        admin_client, url(model, "change", shown.pk), PAGES[model][1], django_assert_num_queries
    )
    assert escape(str(shown)) in content


@pytest.mark.parametrize("model", [m for m in MODELS if PAGES[m][2] is not None], ids=str)
def test_admin_add_page_renders_with_data_present(
    admin_client, built, model, django_assert_num_queries
):
    built(20)
    content = get_counted(
        admin_client, url(model, "add"), PAGES[model][2], django_assert_num_queries
    )
    assert f"Add {model._meta.verbose_name}" in content


@pytest.mark.parametrize("model", [m for m in MODELS if PAGES[m][2] is None], ids=str)
def test_admin_refuses_to_add_what_people_give_or_the_rules_create(admin_client, model):
    # Registrations go through the registration rules; answers are participants' own.
    assert admin_client.get(url(model, "add")).status_code == 403


@pytest.mark.parametrize(
    "address", ["/admin/", "/admin/events/workshop/", "/admin/participants/participant/1/change/"]
)
def test_admin_sends_non_staff_to_the_admin_login(client, make_user, address):
    assert client.get(address).url == f"/admin/login/?next={address}"
    client.force_login(make_user("participant-user"))
    response = client.get(address)
    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={address}"


# What the admin does, beyond showing rows


def workshop_form(workshop=None, *, sessions=(), **fields) -> dict:
    """The POST of the workshop admin page, with new ``sessions`` in its inline.

    ``sessions``: dicts of title, day, start, end ("HH:MM", local time) and trainers.
    """
    data = {
        "title": "Lijiang Workshop",
        "slug": "lijiang",
        "status": "draft",
        "start_date": "2007-08-26",
        "end_date": "2007-08-31",
        "timezone": "Asia/Shanghai",
        "language": "en",
        "capacity": "30",
        **{f"registration_{end}_at_{i}": "" for end in ("opens", "closes") for i in (0, 1)},
        "agency_roles-TOTAL_FORMS": "0",
        "agency_roles-INITIAL_FORMS": "0",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
    }
    if workshop is not None:
        data.update(
            title=workshop.title,
            slug=workshop.slug,
            status=workshop.status,
            start_date=workshop.start_date.isoformat(),
            end_date=workshop.end_date.isoformat(),
            timezone=workshop.timezone,
        )
    for i, session in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-title": session["title"],
                f"sessions-{i}-kind": "lecture",
                f"sessions-{i}-status": "scheduled",
                f"sessions-{i}-starts_at_0": session["day"],
                f"sessions-{i}-starts_at_1": session["start"],
                f"sessions-{i}-ends_at_0": session["day"],
                f"sessions-{i}-ends_at_1": session["end"],
                f"sessions-{i}-trainers": [t.pk for t in session.get("trainers", ())],
            }
        )
    data.update(fields)
    return data


def session_form(session, **fields) -> dict:
    local_start = session.workshop.local(session.starts_at)
    local_end = session.workshop.local(session.ends_at)
    data = {
        "workshop": session.workshop_id,
        "title": session.title,
        "kind": session.kind,
        "status": session.status,
        "starts_at_0": local_start.date().isoformat(),
        "starts_at_1": local_start.strftime("%H:%M"),
        "ends_at_0": local_end.date().isoformat(),
        "ends_at_1": local_end.strftime("%H:%M"),
        "room": session.room_id or "",
        "trainers": [t.pk for t in session.trainers.all()],
    }
    data.update(fields)
    return data


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_workshop_admin_reads_session_times_in_the_workshop_time_zone(admin_client):
    response = admin_client.post(
        url(Workshop, "add"),
        workshop_form(
            sessions=[{"title": "Opening", "day": "2007-08-26", "start": "09:00", "end": "10:30"}]
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    session = Session.objects.get(title="Opening")
    assert (session.starts_at, session.ends_at) == (at(26, 9), at(26, 10, 30))

    page = admin_client.get(url(Workshop, "change", session.workshop_id)).content.decode()
    assert 'name="sessions-0-starts_at_1" value="09:00:00"' in page


def test_workshop_admin_puts_a_constraints_refusal_next_to_its_field(admin_client):
    response = admin_client.post(
        url(Workshop, "add"), workshop_form(end_date="2007-08-25", capacity="0")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end_date": ["The last day cannot come before the first day."],
        "capacity": ["The capacity must be at least one seat."],
    }
    assert not Workshop.objects.exists()


def test_workshop_admin_shows_each_place_and_text_in_both_scripts(admin_client):
    page = admin_client.get(url(Workshop, "add")).content.decode()
    for name in ("venue", "city", "region", "country", "objectives", "narrative"):
        assert f'name="{name}_local"' in page


def test_workshop_admin_refuses_an_inline_session_outside_the_workshop_days(admin_client):
    response = admin_client.post(
        url(Workshop, "add"),
        # 23:30 on the day before the first day, in Lijiang.
        workshop_form(
            sessions=[{"title": "Early", "day": "2007-08-25", "start": "23:30", "end": "23:50"}]
        ),
    )
    assert response.status_code == 200
    (errors,) = response.context["inline_admin_formsets"][1].formset.errors
    assert errors["starts_at"] == [
        "The session must lie within the workshop's dates, "
        "Sunday 26 August 2007 to Friday 31 August 2007 (Asia/Shanghai)."
    ]
    assert not Workshop.objects.exists()


def test_session_admin_shows_a_session_outside_the_dates_as_a_field_error(
    admin_client, workshop, make_session
):
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    response = admin_client.post(
        url(Session, "change", session.pk),
        session_form(session, starts_at_0="2007-09-01", ends_at_0="2007-09-01"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [
        "The session must lie within the workshop's dates, "
        "Sunday 26 August 2007 to Friday 31 August 2007 (Asia/Shanghai)."
    ]
    session.refresh_from_db()
    assert session.starts_at == at(27, 9)


def test_session_admin_shows_times_in_the_workshop_time_zone(
    admin_client, workshop, make_session, huang
):
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10), trainers=[huang])
    page = admin_client.get(url(Session, "change", session.pk)).content.decode()
    assert 'name="starts_at_1" value="09:00:00"' in page
    listing = admin_client.get(url(Session, "changelist")).content.decode()
    assert "Monday 27 August 2007, 09:00" in listing
    assert "Huang TaiYun" in listing


def test_agency_admin_refuses_a_cycle_and_counts_sub_agencies(admin_client):
    top = Agency.objects.create(name="State Council")
    middle = Agency.objects.create(name="National Working Committee", parent=top)
    Agency.objects.create(name="Office", parent=middle)
    response = admin_client.post(
        url(Agency, "change", top.pk),
        {"name": top.name, "kind": "government", "level": "national", "parent": middle.pk},
    )
    assert response.context["adminform"].form.errors["parent"] == [
        "An agency cannot be its own ancestor."
    ]
    listing = admin_client.get(url(Agency, "changelist")).content.decode()
    assert '<td class="field-children_count">1</td>' in listing


def act(client, action: str, *registrations):
    return client.post(
        url(Registration, "changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


def test_registration_admin_actions_follow_the_registration_rules(
    admin_client, make_workshop, django_capture_on_commit_callbacks, mailoutbox
):
    small = make_workshop(title="Small", slug="small", capacity=1, requires_approval=True)
    first, second = (
        factories.registration(
            small, name, email=f"{name}@example.org", status=Registration.Status.PENDING
        )
        for name in ("first", "second")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "approve", first, second)
    first.refresh_from_db()
    second.refresh_from_db()
    # One seat: the second approved joins the waiting list, as on the organisers' pages.
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert "Approved 2 registrations." in shown_messages(response)
    assert {message.to[0] for message in mailoutbox} == {"first@example.org", "second@example.org"}

    with django_capture_on_commit_callbacks(execute=True):
        act(admin_client, "cancel", first)
    first.refresh_from_db()
    second.refresh_from_db()
    # The freed seat goes to the first on the waiting list.
    assert (first.status, second.status) == ("cancelled", "confirmed")

    response = act(admin_client, "put_on_waiting_list", second)
    assert shown_messages(response) == [
        "second, Small: A registration that is “Confirmed” cannot be put on the waiting list."
    ]


def test_registration_admin_keeps_status_out_of_the_form(admin_client, participant_registration):
    response = admin_client.post(
        url(Registration, "change", participant_registration.pk),
        {
            "status": "cancelled",
            "nominated_by": "",
            "name": "Li Mei",
            "name_local": "李梅",
            "gender": "female",
            "preferred_language": "zh-hans",
        },
    )
    assert response.status_code == 302
    participant_registration.refresh_from_db()
    assert participant_registration.status == "confirmed"
    # The details this workshop holds are the admin's to correct.
    assert participant_registration.preferred_language == "zh-hans"


def test_response_admin_shows_no_person_for_an_anonymous_response(
    admin_client, workshop, participant_registration
):
    anonymous = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    named = Questionnaire.objects.create(
        workshop=workshop, title="Test after", kind="post_test", is_anonymous=False
    )
    day = date(2007, 8, 31)
    hidden = Response.objects.create(questionnaire=anonymous, submitted_on=day)
    Submission.objects.create(questionnaire=anonymous, registration=participant_registration)
    shown = Response.objects.create(
        questionnaire=named, registration=participant_registration, submitted_on=day
    )

    page = admin_client.get(url(Response, "change", hidden.pk)).content.decode()
    assert "Li Mei" not in page
    assert "field-registration" not in page
    assert "Li Mei" in admin_client.get(url(Response, "change", shown.pk)).content.decode()
    listing = admin_client.get(url(Response, "changelist")).content.decode()
    assert '<td class="field-respondent">anonymous</td>' in listing
    assert '<td class="field-respondent">Li Mei</td>' in listing


# The demo, as a new user first sees it


def test_admin_renders_every_list_and_change_page_of_the_demo(loaded_demo, admin_client):
    assert Workshop.objects.filter(city="Lijiang").exists()
    # Every model has demo rows but the programme, which the 2007 workshop had none of, and
    # the sealed box, emptied into the results when the evaluation closed.
    assert [m for m in MODELS if not m.objects.exists()] == [Programme, SealedResponse]
    for model in MODELS:
        listing = admin_client.get(url(model, "changelist"))
        assert listing.status_code == 200, model
        count = model.objects.count()
        plural = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        assert f"{count} {plural}" in listing.content.decode()
        for shown in model.objects.all()[:3]:
            page = admin_client.get(url(model, "change", shown.pk))
            assert page.status_code == 200, (model, shown.pk)
            assert escape(str(shown)) in page.content.decode()


def act_on(client, model, action: str, *objects):
    return client.post(
        url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def test_workshop_admin_changes_status_only_by_the_rules(admin_client, make_workshop):
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    done = make_workshop(title="Done", slug="done", status=Workshop.Status.COMPLETED)
    response = act_on(admin_client, Workshop, "publish", draft, done)
    draft.refresh_from_db()
    done.refresh_from_db()
    assert (draft.status, done.status) == ("published", "completed")
    assert shown_messages(response) == [
        "Done: A workshop that is “Completed” cannot become “Published”.",
        "Published 1 workshop.",
    ]
    # The form shows the status but does not change it.
    admin_client.post(url(Workshop, "change", draft.pk), workshop_form(draft, status="draft"))
    draft.refresh_from_db()
    assert draft.status == "published"


def test_workshop_admin_has_an_action_for_each_status_a_workshop_may_move_to(
    admin_client, workshop
):
    from events import services
    from events.admin import WORKSHOP_STATUS_ACTIONS

    targets = {target for targets in services.TRANSITIONS.values() for target in targets}
    assert set(WORKSHOP_STATUS_ACTIONS) == targets
    page = admin_client.get(url(Workshop, "changelist")).content.decode()
    for name, description, _done in WORKSHOP_STATUS_ACTIONS.values():
        assert f'<option value="{name}">{escape(description)}</option>' in page


def test_workshop_admin_cancels_in_the_plural_by_the_rules(admin_client, make_workshop):
    drafts = [
        make_workshop(title=f"Draft {i}", slug=f"draft-{i}", status=Workshop.Status.DRAFT)
        for i in range(2)
    ]
    response = act_on(admin_client, Workshop, "cancel", *drafts)
    assert shown_messages(response) == ["Cancelled 2 workshops."]
    assert set(Workshop.objects.values_list("status", flat=True)) == {"cancelled"}


def test_session_admin_cancels_and_reinstates_through_the_rules(
    admin_client, workshop, make_session, huang
):
    kept = make_session(workshop, title="Kept", starts_at=at(27, 9), ends_at=at(27, 10),
                        trainers=[huang])  # fmt: skip
    act_on(admin_client, Session, "cancel_sessions", kept)
    kept.refresh_from_db()
    assert (kept.status, kept.sequence) == ("cancelled", 1)

    make_session(workshop, title="Meanwhile", starts_at=at(27, 9), ends_at=at(27, 10),
                 trainers=[huang])  # fmt: skip
    response = act_on(admin_client, Session, "reinstate_sessions", kept)
    kept.refresh_from_db()
    assert kept.status == "cancelled"
    assert shown_messages(response) == [
        "Kept: Huang TaiYun also teaches “Meanwhile” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]


def test_workshop_admin_keeps_local_times_when_the_zone_changes(
    admin_client, workshop, make_session
):
    from zoneinfo import ZoneInfo

    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10, 30))
    data = workshop_form(workshop, timezone="Europe/Paris")
    data["sessions-INITIAL_FORMS"] = "0"
    response = admin_client.post(url(Workshop, "change", workshop.pk), data, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    paris = ZoneInfo("Europe/Paris")
    assert session.starts_at.astimezone(paris).strftime("%d %H:%M") == "27 09:00"
    assert session.sequence == 1
    assert any(
        "The time zone changed from Asia/Shanghai to Europe/Paris." in m
        for m in shown_messages(response)
    )

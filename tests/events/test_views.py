"""The organiser pages: who may reach them, what they show, what they change, what they cost."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import Agency, Room, Session, Trainer, Workshop, WorkshopAgency
from tests.conftest import at

PASSWORD = "correct horse battery staple"

# Pages every organiser reaches (not tied to one workshop) and pages of one workshop.
GLOBAL, WORKSHOP = "global", "workshop"


@pytest.fixture
def trainer(db):
    return Trainer.objects.create(name="Liang ShuYing", honorific="Prof.")


@pytest.fixture
def session(workshop, make_session, trainer):
    room = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel")
    return make_session(
        workshop,
        title="Trafficking definitions",
        starts_at=at(27, 9),
        ends_at=at(27, 10, 30),
        trainers=[trainer],
        room=room,
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password=PASSWORD)


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


# What the pages show and do ----------------------------------------------------------------


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.mark.django_db
def test_timetable_shows_local_times_in_the_workshops_time_zone(
    organiser_client, workshop, session
):
    response = organiser_client.get(reverse("events:timetable", args=[workshop.slug]))
    html = response.content.decode()
    # 09:00 in Lijiang is 01:00 UTC: the page must show the wall-clock time where it happens.
    assert 'datetime="2007-08-27T09:00:00+08:00">09:00</time>' in html
    assert ">01:00<" not in html
    assert "Monday 27 August 2007" in html
    assert "Trafficking definitions" in html
    assert "Prof. Liang ShuYing" in html
    assert "Jade Hall, Guanfang Hotel" in html
    # Every day of the workshop has its section, sessions or not.
    assert "Sunday 26 August 2007" in html
    assert "Friday 31 August 2007" in html
    assert "No sessions on this day yet." in html


@pytest.mark.django_db
def test_timetable_shows_cancelled_sessions_struck_through(organiser_client, workshop, session):
    organiser_client.post(reverse("events:session_cancel", args=[workshop.slug, session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    html = organiser_client.get(reverse("events:timetable", args=[workshop.slug])).content.decode()
    assert "<s>Trafficking definitions</s>" in html
    assert '<span class="badge bad">Cancelled</span>' in html
    assert "Schedule again" in html


@pytest.mark.django_db
def test_timetable_lists_existing_clashes_naming_both_sessions(
    organiser_client, workshop, session, trainer, make_session
):
    # Saved behind the forms' back (an import, the admin): the timetable must still say so.
    make_session(
        workshop,
        title="Victim protection",
        starts_at=at(27, 10),
        ends_at=at(27, 11),
        trainers=[trainer],
    )
    html = organiser_client.get(reverse("events:timetable", args=[workshop.slug])).content.decode()
    assert "1 clash" in html
    assert "Prof. Liang ShuYing also teaches “Victim protection”" in html
    assert html.count('<span class="badge bad">Clash</span>') == 2


@pytest.mark.django_db
def test_session_form_makes_local_times_aware_in_the_workshops_zone(
    organiser_client, workshop, trainer
):
    response = organiser_client.post(
        reverse("events:session_create", args=[workshop.slug]),
        {
            "title": "Prosecution of traffickers",
            "kind": Session.Kind.LECTURE,
            "day": "2007-08-28",
            "start_time": "14:00",
            "end_time": "15:30",
            "new_room": "Jade Hall",
            "trainers": [trainer.pk],
        },
    )
    assert response.status_code == 302
    created = Session.objects.get(title="Prosecution of traffickers")
    assert created.starts_at == at(28, 14)
    assert created.ends_at == at(28, 15, 30)
    assert list(created.trainers.all()) == [trainer]
    assert created.room.name == "Jade Hall"
    assert created.room.venue == workshop.venue


@pytest.mark.django_db
def test_session_form_refuses_a_trainer_clash_naming_trainer_and_other_session(
    organiser_client, workshop, session, trainer
):
    response = organiser_client.post(
        reverse("events:session_create", args=[workshop.slug]),
        {
            "title": "Victim protection",
            "kind": Session.Kind.LECTURE,
            "day": "2007-08-27",
            "start_time": "10:00",
            "end_time": "11:00",
            "trainers": [trainer.pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["trainers"] == [
        "Prof. Liang ShuYing also teaches “Trafficking definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]
    assert "Nothing was saved" in response.content.decode()
    assert not Session.objects.filter(title="Victim protection").exists()


@pytest.mark.django_db
def test_session_form_refuses_a_room_clash(organiser_client, workshop, session):
    response = organiser_client.post(
        reverse("events:session_create", args=[workshop.slug]),
        {
            "title": "Group work",
            "kind": Session.Kind.GROUP_WORK,
            "day": "2007-08-27",
            "start_time": "10:00",
            "end_time": "11:00",
            "room": session.room_id,
        },
    )
    assert response.context["form"].errors["room"] == [
        "Jade Hall, Guanfang Hotel is also booked for “Trafficking definitions” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    ]
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_session_form_refuses_an_end_before_the_start(organiser_client, workshop):
    response = organiser_client.post(
        reverse("events:session_create", args=[workshop.slug]),
        {
            "title": "Backwards",
            "kind": "lecture",
            "day": "2007-08-27",
            "start_time": "11:00",
            "end_time": "10:00",
        },
    )
    assert response.context["form"].errors["end_time"] == ["A session must end after it starts."]
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_session_edit_moves_and_raises_the_calendar_revision(organiser_client, workshop, session):
    response = organiser_client.post(
        reverse("events:session_edit", args=[workshop.slug, session.pk]),
        {
            "title": "Trafficking definitions",
            "kind": Session.Kind.LECTURE,
            "day": "2007-08-29",
            "start_time": "09:30",
            "end_time": "11:00",
            "room": session.room_id,
            "trainers": [t.pk for t in session.trainers.all()],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (at(29, 9, 30), at(29, 11))
    assert session.sequence == 1


@pytest.mark.django_db
def test_session_move_refuses_a_clash_and_keeps_the_old_time(
    organiser_client, workshop, session, trainer, make_session
):
    make_session(
        workshop,
        title="Victim protection",
        starts_at=at(28, 9),
        ends_at=at(28, 10),
        trainers=[trainer],
    )
    response = organiser_client.post(
        reverse("events:session_move", args=[workshop.slug, session.pk]),
        {"day": "2007-08-28", "start_time": "09:30", "end_time": "10:30"},
    )
    assert response.status_code == 200
    assert "also teaches “Victim protection”" in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == at(27, 9)


@pytest.mark.django_db
def test_workshop_create_makes_a_draft_organised_by_its_creator(organiser_client, organiser):
    response = organiser_client.post(
        reverse("events:workshop_create"),
        {
            "title": "Border Liaison Workshop",
            "start_date": "2008-03-10",
            "end_date": "2008-03-12",
            "timezone": "Asia/Bangkok",
            "language": "en",
            "capacity": "25",
            "registration_opens_at": "2008-02-01T09:00",
        },
    )
    created = Workshop.objects.get(title="Border Liaison Workshop")
    assert response["Location"] == reverse("events:workshop_detail", args=[created.slug])
    assert created.slug == "border-liaison-workshop-2008"
    assert created.status == Workshop.Status.DRAFT
    assert list(created.organisers.all()) == [organiser]
    # Typed as Bangkok's wall clock, stored as the instant it is (02:00 UTC).
    assert created.registration_opens_at.isoformat() == "2008-02-01T02:00:00+00:00"


@pytest.mark.django_db
def test_workshop_form_names_the_field_and_the_rule(organiser_client):
    response = organiser_client.post(
        reverse("events:workshop_create"),
        {
            "title": "Backwards",
            "start_date": "2008-03-10",
            "end_date": "2008-03-09",
            "timezone": "Mars/Olympus",
            "language": "en",
            "capacity": "0",
        },
    )
    errors = response.context["form"].errors
    assert errors["end_date"] == ["The last day cannot come before the first day."]
    assert errors["timezone"] == ["Choose a time zone from the list."]
    assert errors["capacity"] == ["Ensure this value is greater than or equal to 1."]
    assert not Workshop.objects.filter(title="Backwards").exists()


@pytest.mark.django_db
def test_workshop_edit_refuses_dates_that_leave_sessions_outside(
    organiser_client, workshop, session
):
    data = {
        "title": workshop.title,
        "slug": workshop.slug,
        "start_date": "2007-08-28",
        "end_date": "2007-08-31",
        "timezone": workshop.timezone,
        "language": "en",
        "capacity": "30",
    }
    response = organiser_client.post(reverse("events:workshop_edit", args=[workshop.slug]), data)
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["start_date"][0]
        .startswith(
            "These sessions would fall outside the new dates; move them first: "
            "“Trafficking definitions”"
        )
    )
    workshop.refresh_from_db()
    assert workshop.start_date == date(2007, 8, 26)


@pytest.mark.django_db
def test_workshop_edit_shows_the_registration_window_in_local_time(organiser_client, workshop):
    workshop.registration_opens_at = at(1, 9)
    workshop.save()
    html = organiser_client.get(
        reverse("events:workshop_edit", args=[workshop.slug])
    ).content.decode()
    assert 'name="registration_opens_at" value="2007-08-01T09:00"' in html


@pytest.mark.django_db
def test_workshop_edit_keeps_each_text_and_place_in_both_scripts(organiser_client, workshop):
    url = reverse("events:workshop_edit", args=[workshop.slug])
    form = organiser_client.get(url).context["form"]
    names = [field.name for _, fields in form.fieldsets() for field in fields]
    # Each twin in the local script stands right after its English field.
    for english in ("title", "objectives", "venue", "city", "region", "country", "narrative"):
        assert names[names.index(english) + 1] == f"{english}_local"
    local = {
        "venue_local": "丽江官房大酒店",
        "city_local": "丽江",
        "region_local": "云南省",
        "country_local": "中国",
        "objectives_local": "进一步提高从事反拐工作人员的能力。",
        "narrative_local": "培训重点围绕拐卖人口的定义展开。",
    }
    data = {
        "title": workshop.title,
        "slug": workshop.slug,
        "start_date": "2007-08-26",
        "end_date": "2007-08-31",
        "timezone": workshop.timezone,
        "language": "en",
        "capacity": "30",
        **local,
    }

    response = organiser_client.post(url, data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert {name: getattr(workshop, name) for name in local} == local


@pytest.mark.django_db
def test_workshop_create_leaves_the_narrative_in_both_scripts_for_later(organiser_client):
    form = organiser_client.get(reverse("events:workshop_create")).context["form"]
    assert "objectives_local" in form.fields
    assert "narrative" not in form.fields
    assert "narrative_local" not in form.fields


@pytest.mark.django_db
def test_workshop_status_publish_then_refuse_a_jump_back_to_draft(
    organiser_client, make_workshop, organiser
):
    draft = make_workshop(title="Draft", slug="draft", status=Workshop.Status.DRAFT)
    draft.organisers.add(organiser)
    url = reverse("events:workshop_status", args=[draft.slug])
    confirm = organiser_client.get(url + "?status=published").content.decode()
    assert "The workshop becomes visible on the public list" in confirm
    response = organiser_client.post(url, {"status": "published"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.PUBLISHED
    assert "The workshop is now “Published”." in response.content.decode()
    response = organiser_client.post(url, {"status": "draft"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.PUBLISHED
    assert "A workshop that is “Published” cannot become “Draft”." in response.content.decode()


@pytest.mark.django_db
def test_workshop_detail_offers_the_changes_the_status_allows(organiser_client, workshop):
    html = organiser_client.get(
        reverse("events:workshop_detail", args=[workshop.slug])
    ).content.decode()
    assert "Close registration" in html
    assert "Mark completed" in html
    assert "Cancel workshop" in html
    assert ">Publish<" not in html


@pytest.mark.django_db
def test_workshop_copy_moves_the_timetable_and_opens_it(organiser_client, workshop, session):
    response = organiser_client.post(
        reverse("events:workshop_copy", args=[workshop.slug]),
        {"start_date": "2008-08-24", "title": workshop.title},
    )
    copy = Workshop.objects.exclude(pk=workshop.pk).exclude(slug="another").get()
    assert response["Location"] == reverse("events:timetable", args=[copy.slug])
    html = organiser_client.get(response["Location"]).content.decode()
    assert "Monday 25 August 2008" in html
    assert 'datetime="2008-08-25T10:30:00+08:00">10:30</time>' in html


@pytest.mark.django_db
def test_agencies_search_add_create_with_parent_and_remove(organiser_client, workshop):
    un = Agency.objects.create(name="United Nations", acronym="UN", kind=Agency.Kind.UN)
    Agency.objects.create(name="Ministry of Public Security", acronym="MPS", name_local="公安部")
    url = reverse("events:workshop_agencies", args=[workshop.slug])

    html = organiser_client.get(url + "?q=公安").content.decode()
    assert "Ministry of Public Security" in html
    assert "United Nations" not in html.split("Agencies found")[1]

    mps = Agency.objects.get(acronym="MPS")
    organiser_client.post(url, {"agency": mps.pk, "role": "host", "note": ""})
    assert WorkshopAgency.objects.filter(workshop=workshop, agency=mps, role="host").exists()
    # The same again is refused with the reason.
    response = organiser_client.post(url, {"agency": mps.pk, "role": "host"}, follow=True)
    assert "Ministry of Public Security (MPS) is already listed as host." in (
        response.content.decode()
    )

    create = reverse("events:agency_create", args=[workshop.slug])
    typed = {
        "name": "UNIAP China Office",
        "acronym": "UNIAP",
        "kind": "un",
        "level": "national",
        "parent_query": "united",
        "role": "partner",
        "note": "",
    }
    found = organiser_client.post(create, {**typed, "find_parent": "1"})
    assert found.status_code == 200
    assert not found.context["form"].is_bound  # a search, not a save: no errors shown
    assert f'<option value="{un.pk}">United Nations (UN)</option>' in found.content.decode()
    assert 'value="UNIAP China Office"' in found.content.decode()
    organiser_client.post(create, {**typed, "parent": un.pk})
    uniap = Agency.objects.get(acronym="UNIAP")
    assert uniap.parent == un
    role = WorkshopAgency.objects.get(workshop=workshop, agency=uniap)
    assert role.role == "partner"

    organiser_client.post(reverse("events:agency_role_remove", args=[workshop.slug, role.pk]))
    assert not WorkshopAgency.objects.filter(pk=role.pk).exists()
    assert Agency.objects.filter(pk=uniap.pk).exists()


@pytest.mark.django_db
def test_agency_create_refuses_a_taken_name(organiser_client, workshop):
    Agency.objects.create(name="IOM")
    response = organiser_client.post(
        reverse("events:agency_create", args=[workshop.slug]),
        {"name": "IOM", "kind": "international", "level": "international", "role": "partner"},
    )
    assert response.context["form"].errors["name"] == [
        "Agency with this Name (English) already exists."
    ]


@pytest.mark.django_db
def test_trainer_list_searches_and_detail_shows_what_they_teach(
    organiser_client, workshop, session, trainer, make_workshop, make_session, other_organiser
):
    hidden = make_workshop(
        title="Someone's Draft", slug="someones-draft", status=Workshop.Status.DRAFT
    )
    hidden.organisers.add(other_organiser)
    make_session(hidden, title="Secret session", trainers=[trainer])
    Trainer.objects.create(name="Mi XiaoXiong", honorific="Dr.")

    html = organiser_client.get(reverse("events:trainer_list") + "?q=liang").content.decode()
    assert "Prof. Liang ShuYing" in html
    assert "Mi XiaoXiong" not in html

    html = organiser_client.get(
        reverse("events:trainer_detail", args=[trainer.pk])
    ).content.decode()
    assert "National Anti-Trafficking Workshop" in html
    assert "27 Aug 2007, 09:00" in html
    assert "Trafficking definitions" in html
    assert "Secret session" not in html


@pytest.mark.django_db
def test_trainer_create_and_edit(organiser_client):
    response = organiser_client.post(
        reverse("events:trainer_create"),
        {"name": "Tong JiYu", "position": "Researcher", "email": "not-an-address"},
    )
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    response = organiser_client.post(
        reverse("events:trainer_create"), {"name": "Tong JiYu", "position": "Researcher"}
    )
    trainer = Trainer.objects.get(name="Tong JiYu")
    assert response["Location"] == reverse("events:trainer_detail", args=[trainer.pk])
    organiser_client.post(
        reverse("events:trainer_edit", args=[trainer.pk]),
        {"name": "Tong JiYu", "name_local": "童吉渝", "position": "Researcher"},
    )
    trainer.refresh_from_db()
    assert trainer.name_local == "童吉渝"


@pytest.mark.django_db
def test_organiser_pages_speak_simplified_chinese(organiser_client, workshop, session):
    response = organiser_client.get(
        reverse("events:timetable", args=[workshop.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = response.content.decode()
    assert "添加日程" in html
    assert "日程表" in html


# The same number of queries for a small and a large workshop -------------------------------


@pytest.fixture(params=["small", "large"])
def sized_workshop(request, db, organiser):
    from tests.events.organiser_support import build_workshop

    sessions, participants = (3, 30) if request.param == "small" else (300, 3000)
    return build_workshop(
        sessions=sessions,
        participants=participants,
        organiser=organiser,
        start_date=date.today() + timedelta(days=20),
    )


def _first(workshop) -> Session:
    return workshop.sessions.order_by("pk").first()


# (page, url, queries). Every count begins with the session and its user (2) and, for a
# workshop's page, the workshop looked up through its organisers (1).
QUERY_COUNTS = [
    # + the scheduled sessions' count and the agencies with their roles.
    ("workshop_detail", lambda w: reverse("events:workshop_detail", args=[w.slug]), 5),
    # + the programmes, and the workshop's agencies for "report provided by".
    ("workshop_edit", lambda w: reverse("events:workshop_edit", args=[w.slug]), 5),
    ("workshop_copy", lambda w: reverse("events:workshop_copy", args=[w.slug]), 3),
    (
        "workshop_status",
        lambda w: reverse("events:workshop_status", args=[w.slug]) + "?status=closed",
        3,
    ),
    # + the trainers teaching in the workshop.
    ("workshop_calendar", lambda w: reverse("events:workshop_calendar", args=[w.slug]), 4),
    # + rooms, trainers with their agencies, topics, for the three choices.
    ("session_create", lambda w: reverse("events:session_create", args=[w.slug]), 6),
    # + the session with its room, its trainers and topics (initial values), then the choices.
    (
        "session_edit",
        lambda w: reverse("events:session_edit", args=[w.slug, _first(w).pk]),
        9,
    ),
    ("session_move", lambda w: reverse("events:session_move", args=[w.slug, _first(w).pk]), 4),
    (
        "session_cancel",
        lambda w: reverse("events:session_cancel", args=[w.slug, _first(w).pk]),
        4,
    ),
    # + the agencies in their roles, with parents; the search for "Ministry".
    (
        "workshop_agencies",
        lambda w: reverse("events:workshop_agencies", args=[w.slug]) + "?q=Ministry",
        5,
    ),
    # Nothing more: the "parent" choice lists only what a search found, and none was made.
    ("agency_create", lambda w: reverse("events:agency_create", args=[w.slug]), 3),
    # is_organiser (1) + trainers with their counts and agencies.
    ("trainer_list", lambda w: reverse("events:trainer_list"), 4),
    # is_organiser + the trainer with agency + their sessions + which workshops are organised
    # + whether this organiser manages the trainer.
    (
        "trainer_detail",
        lambda w: reverse("events:trainer_detail", args=[_first(w).trainers.first().pk]),
        7,
    ),
    # is_organiser + the trainer (if managed) + agencies for the choice.
    (
        "trainer_edit",
        lambda w: reverse("events:trainer_edit", args=[_first(w).trainers.first().pk]),
        5,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "url", "queries"), QUERY_COUNTS, ids=[q[0] for q in QUERY_COUNTS])
def test_page_query_count_is_the_same_for_3_and_300_sessions(
    client, organiser, sized_workshop, django_assert_num_queries, page, url, queries
):
    client.force_login(organiser)
    target = url(sized_workshop)
    with django_assert_num_queries(queries):
        response = client.get(target)
    assert response.status_code == 200


@pytest.mark.django_db
def test_timetable_query_count_is_the_same_for_3_and_300_sessions(
    client, organiser, sized_workshop, django_assert_num_queries
):
    client.force_login(organiser)
    url = reverse("events:timetable", args=[sized_workshop.slug])
    # The first time: the session and its user, the workshop, the timetable's version, the
    # cache (empty); then the sessions, their rooms, their trainers and the links to them,
    # their topics and the links to them, the clashing pairs (none); the cache's write: its
    # size, a savepoint, the key, the insert, the savepoint's release.
    with django_assert_num_queries(17):
        first = client.get(url)
    # Then, nothing having changed: the session, its user, the workshop, the version, the
    # cached body.
    with django_assert_num_queries(5):
        again = client.get(url)
    # The same page (past the sign-out form, whose CSRF token is masked anew each time).
    assert first.content.split(b"<main")[1] == again.content.split(b"<main")[1]
    assert first.content.decode().count('<li class="session"') == sized_workshop.sessions.count()


@pytest.mark.django_db
def test_timetable_shows_every_change_at_once_despite_its_cache(
    organiser_client, workshop, session, trainer, make_workshop, make_session
):
    url = reverse("events:timetable", args=[workshop.slug])
    assert "Trafficking definitions" in organiser_client.get(url).content.decode()

    session.title = "Definitions of trafficking"
    session.save()
    assert "Definitions of trafficking" in organiser_client.get(url).content.decode()

    trainer.name = "Liang Shuying"
    trainer.save()
    assert "Prof. Liang Shuying" in organiser_client.get(url).content.decode()

    session.room.name = "Jade Room"
    session.room.save()
    assert "Jade Room, Guanfang Hotel" in organiser_client.get(url).content.decode()

    # Another workshop books the same trainer at the same time: the clash shows here.
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    make_session(elsewhere, title="Kunming lecture", starts_at=at(27, 10), ends_at=at(27, 11),
                 trainers=[trainer])  # fmt: skip
    html = organiser_client.get(url).content.decode()
    # Another organiser's workshop and session are not named, only that the trainer is busy.
    assert "Prof. Liang Shuying is busy in another workshop at that time" in html
    assert "Kunming" not in html

    # The workshop moves to another time zone: the same instants, other wall-clock times.
    workshop.timezone = "Asia/Bangkok"
    workshop.save()
    html = organiser_client.get(url).content.decode()
    assert 'datetime="2007-08-27T08:00:00+07:00">08:00</time>' in html

    # A cancelled session, elsewhere: the clash goes.
    Session.objects.filter(title="Kunming lecture").get().delete()
    assert "Kunming lecture" not in organiser_client.get(url).content.decode()


@pytest.mark.django_db
def test_session_reinstate_asks_then_schedules_again(organiser_client, workshop, session):
    organiser_client.post(reverse("events:session_cancel", args=[workshop.slug, session.pk]))
    url = reverse("events:session_reinstate", args=[workshop.slug, session.pk])
    html = organiser_client.get(url).content.decode()
    assert "Schedule “Trafficking definitions” again?" in html
    assert "Monday 27 August 2007, 09:00\N{EN DASH}10:30" in html
    session.refresh_from_db()
    assert session.is_cancelled
    response = organiser_client.post(url, follow=True)
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    assert "“Trafficking definitions” is scheduled again." in response.content.decode()


@pytest.mark.django_db
def test_workshop_detail_shows_agencies_by_role_and_the_timetable_size(
    organiser_client, workshop, session, funder_agency
):
    host = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role="host")
    html = organiser_client.get(
        reverse("events:workshop_detail", args=[workshop.slug])
    ).content.decode()
    assert "<dt>Host</dt>\n      <dd>Ministry of Public Security (MPS)</dd>" in html
    assert "<dt>Funder</dt>\n      <dd>Funding Agency</dd>" in html
    assert "1 session</a> · 6 days" in html
    assert "Asia/Shanghai" in html


@pytest.mark.django_db
def test_workshop_calendar_lists_the_workshop_feed_and_each_trainers(
    organiser_client, workshop, session, trainer
):
    html = organiser_client.get(
        reverse("events:workshop_calendar", args=[workshop.slug])
    ).content.decode()
    assert reverse("events:workshop_feed", args=[workshop.slug]) in html
    assert reverse("events:trainer_feed", args=[trainer.feed_token]) in html
    assert "Prof. Liang ShuYing" in html


# Time zones: a change keeps local times and says so; new workshops take the last zone ------


def test_changing_the_zone_on_the_edit_page_keeps_local_times_and_says_so(
    client, organiser, workshop, make_session
):
    from zoneinfo import ZoneInfo

    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10, 30))
    client.force_login(organiser)
    page = client.get(reverse("events:workshop_edit", args=[workshop.slug]))
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and name in page.context["form"].fields
    }
    data.update(
        title=workshop.title,
        start_date="2007-08-26",
        end_date="2007-08-31",
        timezone="Asia/Bangkok",
        capacity="30",
        language="en",
    )
    data = {k: ("" if v is None else v) for k, v in data.items() if not hasattr(v, "pk")}
    response = client.post(reverse("events:workshop_edit", args=[workshop.slug]), data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    session.refresh_from_db()
    bangkok = ZoneInfo("Asia/Bangkok")
    assert session.starts_at.astimezone(bangkok).strftime("%d %H:%M") == "27 09:00"
    shown = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith("The time zone changed from Asia/Shanghai to Asia/Bangkok.") for m in shown
    )


def test_a_new_workshop_defaults_to_the_organisers_last_zone(client, organiser, make_workshop):
    later = make_workshop(title="Bangkok Workshop", slug="bangkok", timezone="Asia/Bangkok")
    later.organisers.add(organiser)
    client.force_login(organiser)
    form = client.get(reverse("events:workshop_create")).context["form"]
    assert form["timezone"].value() == "Asia/Bangkok"


def test_a_first_workshop_defaults_to_utc(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user("newcomer")
    user.user_permissions.add(Permission.objects.get(codename="add_workshop"))
    client.force_login(user)
    form = client.get(reverse("events:workshop_create")).context["form"]
    assert form["timezone"].value() == "UTC"


def test_workshop_overview_names_the_zone_of_its_registration_window(client, organiser, workshop):
    workshop.registration_closes_at = at(17, 18)
    workshop.save()
    client.force_login(organiser)
    html = client.get(reverse("events:workshop_detail", args=[workshop.slug])).content.decode()
    assert "closes Friday 17 August 2007, 18:00." in html
    assert "(Asia/Shanghai time)" in html

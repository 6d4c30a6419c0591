"""The organiser's workshop pages: create, edit, status, copy, overview, time zones."""

from datetime import date

import pytest
from django.urls import reverse

from events.models import Agency, Workshop, WorkshopAgency
from tests.conftest import at
from tests.events.conftest import NEW_WORKSHOP, html_of, workshop_form


@pytest.mark.django_db
def test_workshop_create_makes_a_draft_organised_by_its_creator(organiser_client, organiser):
    response = organiser_client.post(
        reverse("events:workshop_create"),
        {**NEW_WORKSHOP, "registration_opens_at": "2008-02-01T09:00"},
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
def test_workshop_form_refuses_the_days_and_the_window_by_the_models_constraints(
    organiser_client,
):
    # One implementation of each rule: the form reports the named constraint (its message
    # and its code, as the admin and the API do), not a copy of its own.
    response = organiser_client.post(
        reverse("events:workshop_create"),
        {
            "title": "Backwards",
            "start_date": "2008-03-10",
            "end_date": "2008-03-09",
            "timezone": "Asia/Bangkok",
            "language": "en",
            "capacity": "20",
            "registration_opens_at": "2008-02-10T09:00",
            "registration_closes_at": "2008-02-01T09:00",
        },
    )
    errors = response.context["form"].errors.as_data()
    assert [(e.messages, e.code) for e in errors["end_date"]] == [
        (["The last day cannot come before the first day."], "ends_before_start")
    ]
    assert [(e.messages, e.code) for e in errors["registration_closes_at"]] == [
        (["Registration must close after it opens."], "closes_before_opens")
    ]
    assert not Workshop.objects.filter(title="Backwards").exists()


@pytest.mark.django_db
def test_workshop_edit_refuses_dates_that_leave_sessions_outside(
    organiser_client, workshop, session
):
    data = workshop_form(workshop, start_date="2007-08-28")
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
    html = html_of(organiser_client, "events:workshop_edit", workshop.slug)
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
    data = workshop_form(workshop, **local)

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
    html = html_of(organiser_client, "events:workshop_detail", workshop.slug)
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
def test_workshop_detail_shows_agencies_by_role_and_the_timetable_size(
    organiser_client, workshop, session, funder_agency
):
    host = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role="host")
    html = html_of(organiser_client, "events:workshop_detail", workshop.slug)
    assert "<dt>Host</dt>\n      <dd>Ministry of Public Security (MPS)</dd>" in html
    assert "<dt>Funder</dt>\n      <dd>Funding Agency</dd>" in html
    assert "1 session</a> · 6 days" in html
    assert "Asia/Shanghai" in html


@pytest.mark.django_db
def test_workshop_calendar_lists_the_workshop_feed_and_each_trainers(
    organiser_client, workshop, session, trainer
):
    html = html_of(organiser_client, "events:workshop_calendar", workshop.slug)
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
